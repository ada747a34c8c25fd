package dev.rosetta.config.distribution;

import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteJson;
import dev.rosetta.config.routing.RouteTable;

/**
 * The value of one record on the routes topic, the envelope of a route change between sidecars:
 * <pre>{@code {"changeId": ..., "origin": ..., "time": ..., "basedOn": n, ["reassert": true,] "change": {...}, "routes": [...]}}</pre>
 * {@code change} and {@code routes} are in {@link RouteJson}'s format.
 *
 * <p>The field names and order are a protocol between sidecars of different versions: a sidecar
 * reads records written by older and newer ones, so fields are only ever added, unknown fields are
 * ignored, and {@code reassert} is written only when true, as it always was. Absent text fields
 * read as empty, an absent {@code basedOn} as 0.
 *
 * @param changeId  the submitter's id for the change, which its pending future waits on
 * @param origin    the submitting sidecar's id
 * @param time      when the change was submitted (ISO-8601 instant)
 * @param basedOn   the revision the submitter computed {@code routes} from
 * @param reassert  true for a re-published merged state rather than a new change
 * @param change    the change, as {@link RouteJson#toJson(RouteChange)} writes it
 * @param routes    the full routes after the change, as {@link RouteJson#toJson(java.util.List)} writes them
 */
@JsonPropertyOrder({"changeId", "origin", "time", "basedOn", "reassert", "change", "routes"})
@JsonIgnoreProperties(ignoreUnknown = true)
record RouteRecord(
        String changeId,
        String origin,
        String time,
        long basedOn,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean reassert,
        JsonNode change,
        JsonNode routes) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    RouteRecord {
        // Never null: changeId is a key of a ConcurrentHashMap, and older records were read with path().asText().
        changeId = changeId == null ? "" : changeId;
        origin = origin == null ? "" : origin;
        time = time == null ? "" : time;
    }

    static RouteRecord of(
            String changeId,
            String origin,
            Instant time,
            long basedOn,
            boolean reassert,
            RouteChange change,
            RouteTable routes) {
        return new RouteRecord(
                changeId,
                origin,
                time.toString(),
                basedOn,
                reassert,
                RouteJson.toJson(change),
                RouteJson.toJson(routes.routes()));
    }

    /** Parses a record value; a value that is not such a JSON object raises IllegalArgumentException. */
    static RouteRecord read(String value) {
        try {
            return MAPPER.readValue(value, RouteRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a route record: " + e.getOriginalMessage(), e);
        }
    }

    /** The record value to publish. */
    String write() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The change; IllegalArgumentException (or another RuntimeException) when it is missing or invalid. */
    RouteChange routeChange() {
        return RouteJson.change(change);
    }

    /** The routes the submitter stated; a RuntimeException when they are missing or invalid. */
    RouteTable routeTable() {
        return RouteTable.of(RouteJson.routes(routes));
    }

    /** The submission time, or now when the record has none or an unreadable one. */
    Instant timeOrNow() {
        try {
            return Instant.parse(time);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }
}
