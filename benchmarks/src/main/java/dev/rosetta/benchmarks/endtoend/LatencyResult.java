package dev.rosetta.benchmarks.endtoend;

import java.util.Arrays;

/**
 * One latency round: end-to-end latency (scheduled send time to consumer receive time) of every
 * record after the warm-up, in milliseconds.
 *
 * @param sent          records sent in the round, warm-up included
 * @param received      records the consumer received, warm-up included
 * @param samples       latencies recorded (after the warm-up)
 * @param p50           median, ms
 * @param p99           99th percentile, ms
 * @param p999          99.9th percentile, ms
 * @param max           worst, ms
 * @param proxyCpuNanos CPU of the proxy's I/O threads during the round, negative when not measured
 */
record LatencyResult(
        long sent, long received, int samples, double p50, double p99, double p999, double max, long proxyCpuNanos) {

    /** Percentiles of {@code nanos[0..count)} by nearest rank; sorts the array in place. */
    static LatencyResult of(long sent, long received, long[] nanos, int count, long proxyCpuNanos) {
        if (count == 0) {
            return new LatencyResult(sent, received, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, proxyCpuNanos);
        }
        Arrays.sort(nanos, 0, count);
        return new LatencyResult(
                sent,
                received,
                count,
                millis(nanos, count, 0.50),
                millis(nanos, count, 0.99),
                millis(nanos, count, 0.999),
                nanos[count - 1] / 1e6,
                proxyCpuNanos);
    }

    private static double millis(long[] sorted, int count, double quantile) {
        int rank = (int) Math.ceil(quantile * count);
        return sorted[Math.max(0, Math.min(count - 1, rank - 1))] / 1e6;
    }
}
