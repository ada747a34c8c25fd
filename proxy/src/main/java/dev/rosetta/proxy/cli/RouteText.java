package dev.rosetta.proxy.cli;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;

/** Human-readable one-liners for routes and revisions as the admin API returns them. */
final class RouteText {

    private RouteText() {}

    /** e.g. {@code v1, v2 for 12.5% of records, 3 overrides}, or {@code -} when the side is absent. */
    static String side(JsonNode side) {
        if (side == null || side.isNull() || side.isMissingNode()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder("v").append(side.path("version").asText());
        JsonNode rollout = side.get("rollout");
        if (rollout != null && !rollout.isNull()) {
            sb.append(", v")
                    .append(rollout.path("version").asText())
                    .append(" for ")
                    .append(rollout.path("percent").asText())
                    .append("% of records");
        }
        JsonNode overrides = side.get("overrides");
        if (overrides != null && overrides.size() > 0) {
            sb.append(", ").append(overrides.size()).append(overrides.size() == 1 ? " override" : " overrides");
        }
        return sb.toString();
    }

    static String failure(JsonNode failure) {
        if (failure == null || failure.isNull()) {
            return "PASS_THROUGH";
        }
        String mode = failure.path("mode").asText("PASS_THROUGH");
        return failure.hasNonNull("deadLetterTopic")
                ? mode + " -> " + failure.get("deadLetterTopic").asText()
                : mode;
    }

    /** Every detail of one route, indented, for {@code rosetta routes TOPIC}. */
    static String details(JsonNode route, @Nullable String revision) {
        return details(route, revision, null);
    }

    /** @param overrides the answer of {@code GET /routes/{topic}/overrides} (connections each matched), or null */
    static String details(JsonNode route, @Nullable String revision, @Nullable JsonNode overrides) {
        StringBuilder sb = new StringBuilder();
        sb.append(route.path("topic").asText());
        if (revision != null) {
            sb.append(" (routes revision ").append(revision).append(')');
        }
        sb.append('\n');
        sb.append("  value subject: ")
                .append(route.path("valueSubject").asText())
                .append('\n');
        if (route.hasNonNull("keySubject")) {
            sb.append("  key subject:   ").append(route.get("keySubject").asText());
            JsonNode keyVersions = route.path("keyVersions");
            if (keyVersions.isObject() && !keyVersions.isEmpty()) {
                StringBuilder map = new StringBuilder();
                keyVersions
                        .fields()
                        .forEachRemaining(e -> map.append(map.length() == 0 ? "" : ", ")
                                .append('v')
                                .append(e.getKey())
                                .append(" -> key v")
                                .append(e.getValue().asText()));
                sb.append(" (").append(map).append(')');
            } else {
                sb.append(" (same version numbers as values)");
            }
            sb.append(", produced keys: ")
                    .append("TRANSLATE".equals(route.path("produceKeys").asText()) ? "translated" : "kept")
                    .append('\n');
        }
        sb.append("  consume:       ").append(side(route.get("consume"))).append('\n');
        int index = 0;
        for (JsonNode o : route.path("consume").path("overrides")) {
            JsonNode matched = overrides == null
                    ? null
                    : overrides.path("overrides").path(index).get("matchedConnections");
            index++;
            sb.append("    ");
            if (o.hasNonNull("clientId")) {
                sb.append("clientId ").append(o.get("clientId").asText()).append(' ');
            }
            if (o.hasNonNull("principal")) {
                sb.append("principal ").append(o.get("principal").asText()).append(' ');
            }
            sb.append("-> v").append(o.path("version").asText());
            if (matched != null) {
                long n = matched.asLong();
                sb.append("   (matched ").append(n).append(n == 1 ? " connection" : " connections");
                sb.append(" on this sidecar)");
            }
            sb.append('\n');
        }
        sb.append("  produce:       ").append(side(route.get("produce"))).append('\n');
        sb.append("  on failure:    ").append(failure(route.get("failure")));
        if (route.path("failure").hasNonNull("header")) {
            sb.append(" (header ")
                    .append(route.path("failure").get("header").asText())
                    .append(')');
        }
        return sb.append('\n').toString();
    }

    /** {@code revision 7 by alice at 2024-...: rollout orders consume v2 at 25% (reason)} */
    static String revision(JsonNode r) {
        StringBuilder sb = new StringBuilder("revision ")
                .append(r.path("revision").asText())
                .append(" by ")
                .append(r.path("actor").asText())
                .append(" at ")
                .append(r.path("time").asText())
                .append(": ")
                .append(r.path("description").asText());
        String reason = r.path("reason").asText("");
        if (!reason.isEmpty()) {
            sb.append(" (").append(reason).append(')');
        }
        return sb.toString();
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
