package dev.rosetta.proxy.tls;

import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.ClientTlsConfig;
import dev.rosetta.config.ServerTlsConfig;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * The one place that turns the configuration's PEM-based TLS settings into TLS contexts: Netty
 * {@link SslContext}s for the proxy's two legs (clients and brokers) and a JDK {@link SSLContext}
 * for the schema registry's {@code java.net.http.HttpClient}. All three go through Netty's
 * {@link SslContextBuilder}, so a setting (a PEM trust file, trust-all, a client certificate) means
 * the same towards a broker as towards the registry.
 *
 * <p>Stateless and thread-safe. Each call reads the PEM files again (they may have been rotated),
 * so call once per server or client, not per connection. Every failure is an
 * {@link IllegalStateException} that names the configuration key and the files involved.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /**
     * TLS the proxy presents to its clients ({@code listener.tls}), or {@code null} for plaintext.
     * With {@code trustedCertificates}, client certificates are verified against it, and required
     * when {@code requireClientAuth}.
     */
    public static @Nullable SslContext forClients(@Nullable ServerTlsConfig tls) {
        if (tls == null) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(
                    tls.certificateChain().toFile(), tls.privateKey().toFile(), tls.privateKeyPassword());
            if (tls.trustedCertificates() != null) {
                builder.trustManager(tls.trustedCertificates().toFile());
                builder.clientAuth(tls.requireClientAuth() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "listener.tls: cannot load certificate chain " + tls.certificateChain() + " / private key "
                            + tls.privateKey() + ": " + rootMessage(e),
                    e);
        }
    }

    /**
     * TLS towards the upstream brokers ({@code upstream.tls}), or {@code null} for plaintext. Host
     * names are verified unless {@code insecureTrustAll}; uses Netty's default provider (OpenSSL
     * when available).
     */
    public static @Nullable SslContext forUpstream(@Nullable ClientTlsConfig tls) {
        if (tls == null) {
            return null;
        }
        try {
            return clientContext(tls, null).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("upstream.tls: cannot load " + tls + ": " + rootMessage(e), e);
        }
    }

    /**
     * The JDK context for HTTPS calls to the schema registry ({@code registry.tls}). The JDK
     * {@code HttpClient} verifies host names itself, whatever the context.
     *
     * @throws IllegalStateException when a client certificate is configured (not supported towards
     *                               the registry yet) or a PEM file cannot be loaded
     */
    public static SSLContext forRegistry(ClientTlsConfig tls) {
        try {
            // The JDK provider, because HttpClient takes a javax.net.ssl.SSLContext, which only it can give.
            return ((JdkSslContext) clientContext(tls, SslProvider.JDK).build()).context();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "registry.tls: cannot load "
                            + (tls.certificateChain() == null
                                    ? tls.trustedCertificates()
                                    : tls.trustedCertificates() + " / " + tls.certificateChain() + " / "
                                            + tls.privateKey())
                            + ": " + rootMessage(e),
                    e);
        }
    }

    /** A client builder for {@code tls}; {@code provider} null means Netty's default. */
    private static SslContextBuilder clientContext(ClientTlsConfig tls, @Nullable SslProvider provider)
            throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider);
        if (tls.insecureTrustAll()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            builder.endpointIdentificationAlgorithm("HTTPS");
            if (tls.trustedCertificates() != null) {
                builder.trustManager(tls.trustedCertificates().toFile());
            }
        }
        if (tls.certificateChain() != null) {
            Path key = Objects.requireNonNull(
                    tls.privateKey(), "the configuration checks that a privateKey goes with certificateChain");
            builder.keyManager(tls.certificateChain().toFile(), key.toFile(), tls.privateKeyPassword());
        }
        return builder;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
