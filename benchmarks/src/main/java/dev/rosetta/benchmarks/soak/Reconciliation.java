package dev.rosetta.benchmarks.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The counts at the end of a soak, checked against each other: what producers were told was
 * stored, what the broker stores (read directly), what each consumer group read through Rosetta,
 * and what Rosetta counted per direction and outcome ({@code rosetta_records_total}). Every
 * record of the broker is looked up by partition and offset, so Rosetta's {@code translated} and
 * {@code unchanged} counts are checked against the records each group actually received in a
 * version other than (or the same as) the stored one.
 */
final class Reconciliation {
    /** One comparison. */
    record Check(String what, double expected, double actual, String note) {
        boolean ok() {
            return expected == actual;
        }
    }

    private final List<Check> checks = new ArrayList<>();
    private long storedV1;
    private long storedV2;

    void check(String what, double expected, double actual, String note) {
        checks.add(new Check(what, expected, actual, note));
    }

    void check(String what, double expected, double actual) {
        check(what, expected, actual, "");
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    boolean ok() {
        return checks.stream().allMatch(Check::ok);
    }

    /**
     * @param endOffsets   the broker's end offset per partition, read directly at the end
     * @param stored       the direct reader of what the broker stores
     * @param groups       the consumer groups reading through Rosetta
     * @param producers    every producer of the soak (long-running and short-lived)
     * @param metrics      Rosetta's {@code /metrics} after every client stopped
     */
    static Reconciliation of(
            String topic,
            Map<Integer, Long> endOffsets,
            Reader stored,
            List<Reader> groups,
            List<PacedProducer> producers,
            PrometheusText metrics) {
        Reconciliation r = new Reconciliation();
        long inBroker = endOffsets.values().stream().mapToLong(Long::longValue).sum();
        long acked = producers.stream().mapToLong(PacedProducer::acked).sum();
        long failed = producers.stream().mapToLong(PacedProducer::failed).sum();
        double sendTotal =
                producers.stream().mapToDouble(PacedProducer::sendTotal).sum();
        double retries =
                producers.stream().mapToDouble(PacedProducer::retryTotal).sum();
        r.check("producers: sends that failed", 0, failed);
        r.check("records acknowledged to producers = records in the broker (end offsets)", acked, inBroker);
        r.check("producers' retried records (record-retry-total)", 0, retries);

        long[] storedCount = new long[4];
        for (var e : endOffsets.entrySet()) {
            for (long o = 0; o < e.getValue(); o++) {
                storedCount[stored.ids().get(e.getKey(), o)]++;
            }
        }
        r.check("broker, read directly: records", inBroker, stored.consumed());
        r.check("broker, read directly: duplicates + gaps", 0, stored.duplicates() + stored.lost());
        r.check(
                "broker, read directly: records neither v1 nor v2 (or never read)",
                0,
                storedCount[OffsetIds.OTHER] + storedCount[OffsetIds.NONE]);

        long groupsConsumed = 0;
        long expectTranslated = 0;
        long expectUnchanged = 0;
        for (Reader g : groups) {
            r.check(g.name() + ": records read through Rosetta", inBroker, g.consumed());
            r.check(g.name() + ": duplicates", 0, g.duplicates());
            r.check(g.name() + ": records lost (offsets skipped)", 0, g.lost());
            r.check(g.name() + ": records in a schema it must not get", 0, g.wrongSchema());
            r.check(g.name() + ": records not what was sent (value, key)", 0, g.badRecords());
            r.check(g.name() + ": rebalances after the first assignment", 0, Math.max(0, g.revocations()));
            groupsConsumed += g.consumed();
            for (var e : endOffsets.entrySet()) {
                int p = e.getKey();
                for (long o = 0; o < e.getValue(); o++) {
                    if (g.ids().get(p, o) == stored.ids().get(p, o)) {
                        expectUnchanged++;
                    } else {
                        expectTranslated++;
                    }
                }
            }
        }

        // Rosetta counts a produced record once the broker answered that it stored it: a retry is not counted twice
        r.check(
                "Rosetta produce: records counted = records acknowledged (stored)",
                acked,
                outcome(metrics, topic, "produce", null),
                "the clients' record-send-total: " + (long) sendTotal);
        r.check(
                "Rosetta produce: translated (v1 -> v2) = records stored as v2",
                storedCount[OffsetIds.V2],
                outcome(metrics, topic, "produce", "translated"));
        r.check(
                "Rosetta produce: unchanged = records stored as v1",
                storedCount[OffsetIds.V1],
                outcome(metrics, topic, "produce", "unchanged"));
        r.check("Rosetta produce: failed, dead-lettered or rejected", 0, failures(metrics, topic, "produce"));
        r.check(
                "Rosetta consume: records counted = records the groups read",
                groupsConsumed,
                outcome(metrics, topic, "consume", null));
        r.check(
                "Rosetta consume: translated = records read in another version than stored",
                expectTranslated,
                outcome(metrics, topic, "consume", "translated"));
        r.check(
                "Rosetta consume: unchanged = records read in their stored version",
                expectUnchanged,
                outcome(metrics, topic, "consume", "unchanged"));
        r.check("Rosetta consume: failed or dead-lettered", 0, failures(metrics, topic, "consume"));
        double translationFailures = metrics.sum("rosetta_translation_failures_total");
        r.check(
                "Rosetta: rosetta_translation_failures_total",
                0,
                Double.isNaN(translationFailures) ? 0 : translationFailures);
        r.storedV1 = storedCount[OffsetIds.V1];
        r.storedV2 = storedCount[OffsetIds.V2];
        return r;
    }

    long storedV1() {
        return storedV1;
    }

    long storedV2() {
        return storedV2;
    }

    private static double outcome(PrometheusText m, String topic, String direction, @Nullable String outcome) {
        double v = outcome == null
                ? m.sum("rosetta_records_total", "topic", topic, "direction", direction)
                : m.sum("rosetta_records_total", "topic", topic, "direction", direction, "outcome", outcome);
        return Double.isNaN(v) ? 0 : v;
    }

    private static double failures(PrometheusText m, String topic, String direction) {
        double v = m.sum(
                "rosetta_records_total",
                l -> topic.equals(l.get("topic"))
                        && direction.equals(l.get("direction"))
                        && !"translated".equals(l.get("outcome"))
                        && !"unchanged".equals(l.get("outcome")));
        return Double.isNaN(v) ? 0 : v;
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "%-86s %14s %14s  %s%n", "check", "expected", "actual", "");
        for (Check c : checks) {
            out.printf(
                    Locale.ROOT,
                    "%-86s %,14.0f %,14.0f  %s%s%n",
                    c.what(),
                    c.expected(),
                    c.actual(),
                    c.ok() ? "ok" : "MISMATCH",
                    c.note().isEmpty() ? "" : " (" + c.note() + ")");
        }
    }
}
