package dev.rosetta.proxy.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.SchemaReference;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

/**
 * A schema registry in this JVM that serves the contracts of a folder (kept in source control)
 * over the core Confluent Schema Registry REST API, for {@code rosetta demo}, local use and tests.
 * Rosetta, and any Confluent serializer, talk to it through {@link #url()} exactly as they would
 * to Confluent's registry, Apicurio or Karapace; against a real registry nothing changes but the URL.
 *
 * <p><b>Folder layout</b>: {@code <contracts>/<subject>/v<N>.avsc} is version N of the subject,
 * with an optional {@code v<N>.ruleset.json} holding a Data Contract {@code ruleSet} (read by
 * {@link StaticSchemaRegistry#loadDirectory}). Ids are global and assigned from 1 in subject, then
 * version order; a schema found under several subjects gets one id, as in Confluent's registry.
 * Files are not checked against each other at start ({@code rosetta check} does that).
 *
 * <p><b>Endpoints</b> (Confluent's JSON shapes, error bodies {@code {"error_code":40401,"message":...}}):
 * <pre>
 * GET  /schemas/ids/{id}                   GET /schemas/ids/{id}/schema, /versions, /subjects
 * GET  /schemas/types
 * GET  /subjects                           GET /subjects/{subject}/versions
 * GET  /subjects/{subject}/versions/{version|latest}        (+ /schema for the bare schema)
 * POST /subjects/{subject}                 id and version of a schema in the subject (lookup)
 * POST /subjects/{subject}/versions        register
 * POST /compatibility/subjects/{subject}/versions[/{version|latest}]   (?verbose=true for reasons)
 * GET|PUT /config    GET|PUT /config/{subject}   (?defaultToGlobal=true)
 * </pre>
 * Error codes: 40401 subject not found, 40402 version not found, 40403 schema not found, 40408
 * subject has no level of its own, 42201 invalid schema, 42202 invalid version, 42203 invalid
 * level, 409 incompatible schema (checked on registration, BACKWARD by default), 415 a body that
 * is not JSON. Deletes are refused (405): contracts are removed in the folder, by review.
 *
 * <p><b>Registration is in memory only</b>: schemas registered over HTTP (and level changes)
 * live until {@link #close()} and are never written to the folder, so a demo or a test never
 * edits a source-controlled checkout. To keep a schema, add its {@code .avsc} file to the folder.
 * Only Avro schemas are accepted (the translators work on Avro); references to other subjects are
 * resolved.
 *
 * <p>Responses are {@code application/vnd.schemaregistry.v1+json}; request bodies may be sent as
 * {@code application/json}, {@code application/vnd.schemaregistry.v1+json},
 * {@code application/vnd.schemaregistry+json}, {@code application/octet-stream} or without a
 * content type. Listens on the loopback interface only; no authentication, no TLS: not for
 * production.
 *
 * <p>Thread-safe: requests are served by a small pool of daemon threads, state changes are
 * serialized. {@link #close()} stops the listener and is idempotent.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    /** The media type of every response. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ACCEPTED_BODY_TYPES =
            Set.of("application/json", CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/octet-stream");
    private static final int THREADS = 4;

    private final Path contracts;
    private final ContractStore store;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRegistry(Path contracts, ContractStore store, HttpServer server, ExecutorService executor) {
        this.contracts = contracts;
        this.store = store;
        this.server = server;
        this.executor = executor;
        this.url = "http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort();
    }

    /** {@link #start(Path, int)} on a free port. */
    public static EmbeddedRegistry start(Path contracts) {
        return start(contracts, 0);
    }

    /**
     * Loads every contract of {@code contracts} and starts serving them on 127.0.0.1:{@code port}
     * (0: a free port, see {@link #url()}). Logs one line with the URL, the folder and what it holds.
     *
     * @throws IllegalArgumentException if the folder does not exist or a file is not a valid Avro
     *                                  schema (the message names the subject, version and folder)
     * @throws UncheckedIOException     if the port cannot be bound
     */
    public static EmbeddedRegistry start(Path contracts, int port) {
        ContractStore store = load(contracts);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen on 127.0.0.1:" + port + " for the embedded schema registry", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "rosetta-registry-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        EmbeddedRegistry registry = new EmbeddedRegistry(contracts, store, server, executor);
        server.createContext("/", registry::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info(
                "embedded schema registry at {} serving {}: {} subjects, {} schemas {}",
                registry.url,
                contracts.toAbsolutePath().normalize(),
                store.subjects().size(),
                store.schemaCount(),
                store.summary());
        return registry;
    }

    private static ContractStore load(Path contracts) {
        if (!Files.isDirectory(contracts)) {
            throw new IllegalArgumentException(
                    "contracts folder " + contracts.toAbsolutePath().normalize()
                            + " does not exist or is not a directory; expected <subject>/v<N>.avsc files in it");
        }
        StaticSchemaRegistry files = StaticSchemaRegistry.loadDirectory(contracts);
        ContractStore store = new ContractStore(ContractStore.Level.BACKWARD);
        for (String subject : files.subjects()) {
            for (int version : files.versions(subject).join()) {
                RegisteredSchema schema = files.cachedVersion(subject, version).orElseThrow();
                try {
                    store.load(subject, version, schema);
                } catch (RegistryError e) {
                    throw new IllegalArgumentException(
                            "contracts folder " + contracts + ": subject " + subject
                                    + " version " + version + " ("
                                    + contracts.resolve(subject).resolve("v" + version + ".avsc")
                                    + "): " + e.getMessage(),
                            e);
                }
            }
        }
        return store;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:41234} (no trailing slash). */
    public String url() {
        return url;
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The folder the contracts were loaded from. */
    public Path contracts() {
        return contracts;
    }

    /** Every subject served, sorted (including subjects registered over HTTP). */
    public List<String> subjects() {
        return store.subjects();
    }

    /**
     * {@code subject} at {@code version} with its global id (for code that writes Confluent wire
     * format without going over HTTP, such as the demo's producers), or empty if there is none.
     */
    public Optional<RegisteredSchema> schema(String subject, int version) {
        try {
            return Optional.of(store.version(subject, Integer.toString(version)));
        } catch (RegistryError notFound) {
            return Optional.empty();
        }
    }

    /**
     * Stops listening and closes every connection at once (a request in flight gets no answer:
     * waiting would mean waiting out every idle keep-alive connection). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRegistry[" + url + ", " + contracts + "]";
    }

    // ---- HTTP ----

    private void handle(HttpExchange exchange) throws IOException {
        int status;
        byte[] body;
        try {
            JsonNode answer = route(exchange);
            status = 200;
            body = answer.isTextual()
                    ? answer.textValue().getBytes(StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(answer);
        } catch (RegistryError e) {
            status = e.status();
            body = JSON.writeValueAsBytes(error(e.errorCode(), e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn(
                    "embedded schema registry failed on {} {}",
                    exchange.getRequestMethod(),
                    exchange.getRequestURI(),
                    e);
            status = 500;
            body = JSON.writeValueAsBytes(error(50001, "Error in the embedded registry: " + e));
        }
        try {
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
        } finally {
            exchange.close();
        }
    }

    private static ObjectNode error(int code, @Nullable String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    /** Answers one request; a textual node is sent as is (the bare schema endpoints). */
    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> p = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int n = p.size();
        String first = n == 0 ? "" : p.get(0);
        switch (first) {
            case "" -> {
                if (n == 0) {
                    allow(method, "GET");
                    return JSON.createObjectNode();
                }
            }
            case "schemas" -> {
                if (n == 2 && p.get(1).equals("types")) {
                    allow(method, "GET");
                    return JSON.createArrayNode().add("AVRO");
                }
                if (n >= 3 && n <= 4 && p.get(1).equals("ids")) {
                    allow(method, "GET");
                    int id = schemaId(p.get(2));
                    String tail = n == 4 ? p.get(3) : "";
                    switch (tail) {
                        case "" -> {
                            return schemaDocument(store.schemaById(id), false);
                        }
                        case "schema" -> {
                            return JSON.getNodeFactory()
                                    .textNode(store.schemaById(id).schema());
                        }
                        case "versions" -> {
                            ArrayNode out = JSON.createArrayNode();
                            store.usesOf(id)
                                    .forEach(s -> out.addObject()
                                            .put("subject", s.subject())
                                            .put("version", s.version()));
                            return out;
                        }
                        case "subjects" -> {
                            ArrayNode out = JSON.createArrayNode();
                            store.usesOf(id).stream()
                                    .map(RegisteredSchema::subject)
                                    .distinct()
                                    .forEach(out::add);
                            return out;
                        }
                        default -> {}
                    }
                }
            }
            case "subjects" -> {
                if (n == 1) {
                    allow(method, "GET");
                    ArrayNode out = JSON.createArrayNode();
                    store.subjects().forEach(out::add);
                    return out;
                }
                String subject = p.get(1);
                if (n == 2) {
                    allow(method, "POST");
                    return schemaDocument(store.lookup(subject, readSchema(exchange)), true);
                }
                if (p.get(2).equals("versions")) {
                    if (n == 3) {
                        allow(method, "GET", "POST");
                        if (method.equals("GET")) {
                            ArrayNode out = JSON.createArrayNode();
                            store.versions(subject).forEach(out::add);
                            return out;
                        }
                        return JSON.createObjectNode().put("id", store.register(subject, readSchema(exchange)));
                    }
                    if (n == 4) {
                        allow(method, "GET");
                        return schemaDocument(store.version(subject, p.get(3)), true);
                    }
                    if (n == 5 && p.get(4).equals("schema")) {
                        allow(method, "GET");
                        return JSON.getNodeFactory()
                                .textNode(store.version(subject, p.get(3)).schema());
                    }
                }
            }
            case "compatibility" -> {
                if ((n == 4 || n == 5)
                        && p.get(1).equals("subjects")
                        && p.get(3).equals("versions")) {
                    allow(method, "POST");
                    ContractStore.Compatibility c =
                            store.testCompatibility(p.get(2), n == 5 ? p.get(4) : null, readSchema(exchange));
                    ObjectNode out = JSON.createObjectNode().put("is_compatible", c.compatible());
                    if (Boolean.parseBoolean(query.get("verbose"))) {
                        ArrayNode messages = out.putArray("messages");
                        c.messages().forEach(messages::add);
                    }
                    return out;
                }
            }
            case "config" -> {
                if (n == 1 || n == 2) {
                    allow(method, "GET", "PUT");
                    String subject = n == 2 ? p.get(1) : null;
                    if (method.equals("PUT")) {
                        JsonNode body = readJson(exchange);
                        JsonNode level = body.path("compatibility");
                        if (!level.isTextual()) {
                            throw new RegistryError(
                                    422,
                                    RegistryError.INVALID_COMPATIBILITY_LEVEL,
                                    "Invalid compatibility level: the body needs {\"compatibility\": \"BACKWARD\"} "
                                            + "or another level");
                        }
                        ContractStore.Level parsed = ContractStore.Level.parse(level.textValue());
                        if (subject == null) {
                            store.globalLevel(parsed);
                        } else {
                            store.subjectLevel(subject, parsed);
                        }
                        return JSON.createObjectNode().put("compatibility", parsed.name());
                    }
                    Optional<ContractStore.Level> level =
                            subject == null ? Optional.of(store.globalLevel()) : store.subjectLevel(subject);
                    if (level.isEmpty() && Boolean.parseBoolean(query.get("defaultToGlobal"))) {
                        level = Optional.of(store.globalLevel());
                    }
                    return JSON.createObjectNode()
                            .put(
                                    "compatibilityLevel",
                                    level.orElseThrow(() -> new RegistryError(
                                                    404,
                                                    RegistryError.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
                                                    "Subject '" + subject
                                                            + "' does not have subject-level compatibility configured"))
                                            .name());
                }
            }
            default -> {}
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found");
    }

    private static void allow(String method, String... allowed) {
        for (String a : allowed) {
            if (a.equals(method)) {
                return;
            }
        }
        throw new RegistryError(405, 405, "HTTP 405 Method Not Allowed");
    }

    private static int schemaId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, 404, "HTTP 404 Not Found");
        }
    }

    private static ObjectNode schemaDocument(RegisteredSchema s, boolean withSubject) {
        ObjectNode o = JSON.createObjectNode();
        if (withSubject) {
            o.put("subject", s.subject()).put("version", s.version()).put("id", s.id());
        }
        return s.putContent(o);
    }

    private static RegisteredSchema readSchema(HttpExchange exchange) throws IOException {
        JsonNode body = readJson(exchange);
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new RegistryError(
                    422, RegistryError.INVALID_SCHEMA, "Invalid schema: the body needs a \"schema\" string");
        }
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode r : body.path("references")) {
            if (!r.path("name").isTextual()
                    || !r.path("subject").isTextual()
                    || !r.path("version").canConvertToInt()) {
                throw new RegistryError(
                        422,
                        RegistryError.INVALID_SCHEMA,
                        "Invalid schema: a reference needs name, subject and version: " + r);
            }
            refs.add(new SchemaReference(
                    r.get("name").textValue(),
                    r.get("subject").textValue(),
                    r.get("version").intValue()));
        }
        return new RegisteredSchema(
                -1,
                null,
                -1,
                body.path("schemaType").asText("AVRO"),
                schema.textValue(),
                refs,
                nullToAbsent(body.get("metadata")),
                nullToAbsent(body.get("ruleSet")));
    }

    private static @Nullable JsonNode nullToAbsent(@Nullable JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static JsonNode readJson(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null
                && !ACCEPTED_BODY_TYPES.contains(type.split(";")[0].trim().toLowerCase(Locale.ROOT))) {
            throw new RegistryError(
                    415,
                    415,
                    "HTTP 415 Unsupported Media Type: send "
                            + "application/vnd.schemaregistry.v1+json or application/json, not " + type);
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readAllBytes();
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new RegistryError(400, 400, "The request body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryError(400, 400, "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    // Path segments are percent-decoded one by one, so a subject may contain an encoded '/'.
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(decode(s));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(
                        decode(eq < 0 ? pair : pair.substring(0, eq)),
                        eq < 0 ? "true" : decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    private static String decode(String s) {
        // URLDecoder is for forms: keep a literal '+' a plus sign, as it is in a URL path.
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
