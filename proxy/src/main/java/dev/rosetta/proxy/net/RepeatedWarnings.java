package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Keeps a client that retries a refused connection every second from flooding the log: the first warning of a
 * kind from one client host is logged, the same kind again within {@link #WINDOW_SECONDS} is only counted, and
 * the next one logged says how many were left out. A kind is the exact message from one host (any port), so a
 * different failure is always news. One per proxy. Thread-safe; bounded.
 */
final class RepeatedWarnings {
    static final long WINDOW_SECONDS = 60;
    private static final int MAX_KINDS = 10_000;

    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RepeatedWarnings() {
        this(System::nanoTime);
    }

    RepeatedWarnings(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    private static final class Window {
        final long start;
        final AtomicLong suppressed = new AtomicLong();

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * Null when this warning should not be logged (a repeat within the window); otherwise what to append to the
     * line: empty, or how many similar warnings were left out since the last one logged.
     */
    @Nullable
    String admit(@Nullable SocketAddress client, String message) {
        String host = client instanceof InetSocketAddress a ? a.getHostString() : String.valueOf(client);
        String kind = host + '|' + message;
        long now = nanoTime.getAsLong();
        Window current = windows.get(kind);
        if (current != null && now - current.start < TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
            current.suppressed.incrementAndGet();
            return null;
        }
        if (windows.size() >= MAX_KINDS) {
            windows.clear(); // a scan from many addresses: forget, rather than grow without bound
        }
        windows.put(kind, new Window(now));
        long left = current == null ? 0 : current.suppressed.get();
        return left == 0
                ? ""
                : " (" + left + " more like it from " + host + " in the last " + WINDOW_SECONDS + " s were not logged)";
    }
}
