package dev.rosetta.benchmarks.soak;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Changes the soak topic's route through Rosetta's admin API the way an operator ramps a new
 * contract version and takes it back: a fixed cycle of rollouts (produce side: records stored as
 * v2 for a share of keys; consume side: readers without an override get v2 for a share of
 * records), then as many rollbacks, which walk the route's history back to where the cycle
 * started. One step per call to {@link #step}; every change is recorded as an {@link Event}.
 */
final class RouteOperator {
    /** One step of the cycle: a rollout (side, percent of v2) or a rollback. */
    record Step(String side, double percent) {
        static Step rollback() {
            return new Step("rollback", 0);
        }

        boolean isRollback() {
            return side.equals("rollback");
        }

        String label() {
            return isRollback() ? "RB" : (side.equals("produce") ? "P" : "C") + plain(percent);
        }
    }

    /** What a step did: when, what, the revision it made, and the rollout in force afterwards. */
    record Event(
            double seconds,
            String label,
            String description,
            long revision,
            double produceV2Percent,
            double consumeV2Percent,
            boolean ok,
            String error) {}

    static final List<Step> CYCLE = List.of(
            new Step("produce", 10),
            new Step("consume", 25),
            new Step("produce", 50),
            new Step("consume", 100),
            new Step("produce", 100),
            Step.rollback(),
            Step.rollback(),
            Step.rollback(),
            Step.rollback(),
            Step.rollback());

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RosettaProcess rosetta;
    private final String topic;
    private final List<Event> events = new ArrayList<>();
    private int next;

    RouteOperator(RosettaProcess rosetta, String topic) {
        this.rosetta = rosetta;
        this.topic = topic;
    }

    /** Makes the cycle's next change and returns what happened. */
    synchronized Event step(double seconds) {
        Step step = CYCLE.get(next % CYCLE.size());
        next++;
        Event event;
        try {
            ObjectNode body = JSON.createObjectNode();
            String path;
            if (step.isRollback()) {
                path = "/routes/" + topic + "/rollback";
            } else {
                path = "/routes/" + topic + "/rollout";
                body.put("side", step.side());
                body.put("version", 2);
                body.put("percent", step.percent());
            }
            body.put("reason", "soak step " + next + ": " + step.label());
            HttpResponse<String> r = rosetta.post(path, body.toString());
            JsonNode answer = JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                event = new Event(
                        seconds,
                        step.label(),
                        step.label(),
                        -1,
                        Double.NaN,
                        Double.NaN,
                        false,
                        "HTTP " + r.statusCode() + ": " + r.body());
            } else {
                JsonNode route = answer.path("route");
                event = new Event(
                        seconds,
                        step.label(),
                        answer.path("description").asText(),
                        answer.path("revision").asLong(-1),
                        v2Percent(route.path("produce")),
                        v2Percent(route.path("consume")),
                        true,
                        "");
            }
        } catch (IOException | RuntimeException e) {
            event = new Event(seconds, step.label(), step.label(), -1, Double.NaN, Double.NaN, false, e.toString());
        }
        events.add(event);
        return event;
    }

    /** The share of records a side gives v2: 100 when its version is 2, the rollout's percent when it ramps v2, else 0. */
    static double v2Percent(JsonNode side) {
        if (side.isMissingNode() || side.isNull()) {
            return 0;
        }
        if (side.path("version").asInt() == 2) {
            return 100;
        }
        JsonNode rollout = side.path("rollout");
        return rollout.path("version").asInt() == 2 ? rollout.path("percent").asDouble() : 0;
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    static String plain(double percent) {
        return BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString();
    }
}
