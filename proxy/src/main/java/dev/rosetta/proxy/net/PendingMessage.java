package dev.rosetta.proxy.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.MessageFilter;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * A request or response on its way through the filters that want it, from the frame read to the
 * bytes to send. Runs its filters in order; a filter that defers suspends it, and it resumes at
 * that same filter once the stage completes (the filters before it keep their verdict). It ends
 * {@link #isReady() ready} (with the original frame, or a re-encoding when a filter changed the
 * message) or failed (the connection closes).
 *
 * <p>Owns {@link #frame} until it is ready (the decoded message may point into it), then owns
 * {@link #out()} until the connection sends or releases it. A message abandoned while deferred
 * (the connection closed) releases its frame when its stage completes. Confined to the
 * connection's event loop.
 *
 * @param <F> the filter type: {@code RequestFilter} or {@code ResponseFilter}
 */
abstract class PendingMessage<F extends MessageFilter> {
    /** How many times one message may be deferred before the proxy gives up on it (and the connection). */
    static final int MAX_DEFERRALS = 8;

    final ClientConnection connection;
    /** Null for an api key the proxy does not know: no filter runs on such a message. */
    final @Nullable ApiKeys apiKey;

    final short apiVersion;
    final int correlationId;
    final ByteBuf frame;
    private final F[] filters;
    private final @Nullable ApiMessage message;
    private @Nullable Attachments attachments;
    /** The filter to run next: where a deferred message resumes. */
    private int next;

    private boolean changed;
    private int deferrals;
    private @Nullable ByteBuf out;
    /** Buffers the changed message points into, released once it is encoded or dropped. */
    private @Nullable List<ReferenceCounted> held;

    /**
     * @param header  the request's header fields (for a response: of the request it answers)
     * @param message the decoded frame, or null when no filter runs ({@code filters} empty)
     */
    PendingMessage(
            ClientConnection connection,
            InFlightRequest header,
            ByteBuf frame,
            F[] filters,
            @Nullable ApiMessage message) {
        this.connection = connection;
        this.apiKey = header.apiKey();
        this.apiVersion = header.apiVersion();
        this.correlationId = header.correlationId();
        this.frame = frame;
        this.filters = filters;
        this.message = message;
        if (filters.length == 0) {
            out = frame;
        }
    }

    /** {@code apiKey} of a message a filter runs on: always one the proxy knows. */
    static ApiKeys known(@Nullable ApiKeys apiKey) {
        return Objects.requireNonNull(apiKey, "filters run only on api keys the proxy knows");
    }

    /** How log lines name the message's api key. */
    final String apiName() {
        return apiName(apiKey);
    }

    static String apiName(@Nullable ApiKeys apiKey) {
        return apiKey == null ? "unknown api key" : apiKey.name;
    }

    /** Runs one filter on the message. */
    abstract FilterResult apply(F filter, ApiMessage message);

    /** The message as a complete frame, after a filter changed it. */
    abstract ByteBuf encode(ApiMessage message);

    /** Called once when the message became ready (after a deferral: on the event loop, later). */
    abstract void ready(boolean resumed);

    /** What this message is, for log lines: e.g. {@code the FETCH v17 response (correlation id 9)}. */
    abstract String describe();

    /** Filters' state across the runs of this message. */
    /** See {@code RequestExchange.releaseWhenDone}. */
    public final void releaseWhenDone(ReferenceCounted buffer) {
        if (held == null) {
            held = new ArrayList<>(4);
        }
        held.add(buffer);
    }

    private void releaseHeld() {
        List<ReferenceCounted> buffers = held;
        if (buffers != null) {
            held = null;
            buffers.forEach(ReferenceCounted::release);
        }
    }

    public final Attachments attachments() {
        if (attachments == null) {
            attachments = new Attachments();
        }
        return attachments;
    }

    final boolean isReady() {
        return out != null;
    }

    /** The bytes to send; only once {@link #isReady()}. */
    final ByteBuf out() {
        return Objects.requireNonNull(out, "not ready");
    }

    /** Runs the filters from where the message stands; ends ready, deferred, or failed (the connection then closes). */
    final void run() {
        boolean resumed = deferrals > 0;
        try {
            while (next < filters.length) {
                FilterResult result =
                        apply(filters[next], Objects.requireNonNull(message, "decoded when a filter runs"));
                if (result instanceof FilterResult.Deferred deferred) {
                    defer(deferred);
                    return;
                }
                changed |= result == FilterResult.CHANGED;
                next++;
            }
            if (changed) {
                out = encode(Objects.requireNonNull(message, "decoded when a filter runs"));
                frame.release();
            } else {
                out = frame;
            }
            releaseHeld();
        } catch (RuntimeException e) {
            frame.release();
            releaseHeld();
            connection.failed(describe(), e);
            return;
        }
        ready(resumed);
    }

    private void defer(FilterResult.Deferred deferred) {
        if (++deferrals > MAX_DEFERRALS) {
            throw new IllegalStateException(
                    describe() + " was deferred " + MAX_DEFERRALS + " times without becoming ready");
        }
        // also after a failed stage: the filter reads the outcome it waited for
        deferred.until().whenComplete((ignored, error) -> {
            Runnable resume = () -> {
                if (connection.isClosing()) {
                    frame.release();
                    releaseHeld();
                } else {
                    run();
                }
            };
            try {
                connection.eventLoop().execute(resume);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // the proxy stopped while the stage ran: its event loop is gone, and with it the connection
                frame.release();
                releaseHeld();
            }
        });
    }
}
