package dev.rosetta.proxy.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP hop between the proxy and one broker that injects the faults a network between them can have. It reads
 * Kafka frames in both directions, so it can aim at a Produce request:
 *
 * <ul>
 *   <li>{@link #resetAll()}: every open connection is reset (RST), both sides, mid-stream;
 *   <li>{@link #cutNextProduce()}: the next Produce request is cut after half its bytes, then its connection is
 *       reset: the broker never gets it whole;
 *   <li>{@link #loseNextProduceAnswer()}: the next Produce request reaches the broker, which stores its records,
 *       and its answer is dropped and the connection reset: the client cannot know it was stored;
 *   <li>{@link #blackHole(boolean)}: nothing moves either way (no RST, no FIN, bytes wait in the buffers) until the
 *       hole closes, the way a network partition looks to TCP.
 * </ul>
 */
public final class FaultyHop implements AutoCloseable {
    private static final short PRODUCE = 0;

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean blackHole;
    private final AtomicBoolean cutNextProduce = new AtomicBoolean();
    private final AtomicBoolean loseNextProduceAnswer = new AtomicBoolean();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger faults = new AtomicInteger();
    private volatile boolean closed;

    private FaultyHop(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-hop-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A hop listening on a free loopback port, forwarding to {@code target}. */
    public static FaultyHop to(InetSocketAddress target) {
        try {
            return new FaultyHop(target);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a hop to " + target, e);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    public InetSocketAddress target() {
        return target;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return pairs.size();
    }

    /** Faults injected so far (resets, cuts, lost answers). */
    public int faults() {
        return faults.get();
    }

    /** Resets every open connection; returns how many. */
    public int resetAll() {
        int n = 0;
        for (Pair p : pairs) {
            p.reset();
            n++;
        }
        faults.addAndGet(n);
        return n;
    }

    public void cutNextProduce() {
        cutNextProduce.set(true);
    }

    public void loseNextProduceAnswer() {
        loseNextProduceAnswer.set(true);
    }

    /** Whether the next Produce fault armed is still waiting for its Produce request. */
    public boolean armed() {
        return cutNextProduce.get() || loseNextProduceAnswer.get();
    }

    public void blackHole(boolean on) {
        synchronized (gate) {
            blackHole = on;
            gate.notifyAll();
        }
    }

    private void waitWhileBlackHole() throws InterruptedException {
        synchronized (gate) {
            while (blackHole && !closed) {
                gate.wait();
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket downstream = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 5_000);
                } catch (IOException e) {
                    downstream.close();
                    continue;
                }
                Pair pair = new Pair(downstream, upstream);
                pairs.add(pair);
                pair.start();
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException("hop to " + target + " failed", e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        blackHole(false);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        pairs.forEach(Pair::reset);
    }

    /** One connection through the hop: the proxy's side and the broker's. */
    private final class Pair {
        private final Socket downstream;
        private final Socket upstream;
        private final AtomicBoolean done = new AtomicBoolean();
        /** The correlation id of a Produce request whose answer is to be lost, or -1. */
        private volatile int doomed = -1;

        Pair(Socket downstream, Socket upstream) throws IOException {
            this.downstream = downstream;
            this.upstream = upstream;
            downstream.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        }

        void start() {
            Thread requests = new Thread(this::requests, "hop-requests-" + downstream.getPort());
            Thread answers = new Thread(this::answers, "hop-answers-" + downstream.getPort());
            requests.setDaemon(true);
            answers.setDaemon(true);
            requests.start();
            answers.start();
        }

        private void requests() {
            try (DataInputStream in = new DataInputStream(downstream.getInputStream());
                    DataOutputStream out = new DataOutputStream(upstream.getOutputStream())) {
                while (true) {
                    byte[] frame = frame(in);
                    waitWhileBlackHole();
                    short apiKey = (short) (((frame[4] & 0xff) << 8) | (frame[5] & 0xff));
                    if (apiKey == PRODUCE && cutNextProduce.compareAndSet(true, false)) {
                        out.write(frame, 0, frame.length / 2);
                        out.flush();
                        faults.incrementAndGet();
                        reset();
                        return;
                    }
                    if (apiKey == PRODUCE && loseNextProduceAnswer.compareAndSet(true, false)) {
                        doomed = readInt(frame, 8);
                    }
                    out.write(frame);
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                reset();
            }
        }

        private void answers() {
            try (DataInputStream in = new DataInputStream(upstream.getInputStream());
                    OutputStream out = downstream.getOutputStream()) {
                while (true) {
                    byte[] frame = frame(in);
                    waitWhileBlackHole();
                    if (doomed != -1 && readInt(frame, 4) == doomed) {
                        faults.incrementAndGet();
                        reset(); // stored by the broker; the answer never arrives
                        return;
                    }
                    out.write(frame);
                    out.flush();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                reset();
            }
        }

        /** A whole frame, its 4-byte size included. */
        private byte[] frame(DataInputStream in) throws IOException {
            int size = in.readInt();
            if (size < 0 || size > 256 << 20) {
                throw new EOFException("not a Kafka frame: size " + size);
            }
            byte[] frame = new byte[size + 4];
            frame[0] = (byte) (size >>> 24);
            frame[1] = (byte) (size >>> 16);
            frame[2] = (byte) (size >>> 8);
            frame[3] = (byte) size;
            in.readFully(frame, 4, size);
            return frame;
        }

        void reset() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            pairs.remove(this);
            abort(downstream);
            abort(upstream);
        }

        private void abort(Socket socket) {
            try {
                socket.setSoLinger(true, 0); // RST, not FIN
            } catch (SocketException ignored) {
                // already closed
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
