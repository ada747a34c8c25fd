package dev.rosetta.proxy.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Last handler on an upstream channel: hands every response to the client connection it belongs
 * to, and closes that connection (both sides) when the broker side closes or fails.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private final ClientConnection connection;

    UpstreamHandler(ClientConnection connection) {
        this.connection = connection;
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
            connection.errors().upstreamClosed(connection.remoteAddress(), ctx.channel());
            connection.closeBoth();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        connection.errors().upstreamFailed(connection.remoteAddress(), ctx.channel(), cause);
        connection.closeBoth();
    }
}
