package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.ServerTlsConfig;
import dev.rosetta.config.UpstreamConfig;
import dev.rosetta.proxy.auth.SaslPrincipals;
import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.ApiVersionsIntersection;
import dev.rosetta.proxy.protocol.BrokerAddressRewriter;
import dev.rosetta.proxy.protocol.BrokerEndpoints;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseFilter;
import dev.rosetta.proxy.tls.TlsContexts;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;

/**
 * The Kafka protocol proxy: a bootstrap port plus one port per upstream broker, each client
 * connection paired with its own upstream connection on the same event loop.
 *
 * <p>Lifecycle: {@link #start()} binds the bootstrap port and returns; broker ports are bound as
 * brokers become known (from the responses clients receive). {@link #close()} stops accepting,
 * closes every connection and releases the event loops. Thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** Pause reading from one side once this much is queued for the other (per connection). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final ListenerConfig listener;
    private final UpstreamConfig upstream;
    private final List<ResponseFilter> extraFilters;
    private final List<RequestFilter> requestFilters;
    private final Transport transport;
    private final ProxyMetrics metrics;
    private final List<Channel> serverChannels = new CopyOnWriteArrayList<>();
    // set by start()
    private @Nullable EventLoopGroup acceptors;
    private @Nullable EventLoopGroup workers;
    private @Nullable ProxyRuntime runtime;
    private volatile @Nullable InetSocketAddress bootstrapAddress;
    private java.util.function.UnaryOperator<InetSocketAddress> connectVia =
            java.util.function.UnaryOperator.identity();

    /**
     * @param extraFilters response filters run after the proxy's own (address rewriting, ApiVersions)
     */
    public ProxyServer(
            ListenerConfig listener,
            UpstreamConfig upstream,
            MeterRegistry registry,
            List<ResponseFilter> extraFilters) {
        this(listener, upstream, registry, extraFilters, List.of());
    }

    /**
     * @param responseFilters response filters run after the proxy's own (address rewriting, ApiVersions)
     * @param requestFilters  request filters, in order
     */
    public ProxyServer(
            ListenerConfig listener,
            UpstreamConfig upstream,
            MeterRegistry registry,
            List<ResponseFilter> responseFilters,
            List<RequestFilter> requestFilters) {
        this.listener = listener;
        this.upstream = upstream;
        this.extraFilters = List.copyOf(responseFilters);
        this.requestFilters = List.copyOf(requestFilters);
        this.transport = Transport.best();
        this.metrics = new ProxyMetrics(registry);
    }

    /**
     * Where to open the TCP connection for each upstream broker address (identity unless set). Tests put a
     * fault-injecting hop between the proxy and the brokers with it; TLS still names the broker's own address.
     * Call before {@link #start()}.
     */
    public synchronized ProxyServer connectVia(java.util.function.UnaryOperator<InetSocketAddress> mapping) {
        if (runtime != null) {
            throw new IllegalStateException("already started");
        }
        this.connectVia = java.util.Objects.requireNonNull(mapping, "mapping");
        return this;
    }

    /** Binds the bootstrap port; returns once clients can connect. */
    public synchronized ProxyServer start() {
        if (runtime != null) {
            throw new IllegalStateException("already started");
        }
        SslContext clientTls = TlsContexts.forClients(listener.tls());
        SslContext upstreamTls = TlsContexts.forUpstream(upstream.tls());
        int threads = Runtime.getRuntime().availableProcessors();
        EventLoopGroup acceptors = transport.newGroup("rosetta-accept", 1);
        EventLoopGroup workers = transport.newGroup("rosetta-io", threads);
        this.acceptors = acceptors;
        this.workers = workers;
        workers.forEach(loop -> loop.execute(FrameBuffers::pinChunks));
        BrokerListeners endpoints = new BrokerListeners(listener.advertisedHost(), this::bindBroker);
        SaslPrincipals saslPrincipals = new SaslPrincipals(listener.principals(), metrics);
        List<ResponseFilter> filters = responseFilters(endpoints, saslPrincipals, extraFilters);
        List<RequestFilter> allRequestFilters = requestFilters(saslPrincipals, requestFilters);
        ServerTlsConfig tlsConfig = listener.tls();
        SslPrincipalMapper tlsPrincipals = tlsConfig != null && tlsConfig.trustedCertificates() != null
                ? listener.principals().tlsMapper()
                : null;
        List<InetSocketAddress> bootstrapServers = upstream.bootstrapServers().stream()
                .map(ProxyServer::unresolved)
                .toList();
        UpstreamConnector connector = new TcpUpstreamConnector(
                transport, upstreamTls, (int) upstream.connectTimeout().toMillis(), metrics, connectVia);
        ProxyRuntime runtime = new ProxyRuntime(
                bootstrapServers,
                connector,
                endpoints,
                new FilterTable<>(filters, ResponseFilter[]::new),
                new FilterTable<>(allRequestFilters, RequestFilter[]::new),
                metrics,
                clientTls,
                tlsPrincipals,
                listener.maxFrameBytes(),
                new RepeatedWarnings());
        this.runtime = runtime;
        InetSocketAddress bootstrapAddress;
        try {
            Channel channel = bind(runtime, listener.bootstrapPort(), UpstreamTarget.BOOTSTRAP)
                    .syncUninterruptibly()
                    .channel();
            bootstrapAddress = (InetSocketAddress) channel.localAddress();
            this.bootstrapAddress = bootstrapAddress;
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException(
                    "cannot listen on " + listener.bindHost() + ":" + listener.bootstrapPort()
                            + " (listener.bindHost / listener.bootstrapPort): " + Failures.rootMessage(e),
                    e);
        }
        LOG.info(
                "Rosetta proxy listening on {} (bootstrap, advertised as {}:{}), upstream {}, transport {}, {} I/O threads, TLS to clients {}, TLS upstream {}",
                bootstrapAddress,
                listener.advertisedHost(),
                bootstrapAddress.getPort(),
                upstream.bootstrapServers(),
                transport.name(),
                threads,
                clientTls != null ? "on" : "off",
                upstreamTls != null ? "on" : "off");
        return this;
    }

    /** Every connection's response filters, in order: the proxy's own (ApiVersions, addresses, SASL), then {@code extra}. */
    static List<ResponseFilter> responseFilters(
            BrokerEndpoints endpoints, SaslPrincipals saslPrincipals, List<ResponseFilter> extra) {
        List<ResponseFilter> filters = new ArrayList<>();
        filters.add(new ApiVersionsIntersection());
        filters.add(new BrokerAddressRewriter(endpoints));
        filters.add(saslPrincipals);
        filters.addAll(extra);
        return filters;
    }

    /** Every connection's request filters, in order: who the connection is first, before any route is decided. */
    static List<RequestFilter> requestFilters(SaslPrincipals saslPrincipals, List<RequestFilter> extra) {
        List<RequestFilter> filters = new ArrayList<>();
        filters.add(saslPrincipals);
        filters.addAll(extra);
        return filters;
    }

    private CompletableFuture<Integer> bindBroker(int nodeId) {
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        int port = listener.brokerPort(nodeId);
        if (port < 0 || port > 65535) {
            bound.completeExceptionally(new IllegalStateException("broker node id " + nodeId + " maps to port " + port
                    + " (listener.brokerPortBase " + listener.brokerPortBase() + " + node id), outside 0..65535"));
            return bound;
        }
        bind(started(), port, new UpstreamTarget(nodeId)).addListener((ChannelFuture future) -> {
            if (future.isSuccess()) {
                int actual = ((InetSocketAddress) future.channel().localAddress()).getPort();
                LOG.info(
                        "Listening for broker {} on {}:{} (advertised as {}:{})",
                        nodeId,
                        listener.bindHost(),
                        actual,
                        listener.advertisedHost(),
                        actual);
                bound.complete(actual);
            } else {
                LOG.error(
                        "Cannot listen for broker {} on {}:{}: {}",
                        nodeId,
                        listener.bindHost(),
                        port,
                        Failures.rootMessage(future.cause()));
                bound.completeExceptionally(future.cause());
            }
        });
        return bound;
    }

    private ChannelFuture bind(ProxyRuntime runtime, int port, UpstreamTarget target) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(Objects.requireNonNull(acceptors), Objects.requireNonNull(workers))
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, FrameBuffers.allocator())
                .childOption(ChannelOption.AUTO_READ, false) // until the upstream connection is up
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.config().setWriteBufferWaterMark(WATER_MARK);
                        SslContext tls = runtime.clientTls();
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        long idle = listener.idleTimeout().toMillis();
                        if (idle > 0) { // no traffic either way this long: the connection is closed (as a broker does)
                            ch.pipeline()
                                    .addLast(
                                            "idle",
                                            new io.netty.handler.timeout.IdleStateHandler(
                                                    0, 0, idle, java.util.concurrent.TimeUnit.MILLISECONDS));
                        }
                        ch.pipeline().addLast("frames", new KafkaFrameDecoder(8, runtime.maxFrameBytes()));
                        long frameTimeout = idle > 0
                                ? Math.min(ClientConnection.FRAME_TIMEOUT_NANOS, idle * 1_000_000L)
                                : ClientConnection.FRAME_TIMEOUT_NANOS;
                        ch.pipeline().addLast("proxy", new ClientConnection(runtime, target, frameTimeout));
                    }
                });
        ChannelFuture future = bootstrap.bind(listener.bindHost(), port);
        future.addListener(f -> {
            if (f.isSuccess()) {
                serverChannels.add(future.channel());
            }
        });
        return future;
    }

    /** Where the bootstrap port is bound (the actual port when configured as 0). */
    public InetSocketAddress bootstrapAddress() {
        return Objects.requireNonNull(bootstrapAddress, "the proxy is not started");
    }

    /** {@code host:port} a client puts in {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return listener.advertisedHost() + ":" + bootstrapAddress().getPort();
    }

    /** Node id → port for every broker the proxy listens for now. */
    public Map<Integer, Integer> brokerPorts() {
        return started().endpoints().ports();
    }

    private ProxyRuntime started() {
        return Objects.requireNonNull(runtime, "the proxy is not started");
    }

    /** Connection-level meters. */
    public ProxyMetrics metrics() {
        return metrics;
    }

    @Override
    public synchronized void close() {
        for (Channel channel : serverChannels) {
            channel.close().syncUninterruptibly();
        }
        serverChannels.clear();
        EventLoopGroup acceptors = this.acceptors;
        if (acceptors != null) {
            acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        EventLoopGroup workers = this.workers;
        if (workers != null) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (runtime != null) {
            LOG.info("Rosetta proxy on {} stopped", bootstrapAddress);
        }
    }

    private static InetSocketAddress unresolved(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
