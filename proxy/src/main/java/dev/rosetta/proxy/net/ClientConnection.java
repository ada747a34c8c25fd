package dev.rosetta.proxy.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.protocol.ApiVersionsIntersection;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.protocol.ProduceRequests;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.RequestHeaderView;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * One client connection and the upstream connection paired with it.
 *
 * <p>Both channels live on the same event loop, so all state here is confined to one thread.
 * Requests are forwarded as they arrive (slices of the bytes read, no copy); responses are
 * matched with their requests in order by correlation id, passed to the {@link ResponseFilter}s
 * that want them, and written back in order. Backpressure: when one side cannot keep up
 * (channel not writable), the proxy stops reading from the other side until it can.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ProxyConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);
    /** How many times one response may be deferred before the proxy gives up on it. */
    private static final int MAX_DEFERRALS = 8;

    private final ProxyRuntime runtime;
    private final Target target;
    private final ArrayDeque<InFlightRequest> inFlight = new ArrayDeque<>();
    /** Requests not yet forwarded because a filter deferred one of them; forwarded strictly in order. */
    private final ArrayDeque<PendingRequest> heldRequests = new ArrayDeque<>();
    /** Responses not yet written because an earlier one is deferred; written strictly in order. */
    private final ArrayDeque<CompletableFuture<ByteBuf>> heldResponses = new ArrayDeque<>();
    private ChannelHandlerContext clientCtx;
    private Channel upstream;
    private String lastClientId;
    private boolean closing;
    /** Filters' per-connection state; tiny and touched once per filtered message. */
    private java.util.Map<Object, Object> filterState;

    ClientConnection(ProxyRuntime runtime, Target target) {
        this.runtime = runtime;
        this.target = target;
    }

    /** Where this connection goes upstream: the bootstrap servers, or one broker by node id. */
    record Target(int nodeId) {
        static final Target BOOTSTRAP = new Target(-1);

        boolean isBootstrap() {
            return nodeId < 0;
        }

        @Override
        public String toString() {
            return isBootstrap() ? "bootstrap" : "broker " + nodeId;
        }
    }

    // ---- ProxyConnection -------------------------------------------------------------------

    @Override
    public java.net.SocketAddress remoteAddress() {
        return clientCtx == null ? null : clientCtx.channel().remoteAddress();
    }

    @Override
    public String clientId() {
        return lastClientId;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T state(Object key, java.util.function.Supplier<T> create) {
        if (filterState == null) {
            filterState = new java.util.HashMap<>(4);
        }
        return (T) filterState.computeIfAbsent(key, k -> create.get());
    }

    // ---- client side ---------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        clientCtx = ctx;
        runtime.metrics().connectionOpened();
        List<InetSocketAddress> candidates = target.isBootstrap()
                ? runtime.upstreamBootstrap()
                : runtime.endpoints().upstreamOf(target.nodeId());
        if (candidates.isEmpty()) {
            LOG.warn("Closing connection from {} on {} port: upstream address of node {} is not known yet", ctx.channel().remoteAddress(), target, target.nodeId());
            ctx.close();
            return;
        }
        connectUpstream(candidates, 0);
    }

    private void connectUpstream(List<InetSocketAddress> candidates, int index) {
        InetSocketAddress address = candidates.get(index);
        Channel client = clientCtx.channel();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(runtime.transport().socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, runtime.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (runtime.upstreamTls() != null) {
                            SslHandler ssl = runtime.upstreamTls().newHandler(ch.alloc(), address.getHostString(), address.getPort());
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("frames", new KafkaFrameDecoder(4, Integer.MAX_VALUE - 4));
                        ch.pipeline().addLast("upstream", new UpstreamHandler());
                    }
                });
        bootstrap.connect(address).addListener((ChannelFutureListener) future -> {
            if (future.isSuccess()) {
                if (!client.isActive()) {
                    future.channel().close();
                    return;
                }
                upstream = future.channel();
                LOG.debug("Connected {} ({} port) to upstream {}", client.remoteAddress(), target, describe(address));
                client.config().setAutoRead(true);
                return;
            }
            runtime.metrics().upstreamConnectFailed();
            if (index + 1 < candidates.size()) {
                LOG.info("Upstream {} unreachable ({}); trying {}", describe(address), rootMessage(future.cause()), describe(candidates.get(index + 1)));
                connectUpstream(candidates, index + 1);
            } else {
                LOG.warn("Closing connection from {} on {} port: cannot reach upstream {}: {}",
                        client.remoteAddress(), target, candidates.stream().map(ClientConnection::describe).collect(java.util.stream.Collectors.joining(", ")),
                        rootMessage(future.cause()));
                client.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (closing || upstream == null) {
            frame.release();
            return;
        }
        int frameBytes = frame.readableBytes();
        if (frameBytes < 12) {
            frame.release();
            reject(ctx, "request of " + (frameBytes - 4) + " bytes is too short to hold a request header");
            return;
        }
        short apiKeyId = RequestHeaderView.apiKey(frame);
        short apiVersion = RequestHeaderView.apiVersion(frame);
        int correlationId = RequestHeaderView.correlationId(frame);
        ApiKeys apiKey = ApiKeys.hasId(apiKeyId) ? ApiKeys.forId(apiKeyId) : null;
        boolean expectResponse = true;
        String clientId = null;
        try {
            clientId = clientId(frame);
            if (apiKey == ApiKeys.API_VERSIONS && apiVersion > ApiKeys.API_VERSIONS.latestVersion()
                    && inFlight.isEmpty() && heldRequests.isEmpty()) {
                // answered here, which keeps order only with nothing in flight (ApiVersions comes first)
                frame.release();
                emit(ApiVersionsIntersection.unsupportedVersionResponse(ctx.alloc(), correlationId));
                return;
            }
            if (apiKey == ApiKeys.PRODUCE && apiVersion >= 0 && ProduceRequests.acks(frame, apiVersion) == 0) {
                expectResponse = false; // acks=0: the broker sends no response
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            frame.release();
            reject(ctx, "malformed " + (apiKey == null ? "api key " + apiKeyId : apiKey.name) + " v" + apiVersion
                    + " request header (correlation id " + correlationId + "): " + e.getMessage());
            return;
        }
        runtime.metrics().bytesFromClient(frameBytes);
        RequestFilter[] filters = apiKey == null ? RequestFilters.NONE : runtime.requestFilters().forRequest(apiKey, apiVersion);
        if (filters.length > 0 && !anyNeedsDecoding(filters, apiKey, apiVersion, frame)) {
            filters = RequestFilters.NONE;
        }
        if (filters.length == 0 && heldRequests.isEmpty()) {
            forward(frame, expectResponse ? new InFlightRequest(correlationId, apiKey, apiVersion, clientId, null) : null);
            return;
        }
        PendingRequest pending = new PendingRequest(frame, apiKey, apiVersion, correlationId, clientId, expectResponse, filters);
        heldRequests.add(pending);
        pending.run();
        drainRequests();
    }

    private static boolean anyNeedsDecoding(RequestFilter[] filters, ApiKeys apiKey, short apiVersion, ByteBuf frame) {
        for (RequestFilter filter : filters) {
            if (filter.needsDecoding(apiKey, apiVersion, frame)) {
                return true;
            }
        }
        return false;
    }

    /** Sends a request upstream; in-flight entries are added in exactly the order requests leave. */
    private void forward(ByteBuf frame, InFlightRequest request) {
        if (request != null) {
            inFlight.add(request);
        }
        upstream.write(frame, upstream.voidPromise());
        if (!upstream.isWritable()) {
            clientCtx.channel().config().setAutoRead(false);
        }
    }

    /** Forwards the held requests that are ready, in order; stops reading from the client while any wait. */
    private void drainRequests() {
        boolean forwarded = false;
        while (!heldRequests.isEmpty() && heldRequests.peek().out != null) {
            PendingRequest ready = heldRequests.poll();
            forward(ready.out, ready.expectResponse
                    ? new InFlightRequest(ready.correlationId, ready.apiKey, ready.apiVersion, ready.clientId, ready.responseContext) : null);
            forwarded = true;
        }
        if (forwarded) {
            upstream.flush();
        }
        clientCtx.channel().config().setAutoRead(heldRequests.isEmpty() && upstream.isWritable());
    }

    /** A request going through the request filters; {@link #out} is set once it may be forwarded. */
    private final class PendingRequest implements RequestExchange {
        private final ByteBuf frame;
        private final ApiKeys apiKey;
        private final short apiVersion;
        private final int correlationId;
        private final String clientId;
        private final boolean expectResponse;
        private final RequestFilter[] filters;
        private RequestHeaderData header;
        private ApiMessage message;
        private CompletionStage<?> deferral;
        private int deferrals;
        private Object attachment;
        private Object responseContext;
        ByteBuf out;

        PendingRequest(ByteBuf frame, ApiKeys apiKey, short apiVersion, int correlationId, String clientId,
                       boolean expectResponse, RequestFilter[] filters) {
            this.frame = frame;
            this.apiKey = apiKey;
            this.apiVersion = apiVersion;
            this.correlationId = correlationId;
            this.clientId = clientId;
            this.expectResponse = expectResponse;
            this.filters = filters;
        }

        void run() {
            if (filters.length == 0) {
                out = frame; // only waiting behind an earlier held request
                return;
            }
            try {
                if (message == null) {
                    header = KafkaMessages.decodeRequestHeader(frame, apiKey, apiVersion);
                    message = KafkaMessages.decodeRequestBody(frame, apiKey, apiVersion);
                }
                boolean changed = false;
                deferral = null;
                for (RequestFilter filter : filters) {
                    changed |= filter.onRequest(apiKey, apiVersion, header, message, this);
                    if (deferral != null) {
                        break;
                    }
                }
                if (deferral != null) {
                    if (++deferrals > MAX_DEFERRALS) {
                        throw new IllegalStateException("request deferred " + MAX_DEFERRALS + " times without becoming ready");
                    }
                    deferral.whenComplete((ignored, error) -> clientCtx.channel().eventLoop().execute(() -> {
                        if (closing) {
                            frame.release();
                            return;
                        }
                        run();
                        if (!closing) {
                            drainRequests();
                        }
                    }));
                    return;
                }
                if (changed) {
                    out = KafkaMessages.encodeRequest(clientCtx.alloc(), header, apiKey, apiVersion, message);
                    frame.release();
                } else {
                    out = frame;
                }
            } catch (RuntimeException e) {
                frame.release();
                runtime.metrics().protocolError();
                LOG.warn("Closing connection from {}: handling the {} v{} request (correlation id {}) failed: {}",
                        clientCtx.channel().remoteAddress(), apiKey.name, apiVersion, correlationId, rootMessage(e), e);
                heldRequests.remove(this);
                closeBoth();
            }
        }

        @Override
        public ProxyConnection connection() {
            return ClientConnection.this;
        }

        @Override
        public void deferUntil(CompletionStage<?> stage) {
            deferral = stage;
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object value) {
            attachment = value;
        }

        @Override
        public void setResponseContext(Object context) {
            responseContext = context;
        }
    }

    /** The client id of a request; the bytes are decoded only when they differ from the previous request's. */
    private String clientId(ByteBuf frame) {
        int offset = frame.readerIndex() + 12;
        short length = frame.getShort(offset);
        if (length < 0) {
            return null;
        }
        if (lastClientId != null && lastClientId.length() == length
                && frame.toString(offset + 2, length, java.nio.charset.StandardCharsets.UTF_8).equals(lastClientId)) {
            return lastClientId;
        }
        lastClientId = RequestHeaderView.clientId(frame);
        return lastClientId;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.config().setAutoRead(ctx.channel().isWritable() && heldResponses.isEmpty());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        runtime.metrics().connectionClosed();
        KafkaFrameDecoder decoder = ctx.pipeline().get(KafkaFrameDecoder.class);
        if (decoder != null && decoder.pendingBytes() > 0 && !closing) {
            LOG.info("Client {} closed the connection in the middle of a frame ({} bytes of it received)", ctx.channel().remoteAddress(), decoder.pendingBytes());
        }
        closing = true;
        releaseHeld();
        if (upstream != null && upstream.isActive()) {
            upstream.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof KafkaFrameDecoder.FrameSizeException sizeError) {
            reject(ctx, sizeError.getMessage());
        } else if (cause instanceof KafkaFrameDecoder.FrameSizeException sizeError) {
            reject(ctx, sizeError.getMessage());
        } else if (cause instanceof DecoderException && isTlsFailure(cause)) {
            runtime.metrics().protocolError();
            LOG.warn("Closing connection from {}: TLS handshake failed: {}", ctx.channel().remoteAddress(), rootMessage(cause));
            closeBoth();
        } else if (cause instanceof IOException) {
            LOG.debug("Connection from {} failed: {}", ctx.channel().remoteAddress(), cause.getMessage());
            closeBoth();
        } else {
            runtime.metrics().protocolError();
            LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), rootMessage(cause), cause);
            closeBoth();
        }
    }

    private void reject(ChannelHandlerContext ctx, String reason) {
        if (closing) {
            return;
        }
        runtime.metrics().frameRejected();
        LOG.warn("Closing connection from {} on {} port: {}", ctx.channel().remoteAddress(), target, reason);
        closeBoth();
    }

    // ---- upstream side -------------------------------------------------------------------

    private void onResponse(ByteBuf frame) {
        if (closing) {
            frame.release();
            return;
        }
        int correlationId = RequestHeaderView.responseCorrelationId(frame); // the upstream decoder guarantees >= 4 body bytes
        InFlightRequest request = inFlight.poll();
        if (request == null || request.correlationId() != correlationId) {
            frame.release();
            runtime.metrics().protocolError();
            LOG.warn("Closing connection from {}: upstream {} sent a response with correlation id {} but the next expected was {}",
                    clientCtx.channel().remoteAddress(), upstream.remoteAddress(), correlationId,
                    request == null ? "none" : request.correlationId());
            closeBoth();
            return;
        }
        ResponseFilter[] filters = request.apiKey() == null ? ResponseFilters.NONE : runtime.filters().forResponse(request.apiKey(), request.apiVersion());
        if (filters.length == 0 || !anyNeedsDecoding(filters, request, frame)) {
            runtime.metrics().responsePassedThrough();
            emit(frame);
            return;
        }
        ApiMessage message;
        try {
            message = KafkaMessages.decodeResponse(frame, request.apiKey(), request.apiVersion());
        } catch (RuntimeException e) {
            frame.release();
            runtime.metrics().protocolError();
            LOG.warn("Closing connection from {}: cannot decode {} v{} response (correlation id {}) from upstream {}: {}",
                    clientCtx.channel().remoteAddress(), request.apiKey().name, request.apiVersion(), correlationId, upstream.remoteAddress(), e.toString());
            closeBoth();
            return;
        }
        Exchange exchange = new Exchange(request, frame, message, filters);
        exchange.run();
    }

    private boolean anyNeedsDecoding(ResponseFilter[] filters, InFlightRequest request, ByteBuf frame) {
        try {
            for (ResponseFilter filter : filters) {
                if (filter.needsDecoding(request.apiKey(), request.apiVersion(), frame, request.context())) {
                    return true;
                }
            }
            return false;
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            return true; // the scan could not read it: let the full decoder report what is wrong
        }
    }

    /**
     * One response going through the filter chain. Holds the frame (the decoded message may point
     * into it) until the response has been written or dropped.
     */
    private final class Exchange implements ResponseExchange {
        private final InFlightRequest request;
        private final ByteBuf frame;
        private final ApiMessage message;
        private final ResponseFilter[] filters;
        private CompletionStage<?> deferral;
        private CompletableFuture<ByteBuf> slot;
        private int deferrals;
        private Object attachment;

        Exchange(InFlightRequest request, ByteBuf frame, ApiMessage message, ResponseFilter[] filters) {
            this.request = request;
            this.frame = frame;
            this.message = message;
            this.filters = filters;
        }

        @Override
        public String clientId() {
            return request.clientId();
        }

        @Override
        public ProxyConnection connection() {
            return ClientConnection.this;
        }

        @Override
        public void deferUntil(CompletionStage<?> stage) {
            deferral = stage;
        }

        @Override
        public Object attachment() {
            return attachment;
        }

        @Override
        public void attach(Object value) {
            attachment = value;
        }

        @Override
        public Object requestContext() {
            return request.context();
        }

        void run() {
            boolean changed = false;
            deferral = null;
            try {
                for (ResponseFilter filter : filters) {
                    changed |= filter.onResponse(request.apiKey(), request.apiVersion(), message, this);
                    if (deferral != null) {
                        break;
                    }
                }
                if (deferral != null) {
                    defer();
                    return;
                }
                ByteBuf out;
                if (changed) {
                    out = KafkaMessages.encodeResponse(clientCtx.alloc(), request.correlationId(), request.apiKey(), request.apiVersion(), message);
                    frame.release();
                    runtime.metrics().responseRewritten();
                } else {
                    out = frame;
                    runtime.metrics().responsePassedThrough();
                }
                complete(out);
            } catch (RuntimeException e) {
                fail(e);
            }
        }

        private void defer() {
            if (++deferrals > MAX_DEFERRALS) {
                fail(new IllegalStateException("response deferred " + MAX_DEFERRALS + " times without becoming ready"));
                return;
            }
            if (slot == null) {
                slot = new CompletableFuture<>();
                hold(slot);
            }
            deferral.whenComplete((ignored, error) -> clientCtx.channel().eventLoop().execute(() -> {
                if (closing) {
                    frame.release();
                    slot.cancel(false);
                } else {
                    run(); // also after a failed stage: the filter reads the outcome it waited for
                }
            }));
        }

        private void complete(ByteBuf out) {
            if (slot == null) {
                emit(out);
            } else {
                slot.complete(out);
                drainHeld();
            }
        }

        private void fail(Throwable error) {
            frame.release();
            runtime.metrics().protocolError();
            LOG.warn("Closing connection from {}: handling the {} v{} response (correlation id {}) failed: {}",
                    clientCtx.channel().remoteAddress(), request.apiKey().name, request.apiVersion(), request.correlationId(), rootMessage(error), error);
            if (slot != null) {
                slot.cancel(false);
            }
            closeBoth();
        }
    }

    /** Writes a response to the client in order: directly, or behind responses still held. */
    private void emit(ByteBuf response) {
        if (heldResponses.isEmpty()) {
            writeToClient(response);
        } else {
            heldResponses.add(CompletableFuture.completedFuture(response));
        }
    }

    private void hold(CompletableFuture<ByteBuf> slot) {
        heldResponses.add(slot);
        if (upstream != null) {
            upstream.config().setAutoRead(false); // keep memory bounded while a response waits
        }
    }

    private void drainHeld() {
        while (!heldResponses.isEmpty() && heldResponses.peek().isDone()) {
            CompletableFuture<ByteBuf> next = heldResponses.poll();
            if (next.isCancelled() || next.isCompletedExceptionally()) {
                continue;
            }
            writeToClient(next.join());
        }
        clientCtx.flush();
        if (heldResponses.isEmpty() && upstream != null && clientCtx.channel().isWritable()) {
            upstream.config().setAutoRead(true);
        }
    }

    private void releaseHeld() {
        for (PendingRequest held : heldRequests) {
            if (held.out != null) {
                ReferenceCountUtil.release(held.out);
            } else if (held.deferral == null) {
                ReferenceCountUtil.release(held.frame);
            }
            // a deferred request releases its frame when its stage completes and sees the connection closing
        }
        heldRequests.clear();
        for (CompletableFuture<ByteBuf> held : heldResponses) {
            if (held.isDone() && !held.isCompletedExceptionally() && !held.isCancelled()) {
                ReferenceCountUtil.release(held.join());
            } else {
                held.thenAccept(ReferenceCountUtil::release);
            }
        }
        heldResponses.clear();
    }

    private void writeToClient(ByteBuf response) {
        runtime.metrics().bytesToClient(response.readableBytes());
        clientCtx.write(response, clientCtx.voidPromise());
        if (!clientCtx.channel().isWritable() && upstream != null) {
            upstream.config().setAutoRead(false);
        }
    }

    private void closeBoth() {
        if (closing) {
            return;
        }
        closing = true;
        releaseHeld();
        if (upstream != null) {
            upstream.close();
        }
        // flush what is already written before closing, so the client sees every complete response
        clientCtx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Handler on the upstream channel; everything it sees is handed to the connection it belongs to. */
    private final class UpstreamHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            onResponse((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            clientCtx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            clientCtx.channel().config().setAutoRead(ctx.channel().isWritable() && heldRequests.isEmpty());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing) {
                LOG.debug("Upstream {} closed the connection of client {}", ctx.channel().remoteAddress(), clientCtx.channel().remoteAddress());
                closeBoth();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                LOG.info("Upstream connection {} of client {} failed: {}", ctx.channel().remoteAddress(), clientCtx.channel().remoteAddress(), cause.getMessage());
            } else {
                runtime.metrics().protocolError();
                LOG.warn("Upstream connection {} of client {} failed: {}", ctx.channel().remoteAddress(), clientCtx.channel().remoteAddress(), rootMessage(cause), cause);
            }
            closeBoth();
        }
    }

    private static boolean isTlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port}, without the {@code /<unresolved>} of an unresolved address. */
    static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
