package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.List;

import org.apache.kafka.common.security.ssl.SslPrincipalMapper;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseFilter;

import io.netty.handler.ssl.SslContext;

/**
 * What every connection of one proxy shares; immutable apart from the thread-safe parts it points to.
 *
 * @param clientTls     TLS towards clients, or null for plaintext
 * @param tlsPrincipals how a verified client certificate's subject becomes a principal; null when the
 *                      listener does not verify client certificates
 */
record ProxyRuntime(
        List<InetSocketAddress> upstreamBootstrap,
        UpstreamConnector upstreamConnector,
        BrokerListeners endpoints,
        FilterTable<ResponseFilter> responseFilters,
        FilterTable<RequestFilter> requestFilters,
        ProxyMetrics metrics,
        @Nullable SslContext clientTls,
        @Nullable SslPrincipalMapper tlsPrincipals,
        int maxFrameBytes,
        RepeatedWarnings repeatedWarnings) {}
