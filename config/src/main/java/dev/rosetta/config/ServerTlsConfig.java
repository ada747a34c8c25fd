package dev.rosetta.config;

import java.nio.file.Path;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * TLS the sidecar presents to clients. Files are PEM; relative paths were resolved against the
 * config file's directory.
 *
 * @param certificateChain    the server certificate chain (required)
 * @param privateKey          the private key (PKCS#8 PEM, required)
 * @param privateKeyPassword  password of an encrypted key, or null
 * @param trustedCertificates CA certificates for client certificates; when set, client
 *                            certificates are verified if presented
 * @param requireClientAuth   when true a client without a valid certificate is refused
 *                            (needs {@code trustedCertificates})
 */
public record ServerTlsConfig(
        Path certificateChain,
        Path privateKey,
        @Nullable String privateKeyPassword,
        @Nullable Path trustedCertificates,
        boolean requireClientAuth) {

    public ServerTlsConfig {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        if (requireClientAuth && trustedCertificates == null) {
            throw new IllegalArgumentException("requireClientAuth needs trustedCertificates");
        }
    }

    @Override
    public String toString() {
        return "ServerTlsConfig[certificateChain=" + certificateChain + ", privateKey=" + privateKey
                + ", privateKeyPassword=" + (privateKeyPassword == null ? "null" : "****")
                + ", trustedCertificates=" + trustedCertificates + ", requireClientAuth=" + requireClientAuth + "]";
    }
}
