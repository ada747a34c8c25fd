package dev.rosetta.proxy.net;

import java.io.IOException;
import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.metrics.ProxyMetrics;

import io.netty.channel.Channel;
import io.netty.handler.codec.DecoderException;

/**
 * What went wrong on one client connection, classified once: each failure is counted and logged
 * in one line with its context, and tells the connection whether it ends as a rejected frame or a
 * plain close. Logs under {@link ClientConnection}'s name, where operators (and log configs) look
 * for a connection's story.
 */
final class ConnectionErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final ProxyMetrics metrics;
    private final UpstreamTarget target;

    /** Shared by the proxy's connections: a client retrying a refused connection logs once a minute. */
    private final RepeatedWarnings repeated;

    ConnectionErrors(ProxyMetrics metrics, UpstreamTarget target, RepeatedWarnings repeated) {
        this.metrics = metrics;
        this.target = target;
        this.repeated = repeated;
    }

    /** No traffic either way for {@code listener.idleTimeout}, nothing in flight: closed with its upstream. */
    void idleClosed(@Nullable SocketAddress client) {
        metrics.idleClosed();
        LOG.debug("Closing idle connection from {} on {} port (listener.idleTimeout)", client, target);
    }

    /** A frame began to arrive and did not complete in time: a client trickling bytes, or a stalled one. */
    void frameTooSlow(@Nullable SocketAddress client, int receivedBytes, long timeoutNanos) {
        metrics.idleClosed();
        LOG.debug("{} on {} port: {} bytes of an incomplete frame", client, target, receivedBytes);
        warnUnlessRepeated(
                client,
                "a frame did not arrive whole within "
                        + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                        + " s of its first byte (a client trickling bytes, or a stalled one); its upstream connection"
                        + " closes with it");
    }

    /** The connection could not even start (no upstream address, none reachable). */
    void notStarted(@Nullable SocketAddress client, String reason) {
        warnUnlessRepeated(client, reason);
    }

    /** The client sent a frame the proxy refuses (too large, too short, a malformed header). */
    void rejected(@Nullable SocketAddress client, String reason) {
        metrics.frameRejected();
        warnUnlessRepeated(client, reason);
    }

    private void warnUnlessRepeated(@Nullable SocketAddress client, String reason) {
        String suffix = repeated.admit(client, target + ": " + reason);
        if (suffix != null) {
            LOG.warn("Closing connection from {} on {} port: {}{}", client, target, reason, suffix);
        }
    }

    /** A request or response ({@code what}) could not be handled. */
    void messageFailed(@Nullable SocketAddress client, String what, Throwable error) {
        metrics.protocolError();
        LOG.warn(
                "Closing connection from {}: handling {} failed: {}", client, what, Failures.rootMessage(error), error);
    }

    /** The broker answered out of order: the connection's exchange can no longer be trusted. */
    void responseOutOfOrder(@Nullable SocketAddress client, Channel upstream, int correlationId, String expected) {
        metrics.protocolError();
        LOG.warn(
                "Closing connection from {}: upstream {} sent a response with correlation id {} but the next expected was {}",
                client,
                upstream.remoteAddress(),
                correlationId,
                expected);
    }

    /** The client went away with a frame half sent. */
    void closedMidFrame(@Nullable SocketAddress client, int receivedBytes) {
        LOG.info(
                "Client {} closed the connection in the middle of a frame ({} bytes of it received)",
                client,
                receivedBytes);
    }

    /** The broker side closed; the client's connection closes with it. */
    void upstreamClosed(@Nullable SocketAddress client, Channel upstream) {
        LOG.debug("Upstream {} closed the connection of client {}", upstream.remoteAddress(), client);
    }

    /** An exception on the broker side; the client's connection closes with it. */
    void upstreamFailed(@Nullable SocketAddress client, Channel upstream, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.info(
                    "Upstream connection {} of client {} failed: {}",
                    upstream.remoteAddress(),
                    client,
                    cause.getMessage());
        } else {
            metrics.protocolError();
            LOG.warn(
                    "Upstream connection {} of client {} failed: {}",
                    upstream.remoteAddress(),
                    client,
                    Failures.rootMessage(cause),
                    cause);
        }
    }

    /**
     * An exception on the client channel.
     *
     * @return the reason to reject the connection with, when the client sent a frame the proxy
     *         refuses; null when the connection just closes (the failure is logged and counted here)
     */
    @Nullable
    String clientFailed(@Nullable SocketAddress client, Throwable cause) {
        // the decoder's own exception is a DecoderException; Netty may also wrap it in one
        if (cause instanceof KafkaFrameDecoder.FrameSizeException sizeError) {
            return String.valueOf(sizeError.getMessage());
        }
        if (cause.getCause() instanceof KafkaFrameDecoder.FrameSizeException sizeError) {
            return String.valueOf(sizeError.getMessage());
        }
        if (cause instanceof DecoderException && Failures.isTls(cause)) {
            metrics.protocolError();
            String suffix = repeated.admit(client, "TLS handshake failed: " + Failures.rootMessage(cause));
            if (suffix != null) {
                LOG.warn(
                        "Closing connection from {}: TLS handshake failed: {}{}",
                        client,
                        Failures.rootMessage(cause),
                        suffix);
            }
        } else if (cause instanceof IOException) {
            LOG.debug("Connection from {} failed: {}", client, cause.getMessage());
        } else {
            metrics.protocolError();
            LOG.warn("Closing connection from {}: {}", client, Failures.rootMessage(cause), cause);
        }
        return null;
    }
}
