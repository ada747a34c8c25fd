package dev.rosetta.proxy.net;

import javax.net.ssl.SSLException;

import dev.rosetta.config.ClientTlsConfig;
import dev.rosetta.config.ServerTlsConfig;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/** Builds Netty TLS contexts from the PEM-based TLS settings in the configuration. */
final class TlsContexts {
    private TlsContexts() {
    }

    /** TLS towards clients, or {@code null} for plaintext. */
    static SslContext forClients(ServerTlsConfig tls) {
        if (tls == null) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(tls.certificateChain().toFile(), tls.privateKey().toFile(), tls.privateKeyPassword());
            if (tls.trustedCertificates() != null) {
                builder.trustManager(tls.trustedCertificates().toFile());
                builder.clientAuth(tls.requireClientAuth() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("listener.tls: cannot load certificate chain " + tls.certificateChain()
                    + " / private key " + tls.privateKey() + ": " + Failures.rootMessage(e), e);
        }
    }

    /** TLS towards the upstream brokers, or {@code null} for plaintext. Host names are verified unless insecureTrustAll. */
    static SslContext forUpstream(ClientTlsConfig tls) {
        if (tls == null) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (tls.insecureTrustAll()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else {
                builder.endpointIdentificationAlgorithm("HTTPS");
                if (tls.trustedCertificates() != null) {
                    builder.trustManager(tls.trustedCertificates().toFile());
                }
            }
            if (tls.certificateChain() != null) {
                builder.keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile(), tls.privateKeyPassword());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("upstream.tls: cannot load " + tls + ": " + Failures.rootMessage(e), e);
        }
    }
}
