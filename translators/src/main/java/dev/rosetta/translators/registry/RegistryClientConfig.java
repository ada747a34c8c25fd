package dev.rosetta.translators.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

/**
 * How to reach a Confluent-API schema registry (Confluent, Apicurio {@code /apis/ccompat/v7},
 * Karapace, Redpanda).
 *
 * @param baseUrl        base URL, may carry a path prefix (e.g. {@code http://h:8080/apis/ccompat/v7})
 * @param basicUser      user for HTTP basic auth, or null
 * @param basicPassword  password for HTTP basic auth, or null
 * @param bearerToken    bearer token, or null (wins over basic auth when both are set)
 * @param sslContext     TLS context for {@code https} URLs (trust store, client certificate), or null for the JDK default
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout time allowed for one HTTP exchange (the "read timeout")
 * @param maxRetries     retries after the first attempt for retryable failures (I/O, 5xx, 429)
 * @param initialBackoff first retry delay; doubles each retry up to {@code maxBackoff}
 * @param maxBackoff     ceiling of the retry delay
 */
public record RegistryClientConfig(
        URI baseUrl,
        @Nullable String basicUser,
        @Nullable String basicPassword,
        @Nullable String bearerToken,
        @Nullable SSLContext sslContext,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration initialBackoff,
        Duration maxBackoff) {

    public RegistryClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String s = baseUrl.toString();
        if (s.endsWith("/")) {
            baseUrl = URI.create(s.substring(0, s.length() - 1));
        }
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("registry URL must be http or https: " + baseUrl);
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
        }
    }

    /** A builder with defaults: 5 s connect, 10 s request, 3 retries, backoff 100 ms to 2 s. */
    public static Builder builder(String baseUrl) {
        return new Builder(URI.create(baseUrl));
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final URI baseUrl;
        private @Nullable String basicUser;
        private @Nullable String basicPassword;
        private @Nullable String bearerToken;
        private @Nullable SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxRetries = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(2);

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
        }

        public Builder basicAuth(@Nullable String user, @Nullable String password) {
            this.basicUser = user;
            this.basicPassword = password;
            return this;
        }

        public Builder bearerToken(@Nullable String token) {
            this.bearerToken = token;
            return this;
        }

        public Builder sslContext(@Nullable SSLContext ctx) {
            this.sslContext = ctx;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.requestTimeout = d;
            return this;
        }

        public Builder retries(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
            this.maxRetries = maxRetries;
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        public RegistryClientConfig build() {
            return new RegistryClientConfig(
                    baseUrl,
                    basicUser,
                    basicPassword,
                    bearerToken,
                    sslContext,
                    connectTimeout,
                    requestTimeout,
                    maxRetries,
                    initialBackoff,
                    maxBackoff);
        }
    }

    @Override
    public String toString() { // never print secrets
        return "RegistryClientConfig[" + baseUrl + (bearerToken != null ? ", bearer" : "")
                + (basicUser != null ? ", basic user " + basicUser : "") + ", connect " + connectTimeout
                + ", request " + requestTimeout + ", retries " + maxRetries + "]";
    }
}
