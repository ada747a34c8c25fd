package dev.rosetta.proxy.net;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.metrics.ProxyMetrics;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Last handler on an upstream channel: hands every response to the client connection it belongs
 * to, and closes that connection (both sides) when the broker side closes or fails.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHandler.class);

    private final ClientConnection connection;
    private final ProxyMetrics metrics;

    UpstreamHandler(ClientConnection connection, ProxyMetrics metrics) {
        this.connection = connection;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connection.onResponse(ctx.channel(), (ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        connection.flushToClient();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        connection.updateBackpressure();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!connection.isClosing()) {
            LOG.debug(
                    "Upstream {} closed the connection of client {}",
                    ctx.channel().remoteAddress(),
                    connection.remoteAddress());
            connection.closeBoth();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.info(
                    "Upstream connection {} of client {} failed: {}",
                    ctx.channel().remoteAddress(),
                    connection.remoteAddress(),
                    cause.getMessage());
        } else {
            metrics.protocolError();
            LOG.warn(
                    "Upstream connection {} of client {} failed: {}",
                    ctx.channel().remoteAddress(),
                    connection.remoteAddress(),
                    Failures.rootMessage(cause),
                    cause);
        }
        connection.closeBoth();
    }
}
