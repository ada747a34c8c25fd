package dev.rosetta.proxy.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.AdminConfig;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The admin HTTP endpoint on its own port (loopback by default): {@code GET /healthz},
 * {@code GET /readyz}, {@code GET /metrics} (Prometheus text). An optional bearer token guards
 * every path. Runs on its own single thread so that a slow scrape never delays Kafka traffic.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final AdminConfig config;
    private final PrometheusMeterRegistry registry;
    private EventLoopGroup group;
    private Channel channel;

    public AdminServer(AdminConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public AdminServer start() {
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rosetta-admin", true), NioIoHandler.newFactory());
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024 * 1024), new Handler());
                        }
                    })
                    .bind(config.bindHost(), config.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException("cannot start the admin API on " + config.bindHost() + ":" + config.port()
                    + " (admin.bindHost / admin.port): " + e.getMessage(), e);
        }
        LOG.info("Admin API listening on {}{}", baseUrl(), config.bearerToken() == null ? "" : " (bearer token required)");
        return this;
    }

    /** e.g. {@code http://127.0.0.1:19080} */
    public String baseUrl() {
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = new QueryStringDecoder(request.uri()).path();
            FullHttpResponse response;
            if (config.bearerToken() != null && !("Bearer " + config.bearerToken()).equals(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                response = json(HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"missing or wrong bearer token in the Authorization header\"}");
            } else if (!HttpMethod.GET.equals(request.method())) {
                response = json(HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"" + request.method() + " " + path + " is not supported; use GET\"}");
            } else {
                response = switch (path) {
                    case "/healthz" -> json(HttpResponseStatus.OK, "{\"status\":\"up\"}");
                    case "/readyz" -> json(HttpResponseStatus.OK, "{\"status\":\"ready\"}");
                    case "/metrics" -> text(registry.scrape());
                    default -> json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"no such path: " + path + "\",\"paths\":[\"/healthz\",\"/readyz\",\"/metrics\"]}");
                };
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var future = ctx.writeAndFlush(response);
            if (!keepAlive) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        return response(status, body, HttpHeaderValues.APPLICATION_JSON.toString());
    }

    private static FullHttpResponse text(String body) {
        return response(HttpResponseStatus.OK, body, "text/plain; version=0.0.4; charset=utf-8");
    }

    private static FullHttpResponse response(HttpResponseStatus status, String body, String contentType) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }
}
