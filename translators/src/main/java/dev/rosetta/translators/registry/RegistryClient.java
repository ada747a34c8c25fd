package dev.rosetta.translators.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * HTTP client for the Confluent Schema Registry REST API, as served by Confluent, Apicurio
 * ({@code /apis/ccompat/v7}), Karapace and Redpanda. No caching: see {@link CachingSchemaRegistry}.
 *
 * <p>Every method is non-blocking and returns a future completed on the HTTP client's threads.
 * Retryable failures (no answer, HTTP 5xx, 429) are retried up to
 * {@link RegistryClientConfig#maxRetries()} times with exponential backoff; other failures
 * complete the future with a {@link RegistryException} carrying the registry's
 * {@code error_code} and {@code message}. Every POST sends {@code Content-Type:
 * application/json} (Apicurio answers 415 without it).
 *
 * <p>Thread-safe; one instance per registry is enough. Cost: one HTTP exchange per call (more
 * on retries).
 */
public final class RegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json, application/json;q=0.9";
    static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final @Nullable String authorization;
    private final HealthTracker health;

    public RegistryClient(RegistryClientConfig config) {
        this(config, Clock.systemUTC());
    }

    RegistryClient(RegistryClientConfig config, Clock clock) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (config.sslContext() != null) {
            b.sslContext(config.sslContext());
        }
        this.http = b.build();
        if (config.bearerToken() != null) {
            authorization = "Bearer " + config.bearerToken();
        } else if (config.basicUser() != null) {
            String pw = config.basicPassword() == null ? "" : config.basicPassword();
            authorization = "Basic "
                    + Base64.getEncoder()
                            .encodeToString((config.basicUser() + ":" + pw).getBytes(StandardCharsets.UTF_8));
        } else {
            authorization = null;
        }
        this.health = new HealthTracker(clock, config.baseUrl().toString());
    }

    /** The configuration this client was built with. */
    public RegistryClientConfig config() {
        return config;
    }

    /** Current reachability of the registry as seen by this client's requests. */
    public RegistryHealth health() {
        return health.snapshot();
    }

    /** Requests the registry answered so far (errors such as 404 included); for metrics. */
    public long answeredRequests() {
        return health.answered();
    }

    /** Requests that got no answer (refused, timed out, 5xx after retries); for metrics. */
    public long failedRequests() {
        return health.failed();
    }

    HealthTracker healthTracker() {
        return health;
    }

    /** {@code GET /schemas/ids/{id}}: the schema (subject and version are unknown: null / -1). */
    public CompletableFuture<RegisteredSchema> schemaById(int id) {
        return get("/schemas/ids/" + id, n -> parseSchema(n, id, null, -1));
    }

    /** {@code GET /subjects}: all subjects. */
    public CompletableFuture<List<String>> subjects() {
        return get("/subjects", RegistryClient::strings);
    }

    /** {@code GET /subjects/{subject}/versions}: version numbers, ascending. */
    public CompletableFuture<List<Integer>> versions(String subject) {
        return get("/subjects/" + enc(subject) + "/versions", n -> {
            List<Integer> out = new ArrayList<>();
            n.forEach(v -> out.add(v.asInt()));
            out.sort(null);
            return List.copyOf(out);
        });
    }

    /** {@code GET /subjects/{subject}/versions/{version}}. */
    public CompletableFuture<RegisteredSchema> version(String subject, int version) {
        return get(
                "/subjects/" + enc(subject) + "/versions/" + version,
                n -> parseSchema(n, n.path("id").asInt(-1), subject, version));
    }

    /** {@code GET /subjects/{subject}/versions/latest}. */
    public CompletableFuture<RegisteredSchema> latest(String subject) {
        return get(
                "/subjects/" + enc(subject) + "/versions/latest",
                n -> parseSchema(
                        n, n.path("id").asInt(-1), subject, n.path("version").asInt(-1)));
    }

    /**
     * {@code POST /subjects/{subject}}: finds the id and version under which {@code schema} is
     * registered in {@code subject}. Fails with error code 40403 if it is not registered there.
     */
    public CompletableFuture<RegisteredSchema> lookup(String subject, RegisteredSchema schema) {
        return post(
                "/subjects/" + enc(subject),
                body(schema),
                n -> parseSchema(
                        n, n.path("id").asInt(-1), subject, n.path("version").asInt(-1)));
    }

    /** {@code POST /subjects/{subject}/versions}: registers {@code schema}, returns its id. */
    public CompletableFuture<Integer> register(String subject, RegisteredSchema schema) {
        return post(
                "/subjects/" + enc(subject) + "/versions",
                body(schema),
                n -> n.path("id").asInt(-1));
    }

    /**
     * {@code POST /compatibility/subjects/{subject}/versions/{version}?verbose=true}: whether
     * {@code schema} is compatible with {@code version} ("latest" allowed) under the subject's level.
     */
    public CompletableFuture<CompatibilityResult> testCompatibility(
            String subject, String version, RegisteredSchema schema) {
        return post(
                "/compatibility/subjects/" + enc(subject) + "/versions/" + enc(version) + "?verbose=true",
                body(schema),
                n -> new CompatibilityResult(n.path("is_compatible").asBoolean(false), strings(n.path("messages"))));
    }

    /** {@code GET /config}: the global compatibility level (e.g. BACKWARD). */
    public CompletableFuture<String> globalCompatibility() {
        return get("/config", RegistryClient::compatibilityLevel);
    }

    /** {@code GET /config/{subject}}: the subject's compatibility level (404 if it has none of its own). */
    public CompletableFuture<String> subjectCompatibility(String subject) {
        return get("/config/" + enc(subject), RegistryClient::compatibilityLevel);
    }

    private static String compatibilityLevel(JsonNode n) {
        JsonNode level = n.has("compatibilityLevel") ? n.get("compatibilityLevel") : n.path("compatibility");
        return level.asText(null);
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        }
        return List.copyOf(out);
    }

    static String body(RegisteredSchema schema) {
        return schema.putContent(JSON.createObjectNode()).toString();
    }

    static RegisteredSchema parseSchema(JsonNode n, int id, @Nullable String subject, int version) {
        JsonNode schema = n.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new IllegalStateException("registry answer has no 'schema' string: " + abbreviate(n.toString()));
        }
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : n.path("references")) {
            refs.add(new SchemaReference(
                    r.path("name").asText(),
                    r.path("subject").asText(),
                    r.path("version").asInt()));
        }
        JsonNode metadata = n.get("metadata");
        JsonNode ruleSet = n.get("ruleSet");
        return new RegisteredSchema(
                id,
                subject,
                version,
                n.path("schemaType").asText("AVRO"),
                schema.asText(),
                refs,
                metadata == null || metadata.isNull() ? null : metadata,
                ruleSet == null || ruleSet.isNull() ? null : ruleSet);
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private <T> CompletableFuture<T> get(String path, Function<JsonNode, T> parse) {
        return send("GET", path, null, parse);
    }

    private <T> CompletableFuture<T> post(String path, String body, Function<JsonNode, T> parse) {
        return send("POST", path, body, parse);
    }

    private <T> CompletableFuture<T> send(
            String method, String path, @Nullable String body, Function<JsonNode, T> parse) {
        URI uri = URI.create(config.baseUrl() + path);
        HttpRequest.Builder rb =
                HttpRequest.newBuilder(uri).timeout(config.requestTimeout()).header("Accept", CONTENT_TYPE);
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        if (body != null) {
            rb.header("Content-Type", "application/json");
            rb.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            rb.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpRequest request = rb.build();
        CompletableFuture<T> result = new CompletableFuture<>();
        attempt(request, parse, 0, result);
        return result;
    }

    private <T> void attempt(
            HttpRequest request, Function<JsonNode, T> parse, int attempt, CompletableFuture<T> result) {
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((resp, err) -> {
                    RegistryException failure;
                    if (err != null) {
                        Throwable cause =
                                err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                        String what = cause instanceof HttpTimeoutException
                                ? "timed out after " + config.requestTimeout().toMillis() + " ms"
                                : cause.getClass().getSimpleName()
                                        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
                        failure = new RegistryException(
                                request.method(), request.uri().toString(), 0, 0, what, cause);
                    } else if (resp.statusCode() / 100 == 2) {
                        try {
                            JsonNode node = JSON.readTree(resp.body());
                            T value = parse.apply(node);
                            health.success();
                            result.complete(value);
                        } catch (IOException | RuntimeException e) {
                            health.success(); // the registry answered; the answer was unusable
                            result.completeExceptionally(new RegistryException(
                                    request.method(),
                                    request.uri().toString(),
                                    resp.statusCode(),
                                    0,
                                    "unreadable answer: " + e.getMessage() + " in " + abbreviate(resp.body()),
                                    e));
                        }
                        return null;
                    } else {
                        failure = errorFromBody(request, resp);
                    }
                    if (failure.isRetryable()) {
                        health.failure(failure.getMessage());
                    } else {
                        health.success(); // 4xx: the registry is up and answered
                    }
                    if (failure.isRetryable() && attempt < config.maxRetries()) {
                        long delay = backoffMillis(attempt);
                        LOG.debug(
                                "retrying {} {} in {} ms after: {}",
                                request.method(),
                                request.uri(),
                                delay,
                                failure.getMessage());
                        Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
                        later.execute(() -> attempt(request, parse, attempt + 1, result));
                    } else {
                        result.completeExceptionally(failure);
                    }
                    return null;
                });
    }

    private long backoffMillis(int attempt) {
        long base = config.initialBackoff().toMillis() << Math.min(attempt, 20);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        // +-20% jitter so many sidecars do not retry in lockstep
        long jitter = (long) (capped * 0.2 * (Math.random() * 2 - 1));
        return Math.max(0, capped + jitter);
    }

    private static RegistryException errorFromBody(HttpRequest request, HttpResponse<String> resp) {
        int code = resp.statusCode();
        String message = abbreviate(resp.body());
        try {
            JsonNode n = JSON.readTree(resp.body());
            if (n != null && n.isObject()) {
                code = n.path("error_code").asInt(resp.statusCode());
                message = n.path("message").asText(message);
            }
        } catch (IOException | RuntimeException notJson) {
            // keep the raw body as message
        }
        return new RegistryException(
                request.method(), request.uri().toString(), resp.statusCode(), code, message, null);
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
