package dev.rosetta.benchmarks.endtoend;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import dev.rosetta.proxy.net.Transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * A calibration target, not a Kafka proxy: a byte pipe that forwards every chunk as soon as it is
 * read (cut-through), without framing or parsing, on the same Netty transport and thread count
 * as the proxy. The broker advertises the relay's port on a listener of its own, so clients that
 * bootstrap through the relay stay on it. What the relay costs is what one more TCP hop through a
 * user-space process costs on this machine: a floor for any proxy.
 */
final class TcpRelay implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;

    private TcpRelay(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    static TcpRelay start(int listenPort, InetSocketAddress target) {
        Transport transport = Transport.best();
        EventLoopGroup group =
                transport.newGroup("relay-io", Runtime.getRuntime().availableProcessors());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannelType())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Frontend(transport, target));
                    }
                });
        Channel server =
                bootstrap.bind("127.0.0.1", listenPort).syncUninterruptibly().channel();
        return new TcpRelay(group, server);
    }

    /**
     * The client side of one relayed connection until its broker connection is up: then it hands
     * the client channel to a {@link Pipe} towards the broker and starts reading.
     */
    private static final class Frontend extends ChannelInboundHandlerAdapter {
        private final Transport transport;
        private final InetSocketAddress target;

        Frontend(Transport transport, InetSocketAddress target) {
            this.transport = transport;
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap()
                    .group(client.eventLoop())
                    .channel(transport.socketChannelType())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Pipe(client))
                    .connect(target)
                    .addListener((ChannelFutureListener) f -> {
                        if (!f.isSuccess()) {
                            client.close();
                        } else if (!client.isActive()) { // the client left while we connected
                            f.channel().close();
                        } else {
                            // same event loop as the client: no read can slip in between
                            client.pipeline().replace(this, "pipe", new Pipe(f.channel()));
                            client.config().setAutoRead(true);
                        }
                    });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    /** Either direction once connected: bytes read on one channel are written to the other. */
    private static final class Pipe extends ChannelInboundHandlerAdapter {
        private final Channel other;

        Pipe(Channel other) {
            this.other = other;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            other.write(msg, other.voidPromise());
            if (!other.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            other.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            other.config().setAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeOnFlush(other);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeOnFlush(ctx.channel());
        }
    }

    private static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
