package dev.rosetta.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.Binder.MapReader;
import dev.rosetta.config.ConfigTree.Node;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.KeyRoute;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;

/**
 * Binds a sidecar's YAML file to a {@link RosettaConfig}, validating everything before
 * returning: a file with any mistake raises one {@link ConfigException} listing every problem
 * (file, line, key path, bad value, what is allowed), and nothing is applied.
 *
 * <p>Rules: YAML keys are the record component names; unknown keys are rejected; omitted keys
 * take their defaults; scalars may use {@code ${ENV_VAR}} or {@code ${ENV_VAR:-default}}
 * ({@code $${} writes a literal {@code ${}); relative paths resolve against the file's
 * directory. Only {@code upstream.bootstrapServers} is required.
 *
 * <p>Stateless and thread-safe; every method is a pure function of its inputs and the
 * environment.
 */
public final class ConfigLoader {

    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private ConfigLoader() {}

    /** Loads {@code file}, substituting variables from the process environment. */
    public static RosettaConfig load(Path file) {
        return load(file, System::getenv);
    }

    /** Loads {@code file}, substituting variables from {@code env} (name to value, null when unset). */
    public static RosettaConfig load(Path file, Function<String, String> env) {
        Path absolute = file.toAbsolutePath().normalize();
        String text;
        try {
            text = Files.readString(absolute, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(new ConfigException.Problem(absolute.toString(), 0, "", null, "cannot be read: " + e)));
        }
        Path dir = absolute.getParent() == null ? absolute : absolute.getParent();
        return parse(text, absolute.toString(), dir, env);
    }

    /** Parses YAML text; {@code sourceName} appears in errors; relative paths resolve against the working directory. */
    public static RosettaConfig parse(String yaml, String sourceName) {
        return parse(yaml, sourceName, Path.of("").toAbsolutePath(), System::getenv);
    }

    /** Parses YAML text with an explicit base directory for relative paths and an environment. */
    public static RosettaConfig parse(String yaml, String sourceName, Path baseDir, Function<String, String> env) {
        Binder b = new Binder(sourceName, baseDir, env);
        Node root = ConfigTree.parseYaml(yaml, sourceName);
        MapReader top = b.result(b.map(root, "", 1));
        return b.result(bindRoot(b, top));
    }

    /**
     * Parses one route (YAML or JSON, e.g. an admin API request body), validated exactly like a
     * route in the file. When {@code topic} is non-null the body may omit {@code topic}, and
     * must agree with it if given.
     */
    public static RouteConfig parseRoute(String text, String sourceName, @Nullable String topic) {
        Binder b = new Binder(sourceName, Path.of("").toAbsolutePath(), name -> null);
        Node root = ConfigTree.parseYaml(text, sourceName);
        MapReader m = b.map(root, "", 1);
        RouteConfig route = m == null ? null : bindRoute(b, m, topic);
        return b.result(route);
    }

    /** Parses a list of routes (YAML or JSON array), validated like {@code routes} in the file. */
    public static List<RouteConfig> parseRoutes(String text, String sourceName) {
        Binder b = new Binder(sourceName, Path.of("").toAbsolutePath(), name -> null);
        Node root = ConfigTree.parseYaml(text, sourceName);
        List<RouteConfig> routes = List.of();
        if (root instanceof ConfigTree.ListNode list) {
            routes = bindRoutes(b, list.items(), "routes");
        } else if (root != null) {
            b.problem(root.line(), "routes", null, "expected a list of routes");
        }
        b.throwIfProblems();
        return routes;
    }

    private static @Nullable RosettaConfig bindRoot(Binder b, MapReader top) {
        ListenerConfig listener = bindListener(b, top.map("listener"));
        UpstreamConfig upstream = bindUpstream(b, top);
        RegistryConfig registry = bindRegistry(b, top.map("registry"));
        MapReader tm = top.map("translators");
        TranslatorsConfig translators = TranslatorsConfig.none();
        if (tm != null) {
            translators = new TranslatorsConfig(
                    tm.directory("directory"),
                    tm.integer(
                            "batchCacheBytes",
                            (int) TranslatorsConfig.DEFAULT_BATCH_CACHE_BYTES,
                            0,
                            Integer.MAX_VALUE));
            tm.finish();
        }
        AdminConfig admin = bindAdmin(b, top.map("admin"));
        List<RouteConfig> routes = bindRoutes(b, top.list("routes"), "routes");
        DistributionConfig distribution = bindDistribution(b, top.map("distribution"));
        AuditConfig audit = bindAudit(b, top.map("audit"));
        top.finish();
        if (listener != null
                && admin != null
                && admin.enabled()
                && admin.port() != 0
                && admin.port() == listener.bootstrapPort()
                && admin.bindHost().equals(listener.bindHost())) {
            b.problem(
                    top.lineOf("admin"),
                    "admin.port",
                    String.valueOf(admin.port()),
                    "is also listener.bootstrapPort; choose a different port");
        }
        if (b.hasProblems()) {
            return null;
        }
        return new RosettaConfig(
                bound(listener),
                bound(upstream),
                bound(registry),
                translators,
                bound(admin),
                routes,
                bound(distribution),
                bound(audit));
    }

    private static @Nullable DistributionConfig bindDistribution(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return DistributionConfig.defaults();
        }
        boolean enabled = m.bool("enabled", true);
        String topic = m.string("topic", DistributionConfig.DEFAULT_TOPIC);
        String sidecarId = m.optionalString("sidecarId");
        m.finish();
        String problem = topic == null ? null : RouteConfig.topicProblem(topic);
        if (problem != null) {
            m.invalid("topic", topic, problem);
        }
        if (b.hasProblems()) {
            return null;
        }
        return new DistributionConfig(enabled, topic, sidecarId);
    }

    private static @Nullable AuditConfig bindAudit(Binder b, @Nullable MapReader m) {
        Path defaultFile = b.baseDir.resolve(AuditConfig.DEFAULT_FILE_NAME).normalize();
        if (m == null) {
            return new AuditConfig(defaultFile);
        }
        boolean enabled = m.bool("enabled", true);
        Path file = m.has("file") ? m.outputFile("file") : defaultFile;
        m.finish();
        if (b.hasProblems()) {
            return null;
        }
        return new AuditConfig(enabled ? file : null);
    }

    private static @Nullable ListenerConfig bindListener(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return ListenerConfig.defaults();
        }
        String bindHost = m.string("bindHost", ListenerConfig.DEFAULT_BIND_HOST);
        int bootstrapPort = m.integer("bootstrapPort", ListenerConfig.DEFAULT_BOOTSTRAP_PORT, 0, 65535);
        int brokerPortBase = m.integer("brokerPortBase", ListenerConfig.DEFAULT_BROKER_PORT_BASE, 0, 65535);
        String advertisedHost = m.string("advertisedHost", bindHost);
        int maxFrameBytes = m.integer(
                "maxFrameBytes",
                ListenerConfig.DEFAULT_MAX_FRAME_BYTES,
                ListenerConfig.MIN_FRAME_BYTES,
                Integer.MAX_VALUE);
        ServerTlsConfig tls = bindServerTls(b, m.map("tls"));
        ListenerConfig.FetchCodec fetchCodec =
                m.enumValue("fetchCodec", ListenerConfig.FetchCodec.class, ListenerConfig.FetchCodec.KEEP);
        PrincipalConfig principals = bindPrincipals(b, m.map("principals"));
        Duration idleTimeout =
                m.duration("idleTimeout", ListenerConfig.DEFAULT_IDLE_TIMEOUT, Duration.ZERO, MAX_TIMEOUT);
        m.finish();
        if (bindHost.isBlank()) {
            m.invalid("bindHost", bindHost, "must be a host name or address, e.g. 0.0.0.0 or 127.0.0.1");
        }
        if (advertisedHost.isBlank() || "0.0.0.0".equals(advertisedHost) || "::".equals(advertisedHost)) {
            m.invalid(
                    m.has("advertisedHost") ? "advertisedHost" : "bindHost",
                    advertisedHost,
                    "clients cannot connect to a wildcard address; set listener.advertisedHost to a name clients can reach");
        }
        if (bootstrapPort > 0
                && brokerPortBase > 0
                && bootstrapPort >= brokerPortBase
                && bootstrapPort < brokerPortBase + 1000) {
            m.invalid(
                    "bootstrapPort",
                    String.valueOf(bootstrapPort),
                    "collides with the broker ports (brokerPortBase " + brokerPortBase
                            + " + node id); choose a port outside " + brokerPortBase + ".." + (brokerPortBase + 999));
        }
        if (b.hasProblems()) {
            return null;
        }
        return new ListenerConfig(
                bindHost,
                bootstrapPort,
                brokerPortBase,
                advertisedHost,
                maxFrameBytes,
                tls,
                fetchCodec,
                principals == null ? PrincipalConfig.DEFAULTS : principals,
                idleTimeout);
    }

    private static @Nullable PrincipalConfig bindPrincipals(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return PrincipalConfig.DEFAULTS;
        }
        String claim = m.string("oauthbearerClaim", PrincipalConfig.DEFAULTS.oauthbearerClaim());
        String rules = m.string("tlsMappingRules", PrincipalConfig.DEFAULTS.tlsMappingRules());
        m.finish();
        if (claim.isBlank()) {
            m.invalid("oauthbearerClaim", claim, "must name a JWT claim, e.g. sub");
        }
        try {
            org.apache.kafka.common.security.ssl.SslPrincipalMapper.fromRules(rules);
        } catch (IllegalArgumentException e) {
            m.invalid(
                    "tlsMappingRules",
                    rules,
                    e.getMessage() + " (syntax of Kafka's ssl.principal.mapping.rules, e.g."
                            + " RULE:^CN=([^,]+).*$/$1/L,DEFAULT)");
        }
        if (b.hasProblems()) {
            return null;
        }
        return new PrincipalConfig(claim, rules);
    }

    private static @Nullable ServerTlsConfig bindServerTls(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return null;
        }
        if (!m.has("certificateChain")) {
            m.missing("certificateChain", "a PEM certificate chain file");
        }
        if (!m.has("privateKey")) {
            m.missing("privateKey", "a PEM (PKCS#8) private key file");
        }
        java.nio.file.Path chain = m.file("certificateChain");
        java.nio.file.Path key = m.file("privateKey");
        String password = m.optionalString("privateKeyPassword", true);
        java.nio.file.Path trusted = m.file("trustedCertificates");
        boolean requireClientAuth = m.bool("requireClientAuth", false);
        m.finish();
        if (requireClientAuth && trusted == null && !m.has("trustedCertificates")) {
            m.invalid("requireClientAuth", "true", "needs trustedCertificates (the CA that signs client certificates)");
        }
        if (b.hasProblems()) {
            return null;
        }
        return new ServerTlsConfig(bound(chain), bound(key), password, trusted, requireClientAuth);
    }

    private static @Nullable ClientTlsConfig bindClientTls(Binder b, MapReader parent, String key) {
        Node raw = parent.raw(key);
        if (raw == null) {
            return null;
        }
        if (raw instanceof ConfigTree.ScalarNode) {
            // "tls: true" is shorthand for TLS with the JDK's default trust.
            boolean on = parent.bool(key, false);
            return on ? ClientTlsConfig.defaultTrust() : null;
        }
        MapReader m = parent.map(key);
        if (m == null) {
            return null;
        }
        java.nio.file.Path trusted = m.file("trustedCertificates");
        boolean trustAll = m.bool("insecureTrustAll", false);
        java.nio.file.Path chain = m.file("certificateChain");
        java.nio.file.Path privateKey = m.file("privateKey");
        String password = m.optionalString("privateKeyPassword", true);
        m.finish();
        if (trustAll && m.has("trustedCertificates")) {
            m.invalid("insecureTrustAll", "true", "cannot be combined with trustedCertificates; use one or the other");
        }
        if (m.has("certificateChain") != m.has("privateKey")) {
            String given = m.has("certificateChain") ? "certificateChain" : "privateKey";
            m.invalid(given, null, "certificateChain and privateKey must be given together for a client certificate");
        }
        if (b.hasProblems()) {
            return null;
        }
        return new ClientTlsConfig(trusted, trustAll, chain, privateKey, password);
    }

    private static @Nullable UpstreamConfig bindUpstream(Binder b, MapReader top) {
        MapReader m = top.map("upstream");
        String expected = "a list of host:port (or one comma-separated string), e.g. [kafka-1:9092, kafka-2:9092]";
        if (m == null) {
            if (!top.has("upstream")) {
                b.problem(top.line(), "upstream.bootstrapServers", null, "is required: " + expected);
            }
            return null;
        }
        List<String> servers = new ArrayList<>();
        Node raw = m.raw("bootstrapServers");
        String path = m.path("bootstrapServers");
        if (raw == null) {
            m.missing("bootstrapServers", expected);
        } else if (raw instanceof ConfigTree.ListNode list) {
            boolean itemRefused = false;
            for (int i = 0; i < list.items().size(); i++) {
                Node item = list.items().get(i);
                String itemPath = path + "[" + i + "]";
                if (item instanceof ConfigTree.ScalarNode s && s.text() != null) {
                    String text = b.text(s, itemPath, false);
                    if (text != null) {
                        itemRefused |= !addServers(b, text, item.line(), itemPath, servers);
                    } else {
                        itemRefused = true;
                    }
                } else {
                    b.problem(item.line(), itemPath, null, "expected host:port");
                    itemRefused = true;
                }
            }
            if (list.items().isEmpty()) {
                b.problem(raw.line(), path, "[]", "must not be empty: " + expected);
            } else if (servers.isEmpty() && !itemRefused) {
                // every item blank, e.g. [ ${KAFKA_BOOTSTRAP:-} ] with the variable unset (found by fuzzing: the
                // config record threw IllegalArgumentException instead of this located problem)
                b.problem(raw.line(), path, null, "has no host:port (its items are blank): " + expected);
            }
        } else {
            String text = m.scalar("bootstrapServers", expected, false);
            if (text != null) {
                addServers(b, text, raw.line(), path, servers);
                if (servers.isEmpty()) {
                    b.problem(raw.line(), path, text, "must not be empty: " + expected);
                }
            }
        }
        ClientTlsConfig tls = bindClientTls(b, m, "tls");
        Duration connectTimeout =
                m.duration("connectTimeout", UpstreamConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), MAX_TIMEOUT);
        UpstreamSaslConfig sasl = bindUpstreamSasl(b, m.map("sasl"));
        m.finish();
        if (b.hasProblems()) {
            return null;
        }
        return new UpstreamConfig(servers, tls, connectTimeout, sasl);
    }

    private static @Nullable UpstreamSaslConfig bindUpstreamSasl(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return null;
        }
        String mechanism = m.string("mechanism", "");
        String username = m.string("username", "");
        String password = m.optionalString("password", true);
        java.nio.file.Path passwordFile = m.file("passwordFile");
        m.finish();
        String upper = mechanism.toUpperCase(java.util.Locale.ROOT);
        if (!m.has("mechanism")) {
            m.missing("mechanism", "one of " + UpstreamSaslConfig.MECHANISMS);
        } else if (!UpstreamSaslConfig.MECHANISMS.contains(upper)) {
            m.invalid(
                    "mechanism",
                    mechanism,
                    "Rosetta's own clients support " + UpstreamSaslConfig.MECHANISMS
                            + " (clients' own SASL, any mechanism, passes through unchanged)");
        }
        if (username.isBlank()) {
            m.missing(
                    "username",
                    "the user Rosetta's own clients (dead letters, look-ups, route distribution) log in as");
        }
        if ((password == null) == (passwordFile == null)) {
            m.invalid(
                    password == null ? "password" : "passwordFile",
                    null,
                    "give exactly one of password (e.g. ${KAFKA_PASSWORD}) and passwordFile (a mounted secret)");
        } else if (passwordFile != null) {
            try {
                password = java.nio.file.Files.readString(passwordFile).strip();
            } catch (java.io.IOException e) {
                m.invalid("passwordFile", passwordFile.toString(), "cannot be read: " + e);
            }
        }
        if (b.hasProblems()) {
            return null;
        }
        return new UpstreamSaslConfig(upper, username, bound(password));
    }

    /** A value bound while the binder recorded no problem: binding returns null only with a problem. */
    private static <T> T bound(@Nullable T value) {
        return Objects.requireNonNull(value, "a binding without problems produced no value");
    }

    /** Adds the servers of a comma-separated {@code text}; false when one was refused (a problem is recorded). */
    private static boolean addServers(Binder b, String text, int line, String path, List<String> out) {
        boolean all = true;
        for (String part : text.split(",")) {
            String s = part.trim();
            if (s.isEmpty()) {
                continue;
            }
            String problem = HostPort.problem(s);
            if (problem != null) {
                b.problem(line, path, s, problem);
                all = false;
            } else {
                out.add(s);
            }
        }
        return all;
    }

    private static @Nullable RegistryConfig bindRegistry(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return RegistryConfig.none();
        }
        String url = m.optionalString("url");
        String username = m.optionalString("username");
        String password = m.optionalString("password", true);
        String bearerToken = m.optionalString("bearerToken", true);
        Duration connectTimeout =
                m.duration("connectTimeout", RegistryConfig.DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(1), MAX_TIMEOUT);
        Duration readTimeout =
                m.duration("readTimeout", RegistryConfig.DEFAULT_READ_TIMEOUT, Duration.ofMillis(1), MAX_TIMEOUT);
        ClientTlsConfig tls = bindClientTls(b, m, "tls");
        m.finish();
        if (url != null) {
            url = url.trim();
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme();
                if (scheme == null
                        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                        || uri.getHost() == null) {
                    m.invalid("url", url, "must be an http:// or https:// URL with a host, e.g. http://localhost:8081");
                } else if (tls != null && scheme.equalsIgnoreCase("http")) {
                    m.invalid("tls", null, "is set but url " + url + " is plain http; use https:// or remove tls");
                }
            } catch (URISyntaxException e) {
                m.invalid("url", url, "is not a valid URL: " + e.getReason());
            }
        } else if (username != null || bearerToken != null || tls != null) {
            m.missing("url", "an http:// or https:// URL when credentials or tls are given");
        }
        if ((username == null) != (password == null)) {
            m.invalid(username == null ? "password" : "username", null, "username and password must be given together");
        }
        if (bearerToken != null && username != null) {
            m.invalid("bearerToken", "****", "cannot be combined with username/password; use one");
        }
        if (b.hasProblems()) {
            return null;
        }
        return new RegistryConfig(url, username, password, bearerToken, connectTimeout, readTimeout, tls);
    }

    private static @Nullable AdminConfig bindAdmin(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return AdminConfig.defaults();
        }
        boolean enabled = m.bool("enabled", true);
        String bindHost = m.string("bindHost", ListenerConfig.DEFAULT_BIND_HOST);
        int port = m.integer("port", AdminConfig.DEFAULT_PORT, 0, 65535);
        String bearerToken = m.optionalString("bearerToken", true);
        java.nio.file.Path tokenFile = m.file("bearerTokenFile");
        boolean allowUnauthenticated = m.bool("allowUnauthenticated", false);
        m.finish();
        // "${ROSETTA_ADMIN_TOKEN:-}" with the variable unset means: no authentication.
        if (bearerToken != null && bearerToken.isEmpty()) {
            bearerToken = null;
        } else if (bearerToken != null && bearerToken.isBlank()) {
            m.invalid("bearerToken", "", "must not be blank; leave it empty or remove it to disable authentication");
        }
        if (tokenFile != null) {
            if (bearerToken != null) {
                m.invalid("bearerTokenFile", tokenFile.toString(), "give bearerToken or bearerTokenFile, not both");
            } else {
                try {
                    bearerToken = java.nio.file.Files.readString(tokenFile).strip();
                    if (bearerToken.isEmpty()) {
                        m.invalid("bearerTokenFile", tokenFile.toString(), "is empty; put the token in it");
                    }
                } catch (java.io.IOException e) {
                    m.invalid("bearerTokenFile", tokenFile.toString(), "cannot be read: " + e);
                }
            }
        }
        if (b.hasProblems()) {
            return null;
        }
        AdminConfig admin = new AdminConfig(enabled, bindHost, port, bearerToken, allowUnauthenticated);
        String problem = admin.unauthenticatedProblem();
        if (problem != null) {
            m.invalid("bindHost", bindHost, problem);
            return null;
        }
        return admin;
    }

    static List<RouteConfig> bindRoutes(Binder b, List<Node> items, String path) {
        List<RouteConfig> routes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            MapReader m = b.map(items.get(i), itemPath, items.get(i).line());
            if (m == null) {
                continue;
            }
            RouteConfig route = bindRoute(b, m, null);
            if (route != null) {
                Integer previous = seen.putIfAbsent(route.topic(), i);
                if (previous != null) {
                    m.invalid(
                            "topic",
                            route.topic(),
                            "is already routed by " + path + "[" + previous + "]; one route per topic");
                }
                routes.add(route);
            }
        }
        return routes;
    }

    static @Nullable RouteConfig bindRoute(Binder b, MapReader m, @Nullable String expectedTopic) {
        int before = b.problemCount();
        String topic = m.optionalString("topic");
        if (topic == null) {
            topic = expectedTopic;
        }
        if (topic == null) {
            m.missing("topic", "the Kafka topic this route applies to");
        } else {
            String problem = RouteConfig.topicProblem(topic);
            if (problem != null) {
                m.invalid("topic", topic, problem);
            } else if (expectedTopic != null && !expectedTopic.equals(topic)) {
                m.invalid("topic", topic, "does not match the topic being changed ('" + expectedTopic + "')");
            }
        }
        String valueSubject = m.optionalString("valueSubject");
        String keySubject = m.optionalString("keySubject");
        if (valueSubject != null && valueSubject.isBlank()) {
            m.invalid("valueSubject", valueSubject, "must be a subject name; omit it for <topic>-value");
        }
        if (keySubject != null && keySubject.isBlank()) {
            m.invalid("keySubject", keySubject, "must be a subject name; omit it to leave keys untranslated");
        }
        Map<Integer, Integer> keyVersions = bindKeyVersions(b, m.map("keyVersions"));
        KeyProduce keyProduce = m.enumValue("produceKeys", KeyProduce.class, KeyProduce.KEEP);
        if (keySubject == null && m.has("keyVersions")) {
            m.invalid("keyVersions", null, "only applies with keySubject; set keySubject to translate keys");
        }
        if (keySubject == null && m.has("produceKeys")) {
            m.invalid("produceKeys", null, "only applies with keySubject; set keySubject to translate keys");
        }
        ConsumeConfig consume = bindConsume(b, m.map("consume"));
        ProduceConfig produce = bindProduce(b, m.map("produce"));
        FailurePolicy failure = bindFailure(b, m.map("failure"), topic);
        m.finish();
        if (!m.has("consume") && !m.has("produce")) {
            b.problem(m.line(), m.path, null, "a route needs consume, produce or both; this one has neither");
        }
        KeyRoute keys = null;
        if (keySubject != null && !keySubject.isBlank() && keyVersions != null) {
            keys = new KeyRoute(keySubject, keyVersions, keyProduce == KeyProduce.TRANSLATE);
            String unmapped = b.problemCount() > before ? null : keys.unmappedVersion(consume, produce);
            if (unmapped != null) {
                b.problem(m.lineOf("keyVersions"), m.path("keyVersions"), null, unmapped);
            }
        }
        if (b.problemCount() > before) {
            return null;
        }
        String routed = bound(topic);
        return new RouteConfig(
                routed,
                valueSubject != null ? valueSubject : RouteConfig.defaultValueSubject(routed),
                keys,
                consume,
                produce,
                bound(failure));
    }

    /** What {@code produceKeys} allows: keep the producer's key bytes (default) or rewrite them. */
    private enum KeyProduce {
        KEEP,
        TRANSLATE
    }

    /** {@code keyVersions}: contract version to key version, both >= 1; empty when absent, null on a problem. */
    private static @Nullable Map<Integer, Integer> bindKeyVersions(Binder b, @Nullable MapReader m) {
        Map<Integer, Integer> versions = new java.util.TreeMap<>();
        if (m == null) {
            return versions;
        }
        int before = b.problemCount();
        for (ConfigTree.Entry entry : m.node.entries().values()) {
            String key = entry.key();
            int contract;
            try {
                contract = Integer.parseInt(key.trim());
            } catch (NumberFormatException e) {
                contract = -1;
            }
            int keyVersion = m.integer(key, 1, 1, Integer.MAX_VALUE);
            if (contract < 1) {
                b.problem(
                        entry.keyLine(),
                        m.path(key),
                        key,
                        "keyVersions keys are contract versions (integers >= 1), e.g. '2: 1' = records read or stored as v2 have key v1");
            }
            versions.put(contract, keyVersion);
        }
        m.finish();
        return b.problemCount() > before ? null : versions;
    }

    private static @Nullable ConsumeConfig bindConsume(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return null;
        }
        int before = b.problemCount();
        int version = m.requiredInteger("version", 1, Integer.MAX_VALUE);
        List<ConsumeOverride> overrides = new ArrayList<>();
        List<Node> items = m.list("overrides");
        for (int i = 0; i < items.size(); i++) {
            String itemPath = m.path("overrides") + "[" + i + "]";
            MapReader o = b.map(items.get(i), itemPath, items.get(i).line());
            if (o == null) {
                continue;
            }
            String clientId = o.optionalString("clientId");
            String principal = o.optionalString("principal");
            int v = o.requiredInteger("version", 1, Integer.MAX_VALUE);
            o.finish();
            if (clientId == null && principal == null) {
                b.problem(o.line(), itemPath, null, "an override needs clientId (glob) or principal (glob), or both");
            } else if (clientId != null && clientId.isEmpty() || principal != null && principal.isEmpty()) {
                b.problem(o.line(), itemPath, "", "clientId and principal globs must not be empty");
            } else if (v >= 1) {
                overrides.add(new ConsumeOverride(clientId, principal, v));
            }
        }
        RolloutConfig rollout = bindRollout(b, m.map("rollout"));
        m.finish();
        if (b.problemCount() > before) {
            return null;
        }
        return new ConsumeConfig(version, overrides, rollout);
    }

    private static @Nullable ProduceConfig bindProduce(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return null;
        }
        int before = b.problemCount();
        int version = m.requiredInteger("version", 1, Integer.MAX_VALUE);
        RolloutConfig rollout = bindRollout(b, m.map("rollout"));
        m.finish();
        if (b.problemCount() > before) {
            return null;
        }
        return new ProduceConfig(version, rollout);
    }

    private static @Nullable RolloutConfig bindRollout(Binder b, @Nullable MapReader m) {
        if (m == null) {
            return null;
        }
        int before = b.problemCount();
        int version = m.requiredInteger("version", 1, Integer.MAX_VALUE);
        double percent = m.percent("percent");
        m.finish();
        if (b.problemCount() > before) {
            return null;
        }
        return new RolloutConfig(version, percent);
    }

    private static @Nullable FailurePolicy bindFailure(Binder b, @Nullable MapReader m, @Nullable String topic) {
        if (m == null) {
            return FailurePolicy.DEFAULT;
        }
        int before = b.problemCount();
        FailureMode mode = m.enumValue("mode", FailureMode.class, FailureMode.PASS_THROUGH);
        String header = m.string("header", FailurePolicy.DEFAULT_HEADER);
        String deadLetterTopic = m.optionalString("deadLetterTopic");
        m.finish();
        if (header.isBlank()) {
            m.invalid("header", header, "must be a header name; omit it for " + FailurePolicy.DEFAULT_HEADER);
        }
        if (mode == FailureMode.DEAD_LETTER && deadLetterTopic == null) {
            m.missing("deadLetterTopic", "the topic that receives records that fail translation (mode DEAD_LETTER)");
        }
        if (mode != FailureMode.DEAD_LETTER && deadLetterTopic != null) {
            m.invalid("deadLetterTopic", deadLetterTopic, "is only used with mode DEAD_LETTER (mode is " + mode + ")");
        }
        if (deadLetterTopic != null) {
            String problem = RouteConfig.topicProblem(deadLetterTopic);
            if (problem != null) {
                m.invalid("deadLetterTopic", deadLetterTopic, problem);
            } else if (deadLetterTopic.equals(topic)) {
                m.invalid("deadLetterTopic", deadLetterTopic, "must differ from the routed topic");
            }
        }
        if (b.problemCount() > before) {
            return null;
        }
        return new FailurePolicy(mode, header, deadLetterTopic);
    }
}
