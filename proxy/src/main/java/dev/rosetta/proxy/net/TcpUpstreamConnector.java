package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.metrics.ProxyMetrics;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

/**
 * Dials the broker over TCP (and TLS when configured) on the client's own event loop, so both
 * channels of a connection share one thread; falls back through the candidates in order (one
 * log line per failed candidate), counting each failure.
 */
final class TcpUpstreamConnector implements UpstreamConnector {
    private static final Logger LOG = LoggerFactory.getLogger(TcpUpstreamConnector.class);

    private final Transport transport;
    private final @Nullable SslContext tls;
    private final int connectTimeoutMillis;
    private final ProxyMetrics metrics;
    private final java.util.function.UnaryOperator<InetSocketAddress> connectVia;

    /**
     * @param tls        TLS towards the brokers, or null for plaintext
     * @param connectVia where to connect for a broker address (see {@link ProxyServer#connectVia})
     */
    TcpUpstreamConnector(
            Transport transport,
            @Nullable SslContext tls,
            int connectTimeoutMillis,
            ProxyMetrics metrics,
            java.util.function.UnaryOperator<InetSocketAddress> connectVia) {
        this.connectVia = connectVia;
        this.transport = transport;
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Channel> connect(
            Channel client, List<InetSocketAddress> candidates, Supplier<? extends ChannelHandler> handler) {
        CompletableFuture<Channel> connected = new CompletableFuture<>();
        connect(client, candidates, 0, handler, connected);
        return connected;
    }

    private void connect(
            Channel client,
            List<InetSocketAddress> candidates,
            int index,
            Supplier<? extends ChannelHandler> handler,
            CompletableFuture<Channel> connected) {
        InetSocketAddress address = candidates.get(index);
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(transport.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.ALLOCATOR, FrameBuffers.allocator())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline()
                                    .addLast(
                                            "tls",
                                            tls.newHandler(ch.alloc(), address.getHostString(), address.getPort()));
                        }
                        ch.pipeline().addLast("frames", new KafkaFrameDecoder(4, Integer.MAX_VALUE - 4));
                        ch.pipeline().addLast("upstream", handler.get());
                    }
                });
        bootstrap.connect(connectVia.apply(address)).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                connected.complete(future.channel());
                return;
            }
            metrics.upstreamConnectFailed();
            if (index + 1 < candidates.size() && client.isActive()) {
                LOG.info(
                        "Upstream {} unreachable ({}); trying {}",
                        Failures.describe(address),
                        Failures.rootMessage(future.cause()),
                        Failures.describe(candidates.get(index + 1)));
                connect(client, candidates, index + 1, handler, connected);
            } else {
                connected.completeExceptionally(new java.net.ConnectException("cannot reach upstream "
                        + candidates.stream().map(Failures::describe).collect(Collectors.joining(", ")) + ": "
                        + Failures.rootMessage(future.cause())));
            }
        });
    }
}
