package dev.rosetta.config.routing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;

/**
 * JSON for routes, changes and revisions, in the same shape as the YAML file (keys are record
 * component names), so what {@code GET /routes/{topic}} shows can be {@code PUT} back and
 * {@link dev.rosetta.config.ConfigLoader#parseRoute} reads it. Used by the audit log, the
 * routes topic and the admin API. Stateless and thread-safe.
 */
public final class RouteJson {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RouteJson() {}

    /** A route as a JSON object. */
    public static ObjectNode toJson(RouteConfig r) {
        ObjectNode n = NODES.objectNode();
        n.put("topic", r.topic());
        n.put("valueSubject", r.valueSubject());
        if (r.keys() != null) {
            n.put("keySubject", r.keys().subject());
            if (!r.keys().versions().isEmpty()) {
                ObjectNode kv = n.putObject("keyVersions");
                r.keys().versions().forEach((contract, key) -> kv.put(String.valueOf(contract), key));
            }
            n.put("produceKeys", r.keys().translateOnProduce() ? "TRANSLATE" : "KEEP");
        }
        if (r.consume() != null) {
            ObjectNode c = n.putObject("consume");
            c.put("version", r.consume().version());
            if (!r.consume().overrides().isEmpty()) {
                ArrayNode overrides = c.putArray("overrides");
                for (ConsumeOverride o : r.consume().overrides()) {
                    ObjectNode on = overrides.addObject();
                    if (o.clientId() != null) {
                        on.put("clientId", o.clientId());
                    }
                    if (o.principal() != null) {
                        on.put("principal", o.principal());
                    }
                    on.put("version", o.version());
                }
            }
            putRollout(c, r.consume().rollout());
        }
        if (r.produce() != null) {
            ObjectNode p = n.putObject("produce");
            p.put("version", r.produce().version());
            putRollout(p, r.produce().rollout());
        }
        ObjectNode f = n.putObject("failure");
        f.put("mode", r.failure().mode().name());
        f.put("header", r.failure().header());
        if (r.failure().deadLetterTopic() != null) {
            f.put("deadLetterTopic", r.failure().deadLetterTopic());
        }
        return n;
    }

    private static void putRollout(ObjectNode side, @Nullable RolloutConfig rollout) {
        if (rollout != null) {
            ObjectNode ro = side.putObject("rollout");
            ro.put("version", rollout.version());
            ro.put("percent", BigDecimal.valueOf(rollout.percent()).stripTrailingZeros());
        }
    }

    public static ArrayNode toJson(List<RouteConfig> routes) {
        ArrayNode a = NODES.arrayNode();
        routes.forEach(r -> a.add(toJson(r)));
        return a;
    }

    /** A route from JSON written by {@link #toJson(RouteConfig)}; invalid input raises IllegalArgumentException. */
    public static RouteConfig route(JsonNode n) {
        ConsumeConfig consume = null;
        JsonNode c = n.get("consume");
        if (c != null && !c.isNull()) {
            List<ConsumeOverride> overrides = new ArrayList<>();
            for (JsonNode o : iterable(c.get("overrides"))) {
                overrides.add(new ConsumeOverride(
                        text(o, "clientId"),
                        text(o, "principal"),
                        o.path("version").asInt()));
            }
            consume = new ConsumeConfig(c.path("version").asInt(), overrides, rollout(c.get("rollout")));
        }
        ProduceConfig produce = null;
        JsonNode p = n.get("produce");
        if (p != null && !p.isNull()) {
            produce = new ProduceConfig(p.path("version").asInt(), rollout(p.get("rollout")));
        }
        FailurePolicy failure = FailurePolicy.DEFAULT;
        JsonNode f = n.get("failure");
        if (f != null && !f.isNull()) {
            failure = new FailurePolicy(
                    FailureMode.valueOf(f.path("mode").asText("PASS_THROUGH")),
                    f.path("header").asText(FailurePolicy.DEFAULT_HEADER),
                    text(f, "deadLetterTopic"));
        }
        RouteConfig.KeyRoute keys = null;
        String keySubject = text(n, "keySubject");
        if (keySubject != null) {
            java.util.Map<Integer, Integer> versions = new java.util.TreeMap<>();
            JsonNode kv = n.get("keyVersions");
            if (kv != null && kv.isObject()) {
                for (var it = kv.fields(); it.hasNext(); ) {
                    var e = it.next();
                    int contract;
                    try {
                        contract = Integer.parseInt(e.getKey());
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException(
                                "keyVersions keys are contract versions (integers), got '" + e.getKey() + "'");
                    }
                    if (!e.getValue().canConvertToInt()) {
                        throw new IllegalArgumentException(
                                "keyVersions." + e.getKey() + " must be a key schema version, got " + e.getValue());
                    }
                    versions.put(contract, e.getValue().intValue());
                }
            } else if (kv != null && !kv.isNull()) {
                throw new IllegalArgumentException(
                        "keyVersions must be an object of contract version to key version, got " + kv);
            }
            String produceKeys = n.path("produceKeys").asText("KEEP").toUpperCase(java.util.Locale.ROOT);
            if (!produceKeys.equals("KEEP") && !produceKeys.equals("TRANSLATE")) {
                throw new IllegalArgumentException("produceKeys must be KEEP or TRANSLATE, got '" + produceKeys + "'");
            }
            keys = new RouteConfig.KeyRoute(keySubject, versions, produceKeys.equals("TRANSLATE"));
        }
        String topic = requiredText(n, "topic");
        String valueSubject = text(n, "valueSubject");
        return new RouteConfig(
                topic,
                valueSubject != null ? valueSubject : RouteConfig.defaultValueSubject(topic),
                keys,
                consume,
                produce,
                failure);
    }

    public static List<RouteConfig> routes(JsonNode array) {
        List<RouteConfig> routes = new ArrayList<>();
        for (JsonNode n : iterable(array)) {
            routes.add(route(n));
        }
        return routes;
    }

    private static @Nullable RolloutConfig rollout(@Nullable JsonNode r) {
        return r == null || r.isNull()
                ? null
                : new RolloutConfig(r.path("version").asInt(), r.path("percent").asDouble());
    }

    /** A change as JSON: {@code {"kind": "rollout", "actor": ..., "reason": ..., ...}}. */
    public static ObjectNode toJson(RouteChange change) {
        ObjectNode n = NODES.objectNode();
        if (change instanceof RouteChange.Put p) {
            n.put("kind", "put");
            n.set("route", toJson(p.route()));
        } else if (change instanceof RouteChange.Remove r) {
            n.put("kind", "remove");
            n.put("topic", r.topic());
        } else if (change instanceof RouteChange.ReplaceAll all) {
            n.put("kind", "replaceAll");
            n.set("routes", toJson(all.routes()));
        } else if (change instanceof RouteChange.Rollout r) {
            n.put("kind", "rollout");
            n.put("topic", r.topic());
            n.put("side", r.side().name());
            n.put("version", r.version());
            n.put("percent", BigDecimal.valueOf(r.percent()).stripTrailingZeros());
        } else if (change instanceof RouteChange.Rollback r) {
            n.put("kind", "rollback");
            n.put("topic", r.topic());
        } else if (change instanceof RouteChange.Restore r) {
            n.put("kind", "restore");
            n.put("topic", r.topic());
            n.put("restores", r.restores());
            n.set("routes", toJson(r.routes()));
        }
        n.put("actor", change.actor());
        n.put("reason", change.reason());
        return n;
    }

    public static RouteChange change(JsonNode n) {
        String actor = n.path("actor").asText(""); // a blank actor reads as "unknown"
        String reason = n.path("reason").asText("");
        String kind = n.path("kind").asText();
        return switch (kind) {
            case "put" -> new RouteChange.Put(route(n.get("route")), actor, reason);
            case "remove" -> new RouteChange.Remove(requiredText(n, "topic"), actor, reason);
            case "replaceAll" -> new RouteChange.ReplaceAll(routes(n.get("routes")), actor, reason);
            case "rollout" ->
                new RouteChange.Rollout(
                        requiredText(n, "topic"),
                        RouteChange.Side.valueOf(n.path("side").asText().toUpperCase(Locale.ROOT)),
                        n.path("version").asInt(),
                        n.path("percent").asDouble(),
                        actor,
                        reason);
            case "rollback" -> new RouteChange.Rollback(text(n, "topic"), actor, reason);
            case "restore" ->
                new RouteChange.Restore(
                        text(n, "topic"),
                        routes(n.get("routes")),
                        n.path("restores").asLong(),
                        actor,
                        reason);
            default -> throw new IllegalArgumentException("unknown change kind '" + kind + "'");
        };
    }

    /** A revision as JSON: number, time, actor, reason, change, changed topics and every route. */
    public static ObjectNode toJson(RouteRevision revision) {
        ObjectNode n = NODES.objectNode();
        n.put("revision", revision.number());
        n.put("time", revision.time().toString());
        n.put("actor", revision.actor());
        n.put("reason", revision.reason());
        n.put("description", revision.change().describe());
        n.set("change", toJson(revision.change()));
        ArrayNode changed = n.putArray("changed");
        revision.changed().forEach(changed::add);
        n.set("routes", toJson(revision.table().routes()));
        return n;
    }

    /** A revision from {@link #toJson(RouteRevision)}. */
    public static RouteRevision revision(JsonNode n) {
        List<String> changed = new ArrayList<>();
        for (JsonNode t : iterable(n.get("changed"))) {
            changed.add(t.asText());
        }
        return new RouteRevision(
                n.path("revision").asLong(),
                Instant.parse(n.path("time").asText()),
                change(n.get("change")),
                changed,
                RouteTable.of(routes(n.get("routes"))));
    }

    /** Compact one-line JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses JSON text; malformed text raises IllegalArgumentException. */
    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String requiredText(JsonNode n, String field) {
        String text = text(n, field);
        if (text == null) {
            throw new IllegalArgumentException("'" + field + "' is missing in " + n);
        }
        return text;
    }

    private static @Nullable String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Iterable<JsonNode> iterable(JsonNode n) {
        return n == null || n.isNull() ? List.of() : n;
    }
}
