package dev.rosetta.proxy.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.routing.RouteChanges;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The admin HTTP endpoint on its own port (loopback by default):
 * <ul>
 * <li>{@code GET /healthz}; {@code GET /readyz} (503 with the reasons until every
 * {@link ReadinessCheck} passes); {@code GET /metrics} (Prometheus text);</li>
 * <li>the routes API under {@code /routes} (list, show, put, delete, rollout, rollback,
 * history; see {@code proxy/ADMIN-API.md}), when given a {@link RouteChanges}.</li>
 * </ul>
 * An optional bearer token guards every path but the probes, {@code /healthz} and {@code /readyz}
 * (kubelets send no credentials). Every 4xx/5xx has a JSON body naming the problem.
 *
 * <p>Runs on its own single thread, so a slow scrape never delays Kafka traffic. Route changes
 * never block that thread: the response is written when the change has taken effect (with
 * route distribution, when it came back from the routes topic), or with a 503 after the
 * change timeout.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** How long a route change may take to be confirmed before the request gets a 503. */
    public static final Duration DEFAULT_CHANGE_TIMEOUT = Duration.ofSeconds(15);

    private static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Open admin connections at most; more are closed at once (probes and scrapes need a handful). */
    static final int MAX_CONNECTIONS = 64;
    /** A connection that sends nothing for this long is closed, so slow clients cannot hold the slots. */
    static final int IDLE_SECONDS = 30;
    /** A request must arrive whole within this many seconds of its first byte. */
    static final int REQUEST_SECONDS = 10;

    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    /** Only touched on the admin thread. */
    private long refusedConnections;

    private final AdminConfig config;
    private final PrometheusMeterRegistry registry;
    private final @Nullable RoutesApi routes;
    private final List<ReadinessCheck> readinessChecks;
    // set by start()
    private @Nullable EventLoopGroup group;
    private @Nullable Channel channel;

    /** Health and metrics only; {@code /routes} answers 404. */
    public AdminServer(AdminConfig config, PrometheusMeterRegistry registry) {
        this(config, registry, null, List.of());
    }

    /**
     * @param routeChanges    where route changes go (and whose store is read), or null for no routes API
     * @param readinessChecks what {@code /readyz} requires; more can be added with {@link #addReadinessCheck}
     */
    public AdminServer(
            AdminConfig config,
            PrometheusMeterRegistry registry,
            @Nullable RouteChanges routeChanges,
            List<ReadinessCheck> readinessChecks) {
        this(config, registry, routeChanges, readinessChecks, DEFAULT_CHANGE_TIMEOUT);
    }

    public AdminServer(
            AdminConfig config,
            PrometheusMeterRegistry registry,
            @Nullable RouteChanges routeChanges,
            List<ReadinessCheck> readinessChecks,
            Duration changeTimeout) {
        this.config = config;
        this.registry = registry;
        this.routes = routeChanges == null ? null : new RoutesApi(routeChanges, changeTimeout, registry);
        this.readinessChecks = new CopyOnWriteArrayList<>(readinessChecks);
    }

    /** Adds a condition for {@code /readyz}; may be called while running. */
    public void addReadinessCheck(ReadinessCheck check) {
        readinessChecks.add(check);
    }

    public AdminServer start() {
        String unsafe = config.unauthenticatedProblem();
        if (unsafe != null) {
            throw new IllegalStateException("refusing to start: " + unsafe);
        }
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("rosetta-admin", true), NioIoHandler.newFactory());
        group = g;
        try {
            channel = new ServerBootstrap()
                    .group(g)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                refusedConnections++;
                                if (Long.bitCount(refusedConnections) == 1) { // 1st, 2nd, 4th, 8th ...: not a flood
                                    LOG.warn(
                                            "Admin API: refused a connection from {}: {} connections are open, the"
                                                    + " limit ({} refused so far)",
                                            ch.remoteAddress(),
                                            MAX_CONNECTIONS,
                                            refusedConnections);
                                }
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ch.pipeline().addLast(connectionHandlers());
                        }
                    })
                    .bind(config.bindHost(), config.port())
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IllegalStateException(
                    "cannot start the admin API on " + config.bindHost() + ":" + config.port()
                            + " (admin.bindHost / admin.port): " + e.getMessage(),
                    e);
        }
        LOG.info(
                "Admin API listening on {}{}",
                baseUrl(),
                config.bearerToken() == null ? "" : " (bearer token required)");
        return this;
    }

    /**
     * The handlers of one admin connection, in pipeline order: what {@link #start()} puts on every accepted
     * connection, and what tests run on an in-memory channel.
     */
    ChannelHandler[] connectionHandlers() {
        return new ChannelHandler[] {
            // a client that sends nothing for this long is closed
            new IdleStateHandler(IDLE_SECONDS, 0, 0),
            // ...and one that trickles a request byte by byte (slowloris)
            new RequestDeadline(),
            new HttpServerCodec(),
            new JsonErrorAggregator(MAX_BODY_BYTES),
            new Handler()
        };
    }

    /** e.g. {@code http://127.0.0.1:19080} */
    public String baseUrl() {
        Channel c = Objects.requireNonNull(channel, "the admin API has a URL once started");
        InetSocketAddress address = (InetSocketAddress) c.localAddress();
        String host = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
                ? config.bindHost() // a wildcard: say it as configured (0.0.0.0), not as the JDK spells it
                : address.getHostString();
        return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":"
                + address.getPort();
    }

    @Override
    public void close() {
        Channel c = channel;
        if (c != null) {
            c.close().syncUninterruptibly();
        }
        EventLoopGroup g = group;
        if (g != null) {
            g.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Kubelet and load-balancer probes carry no credentials: {@code /healthz} and {@code /readyz} stay open. */
    private static boolean isProbe(String path) {
        return path.equals("/healthz") || path.equals("/readyz");
    }

    /** The bearer token, compared in constant time (no timing hints about how much of a guess was right). */
    private boolean authorized(FullHttpRequest request) {
        return authorizes("Bearer " + config.bearerToken(), request.headers().get(HttpHeaderNames.AUTHORIZATION));
    }

    /**
     * Whether {@code header} is exactly {@code expected}, in time that depends on neither: both are hashed to
     * SHA-256 first, so even a wrong length takes as long as a right one, then the digests are compared with
     * {@link java.security.MessageDigest#isEqual} (constant time for equal lengths).
     */
    static boolean authorizes(String expected, @Nullable String header) {
        byte[] want = sha256(expected);
        byte[] got = sha256(header == null ? "" : header);
        return java.security.MessageDigest.isEqual(want, got) & header != null;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * An aggregator whose "too large" answer has a JSON body like every other error, and that closes the connection
     * after refusing an {@code Expect} header, reading nothing more from it.
     */
    private static final class JsonErrorAggregator extends HttpObjectAggregator {
        /** Set once an {@code Expect} was refused: what follows on the connection is not read. */
        private boolean refused;

        JsonErrorAggregator(int maxContentLength) {
            super(maxContentLength, true); // close once the refusal of an Expect is written
        }

        /**
         * Drops everything decoded after a refused {@code Expect}. Netty's decoder starts over at the refusal,
         * taking the next bytes for a new request, but a client may send the body anyway (it need not wait for
         * 100 Continue), and that body must not be read as requests: found by fuzzing, a refused PUT whose body
         * read as a second request got a second answer.
         */
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (refused) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage m) {
            write(ctx, tooLarge(), false);
        }

        private static ApiResponse tooLarge() {
            return ApiResponse.error(
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the request body is larger than " + MAX_BODY_BYTES + " bytes");
        }

        /**
         * Netty answers an {@code Expect} header itself: 100 Continue, or a refusal (417 for an expectation other
         * than 100-continue, 413 for a body announced too large) that has no body; the refusals get one here, and
         * close the connection.
         */
        @Override
        protected Object newContinueResponse(
                io.netty.handler.codec.http.HttpMessage start,
                int maxContentLength,
                io.netty.channel.ChannelPipeline pipeline) {
            String expect = start.headers().get(HttpHeaderNames.EXPECT); // the answer removes the header
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof FullHttpResponse refusal
                    && refusal.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.CLIENT_ERROR) {
                HttpResponseStatus status = refusal.status();
                refusal.release();
                refused = true;
                return toNetty(
                        status.equals(HttpResponseStatus.EXPECTATION_FAILED)
                                ? ApiResponse.error(
                                        status, "Expect: " + expect + " is not supported; only Expect: 100-continue is")
                                : tooLarge(),
                        false); // the connection closes: its body may follow, and is not read
            }
            return response;
        }
    }

    /**
     * Closes a connection whose request has not arrived whole {@value #REQUEST_SECONDS} s after its first byte, so
     * that clients trickling bytes cannot keep the {@value #MAX_CONNECTIONS} connections busy and lock operators
     * out. Confined to the connection's event loop.
     */
    private static final class RequestDeadline extends io.netty.channel.ChannelInboundHandlerAdapter {
        private io.netty.util.concurrent.@org.jspecify.annotations.Nullable ScheduledFuture<?> deadline;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (deadline == null) {
                deadline = ctx.executor()
                        .schedule(
                                () -> {
                                    LOG.debug(
                                            "Admin API: closing {}: its request did not arrive whole within {} s",
                                            ctx.channel().remoteAddress(),
                                            REQUEST_SECONDS);
                                    ctx.close();
                                },
                                REQUEST_SECONDS,
                                TimeUnit.SECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        /** The request whose first byte started the deadline arrived whole. */
        void arrived() {
            var d = deadline;
            if (d != null) {
                d.cancel(false);
                deadline = null;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            arrived();
            ctx.fireChannelInactive();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                LOG.debug(
                        "Admin API: closing {}, silent for {} s", ctx.channel().remoteAddress(), IDLE_SECONDS);
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
            if (deadline != null) {
                deadline.arrived();
            }
            if (!request.decoderResult().isSuccess()) {
                // never act on a request Netty could not read whole: its headers (actor, reason) may be cut off
                Throwable cause = request.decoderResult().cause();
                LOG.debug(
                        "Admin API: unreadable request from {}: {}",
                        ctx.channel().remoteAddress(),
                        cause);
                write(
                        ctx,
                        ApiResponse.error(
                                HttpResponseStatus.BAD_REQUEST,
                                "the request could not be read: "
                                        + (cause == null || cause.getMessage() == null
                                                ? String.valueOf(cause)
                                                : cause.getMessage())),
                        false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String path;
            try {
                path = new QueryStringDecoder(request.uri()).path();
            } catch (IllegalArgumentException e) { // a broken %-escape: no path to act on
                write(
                        ctx,
                        ApiResponse.error(
                                HttpResponseStatus.BAD_REQUEST, "the request path is not valid: " + e.getMessage()),
                        keepAlive);
                return;
            }
            if (config.bearerToken() != null && !isProbe(path) && !authorized(request)) {
                write(
                        ctx,
                        ApiResponse.error(
                                HttpResponseStatus.UNAUTHORIZED,
                                "missing or wrong bearer token in the Authorization header"),
                        keepAlive);
                return;
            }
            if (routes != null && (path.equals("/routes") || path.startsWith("/routes/"))) {
                // The body is released when this method returns: read it now.
                String body = request.content().toString(StandardCharsets.UTF_8);
                CompletableFuture<ApiResponse> response =
                        routes.handle(request.method(), path, request.headers(), body);
                if (response.isDone()) {
                    write(ctx, response.join(), keepAlive);
                } else {
                    // Answer in order: read nothing more from this connection until the change is answered.
                    ctx.channel().config().setAutoRead(false);
                    response.whenComplete((r, e) -> ctx.executor().execute(() -> {
                        write(
                                ctx,
                                r != null
                                        ? r
                                        : ApiResponse.error(
                                                HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(e)),
                                keepAlive);
                        ctx.channel().config().setAutoRead(true);
                    }));
                }
                return;
            }
            ApiResponse response;
            if (!HttpMethod.GET.equals(request.method())) {
                response = ApiResponse.error(
                                HttpResponseStatus.METHOD_NOT_ALLOWED,
                                request.method() + " " + path + " is not supported; use GET")
                        .withHeader(HttpHeaderNames.ALLOW.toString(), "GET");
            } else {
                response = switch (path) {
                    case "/healthz" ->
                        ApiResponse.json(
                                HttpResponseStatus.OK,
                                JsonNodeFactory.instance.objectNode().put("status", "up"));
                    case "/readyz" -> readiness();
                    case "/metrics" ->
                        new ApiResponse(
                                HttpResponseStatus.OK,
                                registry.scrape(),
                                "text/plain; version=0.0.4; charset=utf-8",
                                List.of());
                    default -> notFound(path);
                };
            }
            write(ctx, response, keepAlive);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("admin API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private ApiResponse notFound(String path) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", "no such path: " + path);
        var paths = body.putArray("paths");
        for (String p : List.of("/healthz", "/readyz", "/metrics")) {
            paths.add(p);
        }
        if (routes != null) {
            for (String p : List.of(
                    "/routes",
                    "/routes/{topic}",
                    "/routes/{topic}/rollout",
                    "/routes/{topic}/rollback",
                    "/routes/{topic}/history")) {
                paths.add(p);
            }
        }
        return ApiResponse.json(HttpResponseStatus.NOT_FOUND, body);
    }

    private ApiResponse readiness() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode checks = JsonNodeFactory.instance.objectNode();
        boolean ready = true;
        boolean degraded = false;
        for (ReadinessCheck check : readinessChecks) {
            String reason;
            String degradedReason = null;
            try {
                reason = check.notReadyReason();
                if (reason == null) {
                    degradedReason = check.degradedReason();
                }
            } catch (RuntimeException e) {
                reason = "check failed: " + e;
            }
            checks.put(
                    check.name(),
                    reason != null ? reason : degradedReason != null ? "degraded: " + degradedReason : "ready");
            ready &= reason == null;
            degraded |= degradedReason != null;
        }
        body.put("status", !ready ? "not ready" : degraded ? "degraded" : "ready");
        body.set("checks", checks);
        return ApiResponse.json(ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private static void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            return;
        }
        var future = ctx.writeAndFlush(toNetty(r, keepAlive));
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse toNetty(ApiResponse r, boolean keepAlive) {
        ByteBuf content = Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(), content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        for (var header : r.headers()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        return response;
    }

    static String jsonContentType() {
        return HttpHeaderValues.APPLICATION_JSON.toString();
    }
}
