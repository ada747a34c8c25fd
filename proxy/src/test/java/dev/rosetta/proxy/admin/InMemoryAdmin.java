package dev.rosetta.proxy.admin;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.routing.RouteChanges;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * The admin API's connection pipeline ({@link AdminServer#connectionHandlers()}: HTTP codec, aggregator, routes
 * API) on an in-memory channel: the bytes of a request in, the bytes the server answered out. No socket, no thread.
 */
public final class InMemoryAdmin {
    private final AdminServer server;

    /** An admin API without a token (as on loopback) in front of {@code changes}. */
    public InMemoryAdmin(RouteChanges changes) {
        this.server = new AdminServer(
                new AdminConfig(true, "127.0.0.1", 0, null),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                changes,
                List.of(),
                Duration.ofSeconds(5));
    }

    /**
     * Sends {@code request} on a new connection and returns every byte the server wrote back before the channel
     * was closed or went quiet.
     */
    public byte[] exchange(byte[] request) {
        EmbeddedChannel channel = new EmbeddedChannel(server.connectionHandlers());
        ByteArrayOutputStream answered = new ByteArrayOutputStream();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(request));
            channel.runPendingTasks();
            for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                ByteBuf bytes = (ByteBuf) out;
                try {
                    bytes.readBytes(answered, bytes.readableBytes());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    bytes.release();
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return answered.toByteArray();
    }
}
