package dev.rosetta.config;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * TLS the sidecar uses as a client (towards brokers or the registry). Files are PEM; relative
 * paths were resolved against the config file's directory.
 *
 * @param trustedCertificates CA certificates to trust; null means the JDK's default trust store
 * @param insecureTrustAll    trust any server certificate (tests only; excludes {@code trustedCertificates})
 * @param certificateChain    client certificate chain for mutual TLS, or null
 * @param privateKey          client private key (PKCS#8 PEM), given together with {@code certificateChain}
 * @param privateKeyPassword  password of an encrypted key, or null
 */
public record ClientTlsConfig(
        @Nullable Path trustedCertificates,
        boolean insecureTrustAll,
        @Nullable Path certificateChain,
        @Nullable Path privateKey,
        @Nullable String privateKeyPassword) {

    public ClientTlsConfig {
        if ((certificateChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("certificateChain and privateKey go together");
        }
        if (insecureTrustAll && trustedCertificates != null) {
            throw new IllegalArgumentException("insecureTrustAll excludes trustedCertificates");
        }
    }

    /** TLS with the JDK's default trust and no client certificate. */
    public static ClientTlsConfig defaultTrust() {
        return new ClientTlsConfig(null, false, null, null, null);
    }

    @Override
    public String toString() {
        return "ClientTlsConfig[trustedCertificates=" + trustedCertificates + ", insecureTrustAll=" + insecureTrustAll
                + ", certificateChain=" + certificateChain + ", privateKey=" + privateKey
                + ", privateKeyPassword=" + (privateKeyPassword == null ? "null" : "****") + "]";
    }
}
