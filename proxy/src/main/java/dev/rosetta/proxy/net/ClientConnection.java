package dev.rosetta.proxy.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.protocol.ApiVersionsIntersection;
import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.InFlightRequest;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.ProxyConnection.UnframedSasl;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.RequestHeaderView;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * One client connection and the upstream connection paired with it.
 *
 * <p>A request's walk: {@link KafkaFrameDecoder} cuts a frame; {@link #channelRead} checks its
 * header; a request no {@link RequestFilter} needs goes straight upstream as the bytes read (no
 * decode, no copy), otherwise it becomes a {@link PendingRequest} that runs the filters and waits
 * in {@link InOrder} until it and every request before it may leave. Each forwarded request that
 * expects an answer is remembered in {@link Correlations}. A response's walk mirrors it: matched
 * with its request ({@link #onResponse}), passed through or run through the
 * {@link ResponseFilter}s as a {@link PendingResponse}, and written to the client in order.
 *
 * <p>Both channels live on the same event loop, so all state here is confined to one thread.
 * Backpressure is decided in one place, {@link #updateBackpressure()}: a side is read only while
 * the other side can take more and nothing of that direction is held back.
 */
final class ClientConnection extends ChannelInboundHandlerAdapter implements ProxyConnection {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final ProxyRuntime runtime;
    private final UpstreamTarget target;
    private final Correlations correlations = new Correlations();
    private final InOrder<PendingRequest> requests = new InOrder<>();
    private final InOrder<PendingResponse> responses = new InOrder<>();
    private final Attachments state = new Attachments();
    private final RequestHeaderReader headers = new RequestHeaderReader();
    private final ConnectionErrors errors;
    /** Set when the handler is added, before any event (NullAway: handlerAdded is a known initializer). */
    private ChannelHandlerContext clientCtx;
    /** Null until the upstream connection is up. */
    private @Nullable Channel upstream;

    private boolean closing;
    private @Nullable String principal;
    /** A legacy SASL exchange of unframed tokens in progress (after SaslHandshake v0), or null. */
    private ProxyConnection.@Nullable UnframedSasl unframedSasl;
    /** Client tokens of that exchange the broker has not answered yet. */
    private int unansweredTokens;

    ClientConnection(ProxyRuntime runtime, UpstreamTarget target) {
        this(runtime, target, FRAME_TIMEOUT_NANOS);
    }

    /**
     * @param frameTimeoutNanos how long a frame may take to arrive whole once its first byte came; a client
     *                          trickling bytes (slowloris) is closed then, with the upstream connection it holds
     */
    ClientConnection(ProxyRuntime runtime, UpstreamTarget target, long frameTimeoutNanos) {
        this.frameTimeoutNanos = frameTimeoutNanos;
        this.runtime = runtime;
        this.target = target;
        this.errors = new ConnectionErrors(runtime.metrics(), target, runtime.repeatedWarnings());
    }

    // ---- what filters and pending messages see ---------------------------------------------

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        clientCtx = ctx;
    }

    /** The longest a frame may take to arrive once it began: 60 s, or the idle timeout when that is shorter. */
    static final long FRAME_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private final long frameTimeoutNanos;
    /** Set while a frame is partly received; checks that it arrives in time. */
    private io.netty.util.concurrent.@Nullable ScheduledFuture<?> frameDeadline;

    /** Watches a frame that began to arrive and has not completed. */
    private void watchPartialFrame(ChannelHandlerContext ctx) {
        if (frameDeadline != null || closing) {
            return;
        }
        KafkaFrameDecoder decoder = ctx.pipeline().get(KafkaFrameDecoder.class);
        if (decoder == null || decoder.partialFrameSince() == 0) {
            return;
        }
        long due = decoder.partialFrameSince() + frameTimeoutNanos - System.nanoTime();
        frameDeadline = ctx.executor()
                .schedule(
                        () -> {
                            frameDeadline = null;
                            long since = decoder.partialFrameSince();
                            if (since == 0 || closing) {
                                return;
                            }
                            if (System.nanoTime() - since >= frameTimeoutNanos) {
                                errors.frameTooSlow(remoteAddress(), decoder.pendingBytes(), frameTimeoutNanos);
                                closeBoth();
                            } else {
                                watchPartialFrame(ctx); // another frame began since
                            }
                        },
                        Math.max(0, due),
                        java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public SocketAddress remoteAddress() {
        return clientCtx.channel().remoteAddress();
    }

    @Override
    public @Nullable String clientId() {
        return headers.lastClientId();
    }

    @Override
    public Attachments state() {
        return state;
    }

    @Override
    public @Nullable String principal() {
        return principal;
    }

    @Override
    public void startUnframedSasl(UnframedSasl exchange) {
        unframedSasl = exchange;
        unansweredTokens = 0;
        saslTokenFrames(true);
    }

    private void saslTokenFrames(boolean on) {
        KafkaFrameDecoder client = clientCtx.pipeline().get(KafkaFrameDecoder.class);
        if (client != null) {
            client.saslTokens(on);
        }
        Channel up = upstream;
        KafkaFrameDecoder broker = up == null ? null : up.pipeline().get(KafkaFrameDecoder.class);
        if (broker != null) {
            broker.saslTokens(on);
        }
    }

    private void endUnframedSasl() {
        unframedSasl = null;
        unansweredTokens = 0;
        saslTokenFrames(false);
    }

    @Override
    public void authenticated(String name, String how) {
        if (principal == null) {
            runtime.metrics().principalLearned();
        }
        if (!name.equals(principal)) {
            LOG.debug("{} ({} port) authenticated as {} ({})", remoteAddress(), target, name, how);
        }
        principal = name;
    }

    EventLoop eventLoop() {
        return clientCtx.channel().eventLoop();
    }

    ByteBufAllocator alloc() {
        return clientCtx.alloc();
    }

    boolean isClosing() {
        return closing;
    }

    // ---- connecting ------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        runtime.metrics().connectionOpened();
        List<InetSocketAddress> candidates = target.isBootstrap()
                ? runtime.upstreamBootstrap()
                : runtime.endpoints().upstreamOf(target.nodeId());
        if (candidates.isEmpty()) {
            closeAtStart(
                    target.isBootstrap()
                            ? "no bootstrap address is configured"
                            : runtime.endpoints().whyUnknown(target.nodeId()));
            return;
        }
        runtime.upstreamConnector()
                .connect(ctx.channel(), candidates, () -> new UpstreamHandler(this))
                .whenComplete((channel, error) -> {
                    if (error != null) {
                        closeAtStart(Failures.rootMessage(error));
                    } else if (!ctx.channel().isActive()) {
                        channel.close();
                    } else {
                        upstream = channel;
                        LOG.debug(
                                "Connected {} ({} port) to upstream {}",
                                remoteAddress(),
                                target,
                                channel.remoteAddress());
                        updateBackpressure(); // the client is read from now on
                    }
                });
    }

    private void closeAtStart(String reason) {
        errors.notStarted(remoteAddress(), reason);
        clientCtx.close();
    }

    // ---- requests: client -> broker ----------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        Channel up = upstream;
        if (closing || up == null) {
            frame.release();
            return;
        }
        UnframedSasl sasl = unframedSasl;
        if (sasl != null) {
            if (sasl.isClientToken(frame)) {
                sasl.clientToken(frame);
                unansweredTokens++;
                runtime.metrics().bytesFromClient(frame.readableBytes());
                up.write(frame, up.voidPromise()); // a bare token: no header, no correlation id, no answer to match
                return;
            }
            endUnframedSasl(); // a Kafka request: the exchange is over (a mechanism whose end only the client knows)
        }
        InFlightRequest header;
        try {
            header = headers.read(frame);
        } catch (RequestHeaderReader.MalformedRequestException e) {
            frame.release();
            reject(String.valueOf(e.getMessage()));
            return;
        }
        if (RequestHeaderReader.isTooNewApiVersions(header) && correlations.isEmpty() && requests.isEmpty()) {
            // answered here, which keeps order only with nothing in flight (ApiVersions comes first)
            frame.release();
            respond(header, ApiVersionsIntersection.unsupportedVersionResponse(ctx.alloc(), header.correlationId()));
            ctx.flush(); // no broker response will flush it: the client waits for this answer before anything else
            return;
        }
        runtime.metrics().bytesFromClient(frame.readableBytes());
        boolean expectResponse = headers.expectsResponse();
        RequestFilter[] filters = PendingRequest.filtersFor(runtime.requestFilters(), header, frame);
        if (filters.length == 0 && requests.isEmpty()) {
            forward(up, frame, expectResponse ? header : null);
            return;
        }
        PendingRequest request;
        try {
            request = new PendingRequest(this, header, expectResponse, frame, filters);
        } catch (RuntimeException e) {
            frame.release();
            failed(
                    "the " + PendingMessage.apiName(header.apiKey()) + " v" + header.apiVersion()
                            + " request (correlation id " + header.correlationId() + ")",
                    e);
            return;
        }
        requests.add(request);
        request.run();
        forwardReadyRequests();
    }

    /** Sends a request upstream; {@code request} (null for acks=0) is remembered in exactly the order requests leave. */
    private void forward(Channel up, ByteBuf frame, @Nullable InFlightRequest request) {
        if (request != null) {
            correlations.sent(request);
        }
        up.write(frame, up.voidPromise());
        if (!up.isWritable()) {
            updateBackpressure();
        }
    }

    /** Forwards the held requests that are ready, in order. */
    void forwardReadyRequests() {
        Channel up = upstream;
        if (closing || up == null) {
            return; // never null here: requests are only held once the upstream connection is up
        }
        boolean forwarded = false;
        for (PendingRequest ready = requests.pollReady(); ready != null; ready = requests.pollReady()) {
            forward(up, ready.out(), ready.inFlight());
            forwarded = true;
        }
        if (forwarded) {
            up.flush();
        }
        updateBackpressure();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel up = upstream;
        if (up != null) {
            up.flush();
        }
        watchPartialFrame(ctx);
    }

    // ---- responses: broker -> client ---------------------------------------------------------

    void onResponse(Channel up, ByteBuf frame) {
        if (closing) {
            frame.release();
            return;
        }
        UnframedSasl sasl = unframedSasl;
        if (sasl != null && unansweredTokens > 0) {
            unansweredTokens--; // the broker's token: the client waited for it, so nothing else is in flight
            if (sasl.brokerToken(frame)) {
                endUnframedSasl();
            }
            writeToClient(frame);
            clientCtx.flush();
            return;
        }
        int correlationId =
                RequestHeaderView.responseCorrelationId(frame); // the upstream decoder guarantees >= 4 body bytes
        InFlightRequest request = correlations.answeredBy(correlationId);
        if (request == null) {
            frame.release();
            errors.responseOutOfOrder(remoteAddress(), up, correlationId, correlations.nextExpected());
            closeBoth();
            return;
        }
        ResponseFilter[] filters = PendingResponse.filtersFor(runtime.responseFilters(), request, frame);
        if (filters.length == 0) {
            runtime.metrics().responsePassedThrough();
            respond(request, frame);
            return;
        }
        PendingResponse response;
        try {
            response = new PendingResponse(this, request, frame, filters);
        } catch (RuntimeException e) {
            frame.release();
            failed(
                    "the " + PendingMessage.apiName(request.apiKey()) + " v" + request.apiVersion()
                            + " response (correlation id " + correlationId + ") from upstream " + up.remoteAddress()
                            + ": cannot decode it",
                    e);
            return;
        }
        response.run();
        if (closing) {
            return; // it failed
        }
        if (response.isReady() && responses.isEmpty()) {
            writeToClient(response.out());
        } else {
            responses.add(response);
            updateBackpressure();
        }
    }

    /** Writes a response that needs no filtering to the client in order: directly, or behind responses still held. */
    private void respond(InFlightRequest request, ByteBuf response) {
        if (responses.isEmpty()) {
            writeToClient(response);
        } else {
            responses.add(new PendingResponse(this, request, response, PendingResponse.NO_FILTERS));
        }
    }

    /** A filtered response is ready; after a deferral, it and the ready ones behind it may now leave. */
    void responseReady(boolean rewritten, boolean resumed) {
        if (rewritten) {
            runtime.metrics().responseRewritten();
        } else {
            runtime.metrics().responsePassedThrough();
        }
        if (resumed && !closing) {
            for (PendingResponse ready = responses.pollReady(); ready != null; ready = responses.pollReady()) {
                writeToClient(ready.out());
            }
            clientCtx.flush();
            updateBackpressure();
        }
    }

    ConnectionErrors errors() {
        return errors;
    }

    void flushToClient() {
        clientCtx.flush();
    }

    private void writeToClient(ByteBuf response) {
        runtime.metrics().bytesToClient(response.readableBytes());
        clientCtx.write(response, clientCtx.voidPromise());
        if (!clientCtx.channel().isWritable()) {
            updateBackpressure();
        }
    }

    // ---- backpressure ------------------------------------------------------------------------

    /**
     * The one place auto-read is decided. The client is read while the broker side can take more
     * and no request is held back; the broker is read while the client can take more and no
     * response is held back (a held response keeps everything behind it in memory).
     */
    void updateBackpressure() {
        Channel up = upstream;
        if (closing || up == null) {
            return;
        }
        Channel client = clientCtx.channel();
        autoRead(client, up.isWritable() && requests.isEmpty());
        autoRead(up, client.isWritable() && responses.isEmpty());
    }

    private static void autoRead(Channel channel, boolean on) {
        if (channel.config().isAutoRead() != on) {
            channel.config().setAutoRead(on);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateBackpressure();
    }

    // ---- failures and closing ----------------------------------------------------------------

    /** A request or response ({@code what}) could not be handled; its frame is released already. */
    void failed(String what, Throwable error) {
        errors.messageFailed(remoteAddress(), what, error);
        closeBoth();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        runtime.metrics().connectionClosed(principal != null);
        KafkaFrameDecoder decoder = ctx.pipeline().get(KafkaFrameDecoder.class);
        if (decoder != null && decoder.pendingBytes() > 0 && !closing) {
            errors.closedMidFrame(remoteAddress(), decoder.pendingBytes());
        }
        closing = true;
        releaseHeld();
        Channel up = upstream;
        if (up != null && up.isActive()) {
            up.close();
        }
    }

    /** A verified client certificate names the connection's principal (a later SASL exchange may rename it). */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof io.netty.handler.timeout.IdleStateEvent) {
            if (correlations.isEmpty() && requests.isEmpty() && responses.isEmpty() && !closing) {
                // nothing in flight (a JoinGroup may wait minutes for its answer): the client is gone or idle
                errors.idleClosed(remoteAddress());
                closeBoth();
            }
            return;
        }
        if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess() && runtime.tlsPrincipals() != null) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            String name = tls == null ? null : certificateName(tls, runtime.tlsPrincipals());
            if (name != null) {
                authenticated("User:" + name, "TLS");
            }
        }
        super.userEventTriggered(ctx, event);
    }

    private @Nullable String certificateName(SslHandler tls, SslPrincipalMapper mapper) {
        try {
            java.security.Principal peer = tls.engine().getSession().getPeerPrincipal();
            if (peer instanceof javax.security.auth.x500.X500Principal x500) {
                return mapper.getName(x500.getName()); // RFC 2253, as Kafka's principal builder reads it
            }
            return null;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return null; // no client certificate (optional client auth): no principal from TLS
        } catch (IOException e) {
            LOG.warn(
                    "{}: the client certificate's subject matches no listener.principals.tlsMappingRules rule: {}",
                    remoteAddress(),
                    e.getMessage());
            return null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        KafkaFrameDecoder decoder = ctx.pipeline().get(KafkaFrameDecoder.class);
        if (cause instanceof IOException && decoder != null && decoder.pendingBytes() > 0 && !closing) {
            errors.closedMidFrame(remoteAddress(), decoder.pendingBytes()); // reset by the client mid-frame
        }
        String rejection = errors.clientFailed(remoteAddress(), cause);
        if (rejection != null) {
            reject(rejection);
        } else {
            closeBoth();
        }
    }

    private void reject(String reason) {
        if (!closing) {
            errors.rejected(remoteAddress(), reason);
            closeBoth();
        }
    }

    /** Closes the client and the upstream connection, releasing every held message; once. */
    void closeBoth() {
        if (closing) {
            return;
        }
        closing = true;
        releaseHeld();
        Channel up = upstream;
        if (up != null) {
            up.close();
        }
        // flush what is already written before closing, so the client sees every complete response
        clientCtx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseHeld() {
        requests.releaseAll();
        responses.releaseAll();
    }
}
