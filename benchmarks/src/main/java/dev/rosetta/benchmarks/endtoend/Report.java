package dev.rosetta.benchmarks.endtoend;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Collects the rounds of every workload per target and prints medians, spreads and ratios against
 * the baseline target (the first), as a Markdown table, with the design targets checked.
 */
final class Report {
    /** Pass-through throughput must be at least this fraction of direct. */
    static final double THROUGHPUT_TARGET = 0.95;
    /** Pass-through may add at most this much p99 latency, in ms. */
    static final double ADDED_P99_TARGET_MS = 1.0;

    private final List<Target> targets;
    private final Map<String, Map<String, List<ThroughputResult>>> throughput = new LinkedHashMap<>();
    private final Map<String, List<LatencyResult>> latency = new LinkedHashMap<>();

    Report(List<Target> targets) {
        this.targets = List.copyOf(targets);
    }

    void add(String workload, Target target, ThroughputResult result) {
        throughput.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                .computeIfAbsent(target.name(), t -> new ArrayList<>()).add(result);
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
            header.append(" | ").append(t.name()).append(" | ").append(t.name()).append('/').append(base.name());
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
            bestRow(out, w + " MB/s, best round", byTarget.get(base.name()), others.stream().map(t -> byTarget.get(t.name())).toList(),
                    ThroughputResult::megabytesPerSecond, true, "%.1f", false);
            pairedRow(out, w + " MB/s, per-round ratio", byTarget.get(base.name()), others.stream().map(t -> byTarget.get(t.name())).toList(),
                    ThroughputResult::megabytesPerSecond, true);
            throughputRow(out, w + " client " + (w.equals("consume") ? "fetch" : "request") + " latency ms (avg)", byTarget, ThroughputResult::requestMillis, "%.2f", false);
            throughputRow(out, w + " proxy CPU ms/MB", byTarget, ThroughputResult::proxyCpuMillisPerMegabyte, "%.2f", false);
            throughputRow(out, w + " proxy CPU ms/MB, user mode", byTarget, ThroughputResult::proxyUserCpuMillisPerMegabyte, "%.2f", false);
            throughputRow(out, w + " broker CPU ms/MB", byTarget, ThroughputResult::brokerCpuMillisPerMegabyte, "%.2f", false);
        }
        if (!latency.isEmpty()) {
            latencyRow(out, "latency p50 ms", LatencyResult::p50, false);
            allMet &= latencyRow(out, "latency p99 ms", LatencyResult::p99, true);
            pairedRow(out, "latency p99 ms, per-round difference", latency.get(base.name()), others.stream().map(t -> latency.get(t.name())).toList(),
                    LatencyResult::p99, false);
            bestRow(out, "latency p99 ms, best round", latency.get(base.name()), others.stream().map(t -> latency.get(t.name())).toList(),
                    LatencyResult::p99, false, "%.2f", true);
            latencyRow(out, "latency p99.9 ms", LatencyResult::p999, false);
            latencyRow(out, "latency max ms", LatencyResult::max, false);
        }
        out.println();
        out.println("Cells: median over rounds (min .. max in brackets); targets are checked on medians. Ratio: median of target / median of "
                + base.name() + ". 'Best round': the least disturbed round of each target. MB = 10^6 value bytes. CPU ms/MB: CPU time of the"
                + " proxy's rosetta-io threads (or the whole broker JVM) per MB moved. Client latency: the clients' own request-latency-avg /"
                + " fetch-latency-avg metrics.");
        return allMet;
    }

    private boolean throughputRow(PrintStream out, String metric, Map<String, List<ThroughputResult>> byTarget,
                                  ToDoubleFunction<ThroughputResult> value, String format, boolean checked) {
        double[] baseValues = values(byTarget.get(targets.get(0).name()), value);
        StringBuilder row = new StringBuilder("| " + metric + " | " + cell(baseValues, format));
        boolean met = true;
        boolean anyMeasured = !Double.isNaN(median(baseValues));
        for (Target t : targets.subList(1, targets.size())) {
            double[] v = values(byTarget.get(t.name()), value);
            double ratio = median(v) / median(baseValues);
            anyMeasured |= !Double.isNaN(median(v));
            met &= ratio >= THROUGHPUT_TARGET;
            row.append(" | ").append(cell(v, format)).append(" | ").append(Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.3f", ratio));
        }
        if (!anyMeasured) {
            return true;
        }
        if (checked) {
            row.append(String.format(Locale.ROOT, " | >= %.2f | %s |", THROUGHPUT_TARGET, met ? "yes" : "NO"));
        } else {
            row.append(" |  |  |");
        }
        out.println(row);
        return !checked || met;
    }

    private boolean latencyRow(PrintStream out, String metric, ToDoubleFunction<LatencyResult> value, boolean checkAdded) {
        double[] baseValues = values(latency.get(targets.get(0).name()), value);
        StringBuilder row = new StringBuilder("| " + metric + " | " + cell(baseValues, "%.2f"));
        boolean met = true;
        StringBuilder added = new StringBuilder();
        for (Target t : targets.subList(1, targets.size())) {
            double[] v = values(latency.get(t.name()), value);
            double ratio = median(v) / median(baseValues);
            double delta = median(v) - median(baseValues);
            met &= delta <= ADDED_P99_TARGET_MS;
            row.append(" | ").append(cell(v, "%.2f")).append(" | ").append(String.format(Locale.ROOT, "%.3f", ratio));
            added.append(String.format(Locale.ROOT, "%s %+.2f ms ", t.name(), delta));
        }
        if (checkAdded) {
            row.append(String.format(Locale.ROOT, " | added <= %.1f ms (%s) | %s |", ADDED_P99_TARGET_MS, added.toString().trim(), met ? "yes" : "NO"));
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
    private <R> void bestRow(PrintStream out, String metric, List<R> base, List<List<R>> others, ToDoubleFunction<R> value,
                             boolean higherIsBetter, String format, boolean showDelta) {
        double baseBest = best(values(base, value), higherIsBetter);
        StringBuilder row = new StringBuilder("| " + metric + " | " + String.format(Locale.ROOT, format, baseBest));
        StringBuilder delta = new StringBuilder();
        for (int i = 0; i < others.size(); i++) {
            double b = best(values(others.get(i), value), higherIsBetter);
            row.append(" | ").append(String.format(Locale.ROOT, format, b)).append(" | ").append(String.format(Locale.ROOT, "%.3f", b / baseBest));
            delta.append(String.format(Locale.ROOT, "%s %+.2f ms ", targets.get(i + 1).name(), b - baseBest));
        }
        row.append(showDelta ? " | (added: " + delta.toString().trim() + ") |  |" : " |  |  |");
        out.println(row);
    }

    /**
     * Round by round, target against baseline (ratio or difference), then the median: the two runs of
     * a round are back to back, so drift slower than a round cancels out of each pair.
     */
    private <R> void pairedRow(PrintStream out, String metric, List<R> base, List<List<R>> others, ToDoubleFunction<R> value, boolean ratio) {
        double[] baseValues = values(base, value);
        StringBuilder row = new StringBuilder("| " + metric + " | ");
        for (List<R> other : others) {
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

    private static <R> double[] values(List<R> results, ToDoubleFunction<R> value) {
        return results == null ? new double[0] : results.stream().mapToDouble(value).toArray();
    }

    private static String cell(double[] values, String format) {
        if (values.length == 0 || Double.isNaN(median(values))) {
            return "-";
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, format + " (" + format + " .. " + format + ")", median(values), sorted[0], sorted[sorted.length - 1]);
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
