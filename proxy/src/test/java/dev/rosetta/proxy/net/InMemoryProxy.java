package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

import dev.rosetta.config.PrincipalConfig;
import dev.rosetta.proxy.auth.SaslPrincipals;
import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A client connection of the proxy on in-memory channels, with the pipeline and filters of a real one: the client
 * side's frame decoder and {@link ClientConnection}, the broker side's frame decoder and {@link UpstreamHandler},
 * the proxy's own filters (ApiVersions, broker addresses, SASL principals) followed by the given ones. No socket,
 * no thread: everything runs on the caller's thread, deferred work included.
 */
public final class InMemoryProxy {
    /** The host clients are told to connect to for every broker. */
    public static final String ADVERTISED_HOST = "proxy.local";

    private final ProxyRuntime runtime;
    /** The broker side of the connection made last (the connector makes it synchronously). */
    private EmbeddedChannel lastUpstream;

    /**
     * @param responseFilters filters run after the proxy's own on responses (e.g. record translation)
     * @param requestFilters  filters run after the proxy's own on requests
     * @param brokerPorts     the port the proxy listens on for a node id (completes at once), or fails for one it
     *                        cannot listen for
     */
    public InMemoryProxy(
            List<ResponseFilter> responseFilters,
            List<RequestFilter> requestFilters,
            IntFunction<CompletableFuture<Integer>> brokerPorts,
            int maxFrameBytes) {
        ProxyMetrics metrics = new ProxyMetrics(new SimpleMeterRegistry());
        BrokerListeners endpoints = new BrokerListeners(ADVERTISED_HOST, brokerPorts);
        SaslPrincipals sasl = new SaslPrincipals(PrincipalConfig.DEFAULTS, metrics);
        this.runtime = new ProxyRuntime(
                List.of(InetSocketAddress.createUnresolved("broker", 9092)),
                (client, candidates, handler) -> {
                    lastUpstream = new EmbeddedChannel(new KafkaFrameDecoder(4, Integer.MAX_VALUE - 4), handler.get());
                    return CompletableFuture.completedFuture(lastUpstream);
                },
                endpoints,
                new FilterTable<>(ProxyServer.responseFilters(endpoints, sasl, responseFilters), ResponseFilter[]::new),
                new FilterTable<>(ProxyServer.requestFilters(sasl, requestFilters), RequestFilter[]::new),
                metrics,
                null,
                null,
                maxFrameBytes,
                new RepeatedWarnings());
    }

    /** A new client connection, its upstream connection already up. */
    public Connection connect() {
        return new Connection();
    }

    /** One client connection and its upstream connection. */
    public final class Connection implements AutoCloseable {
        private final ClientConnection handler = new ClientConnection(runtime, UpstreamTarget.BOOTSTRAP);
        private final EmbeddedChannel client =
                new EmbeddedChannel(new KafkaFrameDecoder(8, runtime.maxFrameBytes()), handler);
        private final EmbeddedChannel broker;

        private Connection() {
            broker = lastUpstream; // channelActive connected it synchronously, through the in-memory connector
        }

        /** Bytes from the client (any number of frames, or part of one); runs what they set off. */
        public void fromClient(ByteBuf bytes) {
            client.writeInbound(bytes);
            settle();
        }

        /** Bytes from the broker; runs what they set off. */
        public void fromBroker(ByteBuf bytes) {
            broker.writeInbound(bytes);
            settle();
        }

        /** Runs the work deferred to the connection's event loop until none is left (a deferral may set off another). */
        private void settle() {
            for (int i = 0; i < 4 * PendingMessage.MAX_DEFERRALS; i++) {
                client.runPendingTasks();
                broker.runPendingTasks();
            }
            client.checkException();
            broker.checkException();
        }

        /** The frames the proxy sent to the broker since the last call; the caller releases them. */
        public List<ByteBuf> toBroker() {
            return drain(broker);
        }

        /** The frames the proxy sent to the client since the last call; the caller releases them. */
        public List<ByteBuf> toClient() {
            return drain(client);
        }

        private List<ByteBuf> drain(EmbeddedChannel channel) {
            List<ByteBuf> frames = new ArrayList<>();
            for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                ByteBuf frame = (ByteBuf) out;
                if (frame.isReadable()) {
                    frames.add(frame);
                } else {
                    frame.release(); // the empty buffer a close flushes
                }
            }
            return frames;
        }

        /** Whether the proxy keeps the client's connection open. */
        public boolean isOpen() {
            return client.isOpen();
        }

        /** Whether the proxy keeps the broker connection open. */
        public boolean isBrokerOpen() {
            return broker.isOpen();
        }

        /** Closes both channels and releases everything still held or written. */
        @Override
        public void close() {
            client.finishAndReleaseAll();
            broker.finishAndReleaseAll();
        }
    }
}
