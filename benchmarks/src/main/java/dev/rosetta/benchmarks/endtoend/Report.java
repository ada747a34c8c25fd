package dev.rosetta.benchmarks.endtoend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Collects the rounds of every workload per target and prints medians, spreads and ratios against
 * the baseline target (the first), as a Markdown table, with the design targets checked.
 */
final class Report {
    /** Pass-through throughput must be at least this fraction of direct. */
    static final double THROUGHPUT_TARGET = 0.95;
    /** Pass-through may add at most this much p99 latency, in ms. */
    static final double ADDED_P99_TARGET_MS = 1.0;
    /** A proxy translating every record must reach at least this fraction of direct throughput. */
    static final double TRANSLATING_THROUGHPUT_TARGET = 0.80;
    /** A proxy translating every record must move at least this many MB of translated traffic per CPU second. */
    static final double TRANSLATING_MB_PER_CORE_TARGET = 100;

    private final List<Target> targets;
    private final Map<String, Map<String, List<ThroughputResult>>> throughput = new LinkedHashMap<>();
    private final Map<String, List<LatencyResult>> latency = new LinkedHashMap<>();

    Report(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    void add(String workload, Target target, ThroughputResult result) {
        throughput
                .computeIfAbsent(workload, w -> new LinkedHashMap<>())
                .computeIfAbsent(target.name(), t -> new ArrayList<>())
                .add(result);
    }

    void add(Target target, LatencyResult result) {
        latency.computeIfAbsent(target.name(), t -> new ArrayList<>()).add(result);
    }

    /** Prints the table; returns whether every target was met. */
    boolean print(PrintStream out) {
        Target base = targets.get(0);
        List<Target> others = targets.subList(1, targets.size());
        StringBuilder header = new StringBuilder("| metric | " + base.name());
        StringBuilder rule = new StringBuilder("|---|---:");
        for (Target t : others) {
            header.append(" | ")
                    .append(t.name())
                    .append(" | ")
                    .append(t.name())
                    .append('/')
                    .append(base.name());
            rule.append("|---:|---:");
        }
        header.append(" | target | met |");
        rule.append("|---|---|");
        out.println(header);
        out.println(rule);
        boolean allMet = true;
        for (var workload : throughput.entrySet()) {
            String w = workload.getKey();
            Map<String, List<ThroughputResult>> byTarget = workload.getValue();
            allMet &= throughputRow(out, w + " records/s", byTarget, ThroughputResult::recordsPerSecond, "%,.0f", true);
            allMet &= throughputRow(out, w + " MB/s", byTarget, ThroughputResult::megabytesPerSecond, "%.1f", true);
            bestRow(
                    out,
                    w + " MB/s, best round",
                    byTarget.get(base.name()),
                    others.stream().map(t -> byTarget.get(t.name())).toList(),
                    ThroughputResult::megabytesPerSecond,
                    true,
                    "%.1f",
                    false);
            pairedRow(
                    out,
                    w + " MB/s, per-round ratio",
                    byTarget.get(base.name()),
                    others.stream().map(t -> byTarget.get(t.name())).toList(),
                    ThroughputResult::megabytesPerSecond,
                    true);
            throughputRow(
                    out,
                    w + " client " + (w.equals("consume") ? "fetch" : "request") + " latency ms (avg)",
                    byTarget,
                    ThroughputResult::requestMillis,
                    "%.2f",
                    false);
            throughputRow(
                    out, w + " proxy CPU ms/MB", byTarget, ThroughputResult::proxyCpuMillisPerMegabyte, "%.2f", false);
            throughputRow(
                    out,
                    w + " proxy CPU ms/MB, user mode",
                    byTarget,
                    ThroughputResult::proxyUserCpuMillisPerMegabyte,
                    "%.2f",
                    false);
            allMet &= perCoreRow(out, w + " proxy MB/s per core (1000 / CPU ms/MB)", byTarget);
            throughputRow(
                    out,
                    w + " broker CPU ms/MB",
                    byTarget,
                    ThroughputResult::brokerCpuMillisPerMegabyte,
                    "%.2f",
                    false);
        }
        if (!latency.isEmpty()) {
            latencyRow(out, "latency p50 ms", LatencyResult::p50, false);
            allMet &= latencyRow(out, "latency p99 ms", LatencyResult::p99, true);
            pairedRow(
                    out,
                    "latency p99 ms, per-round difference",
                    latency.get(base.name()),
                    others.stream().map(t -> latency.get(t.name())).toList(),
                    LatencyResult::p99,
                    false);
            bestRow(
                    out,
                    "latency p99 ms, best round",
                    latency.get(base.name()),
                    others.stream().map(t -> latency.get(t.name())).toList(),
                    LatencyResult::p99,
                    false,
                    "%.2f",
                    true);
            latencyRow(out, "latency p99.9 ms", LatencyResult::p999, false);
            latencyRow(out, "latency max ms", LatencyResult::max, false);
        }
        out.println();
        allMet &= printAgainstPassThrough(out);
        out.println(
                "Cells: median over rounds (min .. max in brackets); targets are checked on medians. Ratio: median of target / median of "
                        + base.name()
                        + ". 'Best round': the least disturbed round of each target. MB = 10^6 bytes of record values as the client sent them (produce, latency) or received them (consume: after translation). CPU ms/MB: CPU time of the"
                        + " proxy's rosetta-io threads (or the whole broker JVM) per MB moved. Client latency: the clients' own request-latency-avg /"
                        + " fetch-latency-avg metrics.");
        return allMet;
    }

    private boolean throughputRow(
            PrintStream out,
            String metric,
            Map<String, List<ThroughputResult>> byTarget,
            ToDoubleFunction<ThroughputResult> value,
            String format,
            boolean checked) {
        double[] baseValues = values(byTarget.get(targets.get(0).name()), value);
        StringBuilder row = new StringBuilder("| " + metric + " | " + cell(baseValues, format));
        boolean met = true;
        boolean anyMeasured = !Double.isNaN(median(baseValues));
        for (Target t : targets.subList(1, targets.size())) {
            double[] v = values(byTarget.get(t.name()), value);
            double ratio = median(v) / median(baseValues);
            anyMeasured |= !Double.isNaN(median(v));
            met &= Double.isNaN(t.minThroughputRatio()) || ratio >= t.minThroughputRatio();
            row.append(" | ")
                    .append(cell(v, format))
                    .append(" | ")
                    .append(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.3f", ratio));
        }
        if (!anyMeasured) {
            return true;
        }
        if (checked) {
            row.append(" | ")
                    .append(targetText(">= %.2f", Target::minThroughputRatio))
                    .append(" | ")
                    .append(met ? "yes" : "NO")
                    .append(" |");
        } else {
            row.append(" |  |  |");
        }
        out.println(row);
        return !checked || met;
    }

    /** The design targets of the non-baseline targets that have one, e.g. ">= 0.95 (proxy), >= 0.80 (translating)". */
    private String targetText(String format, java.util.function.ToDoubleFunction<Target> threshold) {
        List<String> parts = new ArrayList<>();
        for (Target t : targets.subList(1, targets.size())) {
            double v = threshold.applyAsDouble(t);
            if (!Double.isNaN(v)) {
                parts.add(String.format(Locale.ROOT, format, v) + " (" + t.name() + ")");
            }
        }
        return parts.isEmpty() ? "" : String.join(", ", parts);
    }

    /**
     * MB per CPU second of the proxy's I/O threads, per round (1000 / CPU ms per MB), median and
     * spread; checked for the targets that have a per-core target (the translating proxy).
     */
    private boolean perCoreRow(PrintStream out, String metric, Map<String, List<ThroughputResult>> byTarget) {
        StringBuilder row = new StringBuilder("| " + metric + " | -");
        boolean met = true;
        boolean checked = false;
        boolean anyMeasured = false;
        for (Target t : targets.subList(1, targets.size())) {
            double[] v = values(byTarget.get(t.name()), r -> 1000 / r.proxyCpuMillisPerMegabyte());
            anyMeasured |= !Double.isNaN(median(v));
            row.append(" | ").append(cell(v, "%.0f")).append(" | ");
            if (!Double.isNaN(t.minMegabytesPerCore())) {
                checked = true;
                met &= median(v) >= t.minMegabytesPerCore();
            }
        }
        if (!anyMeasured) {
            return true;
        }
        row.append(" | ")
                .append(checked ? targetText(">= %.0f MB/s", Target::minMegabytesPerCore) : "")
                .append(" | ")
                .append(checked ? (met ? "yes" : "NO") : "")
                .append(" |");
        out.println(row);
        return met;
    }

    /**
     * Every target after the pass-through proxy (the translating proxy, the relay) against the
     * pass-through proxy: what translation costs on top of the hop. Ratio of medians and median of
     * the per-round ratios (p99: differences). Informational, no target.
     */
    private boolean printAgainstPassThrough(PrintStream out) {
        Target proxy = targets.stream()
                .filter(t -> t.name().equals("proxy"))
                .findFirst()
                .orElse(null);
        if (proxy == null) {
            return true;
        }
        List<Target> compared = targets.stream()
                .filter(t -> !t.name().equals("proxy")
                        && !t.name().equals(targets.get(0).name()))
                .toList();
        if (compared.isEmpty()) {
            return true;
        }
        out.println(
                "| against the pass-through proxy | target | ratio of medians (or difference) | per round: median (min .. max) |");
        out.println("|---|---|---:|---:|");
        for (var workload : throughput.entrySet()) {
            List<ThroughputResult> base = workload.getValue().get(proxy.name());
            for (Target t : compared) {
                List<ThroughputResult> other = workload.getValue().get(t.name());
                double[] b = values(base, ThroughputResult::megabytesPerSecond);
                double[] v = values(other, ThroughputResult::megabytesPerSecond);
                out.println("| " + workload.getKey() + " MB/s, " + t.name() + "/proxy | " + t.name() + " | "
                        + String.format(Locale.ROOT, "%.3f", median(v) / median(b)) + " | "
                        + cell(paired(v, b, true), "%.3f") + " |");
            }
        }
        if (!latency.isEmpty()) {
            for (Target t : compared) {
                double[] b = values(latency.get(proxy.name()), LatencyResult::p99);
                double[] v = values(latency.get(t.name()), LatencyResult::p99);
                double[] b50 = values(latency.get(proxy.name()), LatencyResult::p50);
                double[] v50 = values(latency.get(t.name()), LatencyResult::p50);
                out.println("| latency p50 ms, " + t.name() + " - proxy | " + t.name() + " | "
                        + String.format(Locale.ROOT, "%+.2f", median(v50) - median(b50)) + " | "
                        + cell(paired(v50, b50, false), "%+.2f") + " |");
                out.println("| latency p99 ms, " + t.name() + " - proxy | " + t.name() + " | "
                        + String.format(Locale.ROOT, "%+.2f", median(v) - median(b)) + " | "
                        + cell(paired(v, b, false), "%+.2f") + " |");
            }
        }
        out.println();
        return true;
    }

    private static double[] paired(double[] values, double[] base, boolean ratio) {
        int n = Math.min(values.length, base.length);
        double[] paired = new double[n];
        for (int i = 0; i < n; i++) {
            paired[i] = ratio ? values[i] / base[i] : values[i] - base[i];
        }
        return paired;
    }

    private boolean latencyRow(
            PrintStream out, String metric, ToDoubleFunction<LatencyResult> value, boolean checkAdded) {
        double[] baseValues = values(latency.get(targets.get(0).name()), value);
        StringBuilder row = new StringBuilder("| " + metric + " | " + cell(baseValues, "%.2f"));
        boolean met = true;
        StringBuilder added = new StringBuilder();
        for (Target t : targets.subList(1, targets.size())) {
            double[] v = values(latency.get(t.name()), value);
            double ratio = median(v) / median(baseValues);
            double delta = median(v) - median(baseValues);
            met &= Double.isNaN(t.maxAddedP99Millis()) || delta <= t.maxAddedP99Millis();
            row.append(" | ").append(cell(v, "%.2f")).append(" | ").append(String.format(Locale.ROOT, "%.3f", ratio));
            added.append(String.format(Locale.ROOT, "%s %+.2f ms ", t.name(), delta));
        }
        if (checkAdded) {
            row.append(" | added ")
                    .append(targetText("<= %.1f ms", Target::maxAddedP99Millis))
                    .append(" (")
                    .append(added.toString().trim())
                    .append(") | ")
                    .append(met ? "yes" : "NO")
                    .append(" |");
        } else {
            row.append(" |  |  |");
        }
        out.println(row);
        return !checkAdded || met;
    }

    /**
     * The best round of each target (highest throughput or lowest latency): noise from other work on
     * the machine only ever slows a round down, so the best rounds are the least disturbed ones.
     */
    private <R> void bestRow(
            PrintStream out,
            String metric,
            @Nullable List<R> base,
            List<@Nullable List<R>> others,
            ToDoubleFunction<R> value,
            boolean higherIsBetter,
            String format,
            boolean showDelta) {
        double baseBest = best(values(base, value), higherIsBetter);
        StringBuilder row = new StringBuilder("| " + metric + " | " + String.format(Locale.ROOT, format, baseBest));
        StringBuilder delta = new StringBuilder();
        for (int i = 0; i < others.size(); i++) {
            double b = best(values(others.get(i), value), higherIsBetter);
            row.append(" | ")
                    .append(String.format(Locale.ROOT, format, b))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", b / baseBest));
            delta.append(String.format(
                    Locale.ROOT, "%s %+.2f ms ", targets.get(i + 1).name(), b - baseBest));
        }
        row.append(showDelta ? " | (added: " + delta.toString().trim() + ") |  |" : " |  |  |");
        out.println(row);
    }

    /**
     * Round by round, target against baseline (ratio or difference), then the median: the two runs of
     * a round are back to back, so drift slower than a round cancels out of each pair.
     */
    private <R> void pairedRow(
            PrintStream out,
            String metric,
            @Nullable List<R> base,
            List<@Nullable List<R>> others,
            ToDoubleFunction<R> value,
            boolean ratio) {
        double[] baseValues = values(base, value);
        StringBuilder row = new StringBuilder("| " + metric + " | ");
        for (@Nullable List<R> other : others) {
            double[] v = values(other, value);
            int n = Math.min(v.length, baseValues.length);
            double[] paired = new double[n];
            for (int i = 0; i < n; i++) {
                paired[i] = ratio ? v[i] / baseValues[i] : v[i] - baseValues[i];
            }
            String format = ratio ? "%.3f" : "%+.2f";
            row.append(" | ").append(cell(paired, format)).append(" | ");
        }
        row.append(" |  |  |");
        out.println(row);
    }

    private static double best(double[] values, boolean highest) {
        double best = Double.NaN;
        for (double v : values) {
            if (Double.isNaN(best) || (highest ? v > best : v < best)) {
                best = v;
            }
        }
        return best;
    }

    /** No values for a target without results (it was not run for that workload). */
    private static <R> double[] values(@Nullable List<R> results, ToDoubleFunction<R> value) {
        return results == null
                ? new double[0]
                : results.stream().mapToDouble(value).toArray();
    }

    private static String cell(double[] values, String format) {
        if (values.length == 0 || Double.isNaN(median(values))) {
            return "-";
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT,
                format + " (" + format + " .. " + format + ")",
                median(values),
                sorted[0],
                sorted[sorted.length - 1]);
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
