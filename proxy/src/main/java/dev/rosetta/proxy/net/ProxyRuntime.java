package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.List;

import dev.rosetta.proxy.metrics.ProxyMetrics;

import io.netty.handler.ssl.SslContext;

/** What every connection of one proxy shares; immutable apart from the thread-safe parts it points to. */
record ProxyRuntime(Transport transport,
                    List<InetSocketAddress> upstreamBootstrap,
                    BrokerListeners endpoints,
                    ResponseFilters filters,
                    RequestFilters requestFilters,
                    ProxyMetrics metrics,
                    SslContext clientTls,
                    SslContext upstreamTls,
                    int maxFrameBytes,
                    int connectTimeoutMillis) {
}
