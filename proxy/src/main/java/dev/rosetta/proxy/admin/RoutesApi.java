package dev.rosetta.proxy.admin;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteJson;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.proxy.translate.OverrideMatches;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The {@code /routes} resource: reads come from the store, changes go through
 * {@link RouteChanges#submit} and are answered when they took effect. Never throws and never
 * blocks: every outcome is a (possibly pending) {@link ApiResponse}.
 */
final class RoutesApi {
    private static final Logger LOG = LoggerFactory.getLogger(RoutesApi.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final String ACTOR_HEADER = "X-Rosetta-Actor";
    static final String REASON_HEADER = "X-Rosetta-Reason";
    static final String REVISION_HEADER = "X-Rosetta-Revision";
    static final String DEFAULT_ACTOR = "admin-api";

    private final RouteChanges changes;
    private final Duration changeTimeout;

    private final io.micrometer.core.instrument.MeterRegistry meters;

    RoutesApi(RouteChanges changes, Duration changeTimeout, io.micrometer.core.instrument.MeterRegistry meters) {
        this.changes = changes;
        this.changeTimeout = changeTimeout;
        this.meters = meters;
    }

    private RouteStore store() {
        return changes.store();
    }

    CompletableFuture<ApiResponse> handle(HttpMethod method, String path, HttpHeaders headers, String body) {
        try {
            return route(method, path, headers, body);
        } catch (RuntimeException e) {
            LOG.warn("admin API {} {} failed", method, path, e);
            return done(
                    ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, method + " " + path + " failed: " + e));
        }
    }

    private CompletableFuture<ApiResponse> route(HttpMethod method, String path, HttpHeaders headers, String body) {
        if (path.equals("/routes") || path.equals("/routes/")) {
            if (!HttpMethod.GET.equals(method)) {
                return done(notAllowed(method, path, "GET"));
            }
            return done(listRoutes());
        }
        String[] parts = path.substring("/routes/".length()).split("/", -1);
        String topic = parts[0]; // already %-decoded, with the rest of the path
        if (topic.isEmpty() || parts.length > 2) {
            return done(ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no such path: " + path));
        }
        String actor = actor(headers);
        if (parts.length == 1) {
            if (HttpMethod.GET.equals(method)) {
                return done(showRoute(topic));
            }
            if (HttpMethod.PUT.equals(method)) {
                return putRoute(topic, body, actor, headers);
            }
            if (HttpMethod.DELETE.equals(method)) {
                return deleteRoute(topic, body, actor, headers);
            }
            return done(notAllowed(method, path, "GET, PUT, DELETE"));
        }
        return switch (parts[1]) {
            case "rollout" ->
                HttpMethod.POST.equals(method)
                        ? rollout(topic, body, actor, headers)
                        : done(notAllowed(method, path, "POST"));
            case "rollback" ->
                HttpMethod.POST.equals(method)
                        ? rollback(topic, body, actor, headers)
                        : done(notAllowed(method, path, "POST"));
            case "history" ->
                HttpMethod.GET.equals(method) ? done(history(topic)) : done(notAllowed(method, path, "GET"));
            case "overrides" ->
                HttpMethod.GET.equals(method) ? done(overrides(topic)) : done(notAllowed(method, path, "GET"));
            default ->
                done(ApiResponse.error(
                        HttpResponseStatus.NOT_FOUND,
                        "no such path: " + path
                                + "; under /routes/{topic} there are /rollout, /rollback, /history and /overrides"));
        };
    }

    // --- reads

    private ApiResponse listRoutes() {
        RouteRevision current = store().current();
        ObjectNode n = revisionSummary(current);
        n.set("routes", RouteJson.toJson(current.table().routes()));
        return ApiResponse.json(HttpResponseStatus.OK, n).withHeader(REVISION_HEADER, String.valueOf(current.number()));
    }

    private ApiResponse showRoute(String topic) {
        RouteRevision current = store().current();
        RouteConfig route = current.table().route(topic);
        if (route == null) {
            return noRoute(topic);
        }
        // The bare route, so that what GET shows can be PUT back; the revision goes in a header.
        return ApiResponse.json(HttpResponseStatus.OK, RouteJson.toJson(route))
                .withHeader(REVISION_HEADER, String.valueOf(current.number()));
    }

    /** The route's consume overrides, each with how many connections on this sidecar matched it. */
    private ApiResponse overrides(String topic) {
        RouteConfig route = store().table().route(topic);
        if (route == null) {
            return noRoute(topic);
        }
        ObjectNode n = NODES.objectNode();
        n.put("topic", topic);
        ArrayNode list = n.putArray("overrides");
        if (route.consume() != null) {
            for (RouteConfig.ConsumeOverride o : route.consume().overrides()) {
                ObjectNode entry = list.addObject();
                if (o.clientId() != null) {
                    entry.put("clientId", o.clientId());
                }
                if (o.principal() != null) {
                    entry.put("principal", o.principal());
                }
                entry.put("version", o.version());
                entry.put("matchedConnections", OverrideMatches.connections(meters, topic, o));
            }
        }
        return ApiResponse.json(HttpResponseStatus.OK, n);
    }

    private ApiResponse history(String topic) {
        List<RouteRevision> revisions = store().history(topic);
        if (revisions.isEmpty() && store().table().route(topic) == null) {
            return noRoute(topic);
        }
        ObjectNode n = NODES.objectNode();
        n.put("topic", topic);
        ArrayNode list = n.putArray("revisions");
        for (RouteRevision r : revisions) {
            ObjectNode entry = revisionSummary(r);
            RouteConfig route = r.table().route(topic);
            entry.set("route", route == null ? NODES.nullNode() : RouteJson.toJson(route));
            list.add(entry);
        }
        return ApiResponse.json(HttpResponseStatus.OK, n);
    }

    // --- changes

    private CompletableFuture<ApiResponse> putRoute(String topic, String body, String actor, HttpHeaders headers) {
        String source = "PUT /routes/" + topic;
        if (body.isBlank()) {
            return done(badRequest(
                    source,
                    "",
                    "the request body must be the route (JSON or YAML), e.g. " + "{\"consume\": {\"version\": 2}}"));
        }
        String reason = headers.get(REASON_HEADER);
        String routeText = body;
        // A "reason" next to the route's own keys is the change's reason, not part of the route.
        JsonNode json = tryJson(body);
        if (json instanceof ObjectNode o && o.has("reason")) {
            reason = o.get("reason").asText();
            ObjectNode copy = o.deepCopy();
            copy.remove("reason");
            routeText = copy.toPrettyString();
        }
        RouteConfig route;
        try {
            route = ConfigLoader.parseRoute(routeText, source, topic);
        } catch (ConfigException e) {
            return done(invalid(e));
        }
        return submit(new RouteChange.Put(route, actor, reason), topic);
    }

    private CompletableFuture<ApiResponse> deleteRoute(String topic, String body, String actor, HttpHeaders headers) {
        if (store().table().route(topic) == null) {
            return done(noRoute(topic));
        }
        Fields f = Fields.parse(body, "DELETE /routes/" + topic, Set.of("reason"));
        if (f.error() != null) {
            return done(f.error());
        }
        return submit(new RouteChange.Remove(topic, actor, f.reason(headers)), topic);
    }

    private CompletableFuture<ApiResponse> rollout(String topic, String body, String actor, HttpHeaders headers) {
        String source = "POST /routes/" + topic + "/rollout";
        if (store().table().route(topic) == null) {
            return done(noRoute(topic));
        }
        Fields f = Fields.parse(body, source, Set.of("side", "version", "percent", "reason"));
        if (f.error() != null) {
            return done(f.error());
        }
        List<ConfigException.Problem> problems = new ArrayList<>();
        RouteChange.Side side = null;
        JsonNode s = f.node().get("side");
        if (s == null || s.isNull()) {
            problems.add(problem(source, "side", null, "is required: consume or produce"));
        } else {
            switch (s.asText().toLowerCase(Locale.ROOT)) {
                case "consume" -> side = RouteChange.Side.CONSUME;
                case "produce" -> side = RouteChange.Side.PRODUCE;
                default -> problems.add(problem(source, "side", s.asText(), "must be consume or produce"));
            }
        }
        int version = 0;
        JsonNode v = f.node().get("version");
        if (v == null || v.isNull()) {
            problems.add(problem(source, "version", null, "is required: the schema version to roll out (>= 1)"));
        } else {
            if (v.isIntegralNumber() && v.canConvertToInt()) {
                version = v.intValue();
            } else if (v.isTextual() && v.asText().strip().matches("\\d{1,9}")) {
                version = Integer.parseInt(v.asText().strip());
            }
            if (version < 1) {
                problems.add(problem(source, "version", v.asText(), "must be a schema version, an integer >= 1"));
            }
        }
        double percent = 0;
        JsonNode p = f.node().get("percent");
        String percentRule = "must be a percentage from 0 to 100 with at most 3 decimals (e.g. 5, 12.5, 0.125)";
        if (p == null || p.isNull()) {
            problems.add(
                    problem(source, "percent", null, "is required: " + percentRule.substring("must be ".length())));
        } else {
            try {
                String text = p.isNumber()
                        ? p.decimalValue().toPlainString()
                        : p.asText().trim();
                BigDecimal d = new BigDecimal(
                        text.endsWith("%")
                                ? text.substring(0, text.length() - 1).trim()
                                : text);
                if (d.signum() < 0
                        || d.compareTo(BigDecimal.valueOf(100)) > 0
                        || d.stripTrailingZeros().scale() > 3) {
                    problems.add(problem(source, "percent", p.asText(), percentRule));
                } else {
                    percent = d.doubleValue();
                }
            } catch (NumberFormatException e) {
                problems.add(problem(source, "percent", p.asText(), percentRule));
            }
        }
        if (!problems.isEmpty()) {
            return done(invalid(new ConfigException(problems)));
        }
        // no problems: side was given
        return submit(
                new RouteChange.Rollout(
                        topic, Objects.requireNonNull(side, "side"), version, percent, actor, f.reason(headers)),
                topic);
    }

    private CompletableFuture<ApiResponse> rollback(String topic, String body, String actor, HttpHeaders headers) {
        Fields f = Fields.parse(body, "POST /routes/" + topic + "/rollback", Set.of("reason"));
        if (f.error() != null) {
            return done(f.error());
        }
        if (store().table().route(topic) == null && store().history(topic).isEmpty()) {
            return done(noRoute(topic));
        }
        return submit(new RouteChange.Rollback(topic, actor, f.reason(headers)), topic);
    }

    private CompletableFuture<ApiResponse> submit(RouteChange change, String topic) {
        CompletableFuture<RouteRevision> submitted;
        try {
            // A copy, so our timeout does not complete the submitter's own future.
            submitted = changes.submit(change).copy();
        } catch (RuntimeException e) {
            submitted = CompletableFuture.failedFuture(e);
        }
        long before = store().current().number();
        return submitted
                .orTimeout(changeTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((revision, error) -> error == null ? changed(revision, topic, before) : failed(change, error));
    }

    private ApiResponse changed(RouteRevision revision, String topic, long before) {
        ObjectNode n = revisionSummary(revision);
        n.put("applied", revision.number() > before || revision.changed(topic));
        RouteConfig route = revision.table().route(topic);
        n.set("route", route == null ? NODES.nullNode() : RouteJson.toJson(route));
        return ApiResponse.json(HttpResponseStatus.OK, n)
                .withHeader(REVISION_HEADER, String.valueOf(revision.number()));
    }

    private ApiResponse failed(RouteChange change, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConfigException e) {
            return invalid(e);
        }
        if (cause instanceof TimeoutException) {
            return ApiResponse.error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    change.describe() + " was not confirmed within "
                            + changeTimeout.toSeconds()
                            + "s (route distribution may be slow or the upstream cluster unreachable);"
                            + " it may still take effect: check GET /routes before retrying");
        }
        LOG.warn("admin API: {} failed: {}", change.describe(), cause.toString());
        return ApiResponse.error(
                HttpResponseStatus.SERVICE_UNAVAILABLE,
                change.describe() + " could not be applied: "
                        + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
    }

    // --- helpers

    private static ObjectNode revisionSummary(RouteRevision r) {
        ObjectNode n = NODES.objectNode();
        n.put("revision", r.number());
        n.put("time", r.time().toString());
        n.put("actor", r.actor());
        n.put("reason", r.reason());
        n.put("description", r.change().describe());
        ArrayNode changed = n.putArray("changed");
        r.changed().forEach(changed::add);
        return n;
    }

    private static String actor(HttpHeaders headers) {
        String actor = headers.get(ACTOR_HEADER);
        if (actor == null || actor.isBlank()) {
            return DEFAULT_ACTOR;
        }
        actor = actor.strip();
        return actor.length() > 200 ? actor.substring(0, 200) : actor;
    }

    private static ApiResponse noRoute(String topic) {
        ObjectNode n =
                ApiResponse.errorBody("topic '" + topic + "' has no route; PUT /routes/" + topic + " creates one");
        n.put("topic", topic);
        return ApiResponse.json(HttpResponseStatus.NOT_FOUND, n);
    }

    private static ApiResponse notAllowed(HttpMethod method, String path, String allowed) {
        return ApiResponse.error(
                        HttpResponseStatus.METHOD_NOT_ALLOWED,
                        method + " " + path + " is not supported; use " + allowed)
                .withHeader("Allow", allowed);
    }

    private static ConfigException.Problem problem(String source, String path, @Nullable String value, String reason) {
        return new ConfigException.Problem(source, 0, path, value, reason);
    }

    private static ApiResponse badRequest(String source, String path, String reason) {
        return invalid(new ConfigException(List.of(problem(source, path, null, reason))));
    }

    /** 400 with {@code error} (the whole message) and {@code problems} (one object per mistake). */
    static ApiResponse invalid(ConfigException e) {
        ObjectNode n =
                ApiResponse.errorBody(Objects.requireNonNullElse(e.getMessage(), "invalid")); // set from the problems
        ArrayNode problems = n.putArray("problems");
        for (ConfigException.Problem p : e.problems()) {
            ObjectNode o = problems.addObject();
            o.put("path", p.path());
            if (p.value() != null) {
                o.put("value", p.value());
            }
            o.put("reason", p.reason());
            if (p.line() > 0) {
                o.put("line", p.line());
            }
            o.put("message", p.describe());
        }
        return ApiResponse.json(HttpResponseStatus.BAD_REQUEST, n);
    }

    private static @Nullable JsonNode tryJson(String body) {
        try {
            return RouteJson.read(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /** A JSON object body (empty allowed) with only known fields; or, when {@code error} is set, an empty node. */
    private record Fields(ObjectNode node, @Nullable ApiResponse error) {

        static Fields parse(String body, String source, Set<String> allowed) {
            if (body.isBlank()) {
                return new Fields(NODES.objectNode(), null);
            }
            JsonNode n;
            try {
                n = RouteJson.read(body);
            } catch (IllegalArgumentException e) {
                return new Fields(
                        NODES.objectNode(), badRequest(source, "", "the body is not JSON: " + e.getMessage()));
            }
            if (!(n instanceof ObjectNode o)) {
                return new Fields(
                        NODES.objectNode(),
                        badRequest(
                                source,
                                "",
                                "the body must be a JSON object with "
                                        + String.join(
                                                ", ", allowed.stream().sorted().toList())));
            }
            List<ConfigException.Problem> problems = new ArrayList<>();
            o.fieldNames().forEachRemaining(name -> {
                if (!allowed.contains(name)) {
                    problems.add(problem(
                            source,
                            name,
                            null,
                            "is not a known field; allowed: "
                                    + String.join(
                                            ", ", allowed.stream().sorted().toList())));
                }
            });
            return problems.isEmpty()
                    ? new Fields(o, null)
                    : new Fields(NODES.objectNode(), invalid(new ConfigException(problems)));
        }

        String reason(HttpHeaders headers) {
            JsonNode r = node.get("reason");
            return r != null && !r.isNull() ? r.asText() : headers.get(REASON_HEADER);
        }
    }
}
