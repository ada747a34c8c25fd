package dev.rosetta.benchmarks.soak;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The soak's readings and verdicts: what it reads from /metrics and jcmd, and when memory counts as grown. */
class SoakFiguresTest {

    @Test
    void prometheusSumsSeriesByLabelsIncludingQuotedCommasAndEscapes() {
        PrometheusText m = PrometheusText.parse("""
                # HELP jvm_memory_used_bytes The amount of used memory
                # TYPE jvm_memory_used_bytes gauge
                jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
                jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3.0E7
                jvm_memory_used_bytes{area="nonheap",id="CodeHeap 'non-nmethods'"} 1000.0
                jvm_buffer_memory_used_bytes{id="mapped - 'non-volatile memory', x"} 5.0
                rosetta_records_total{direction="produce",outcome="translated",topic="t"} 7.0
                rosetta_records_total{direction="produce",outcome="unchanged",topic="t"} 3.0
                rosetta_records_total{direction="consume",outcome="unchanged",topic="t"} 11.0
                weird{label="a \\"quoted\\" value"} NaN
                process_cpu_usage 0.25
                """);

        assertThat(m.sum("jvm_memory_used_bytes", "area", "heap")).isEqualTo(4.2e7);
        assertThat(m.sum("jvm_memory_used_bytes", l -> l.get("id").contains("Old Gen")))
                .isEqualTo(3.0e7);
        assertThat(m.sum("jvm_buffer_memory_used_bytes", "id", "mapped - 'non-volatile memory', x"))
                .isEqualTo(5);
        assertThat(m.sum("rosetta_records_total", "topic", "t", "direction", "produce"))
                .isEqualTo(10);
        assertThat(m.sum("rosetta_records_total")).isEqualTo(21);
        assertThat(m.sum("process_cpu_usage")).isEqualTo(0.25);
        assertThat(m.series())
                .anyMatch(s -> "a \"quoted\" value".equals(s.labels().get("label")));
        assertThat(m.sum("absent")).isNaN();
    }

    @Test
    void aFigureThatClimbsPastItsAllowanceGrewAndAFlatOneDidNot() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 0; t <= 600; t += 5) {
            // after a 60 s warm-up: flat RSS with noise; a live heap that gains 40 MiB over the run
            double rss = 300 * MIB + (t % 15 == 0 ? 6 : -6) * MIB;
            double live = t < 60 ? 10 * MIB : 50 * MIB + t / 600.0 * 40 * MIB;
            samples.add(sample(t, rss, live));
        }

        Growth rss = Growth.of("rss", "MiB", samples, 60, 600, Sample::rss, 0.10, 32 * MIB, true);
        Growth live = Growth.of("live", "MiB", samples, 60, 600, Sample::forcedGcLiveHeap, 0.10, 8 * MIB, true);

        assertThat(rss.grew()).isFalse();
        assertThat(rss.verdict()).isEqualTo("flat");
        assertThat(live.grew()).isTrue();
        assertThat(live.secondHalf() - live.firstHalf()).isGreaterThan(15 * MIB);
        assertThat(live.slopePerHour() / MIB).isCloseTo(240, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void samplesBeforeTheWarmUpAndAfterTheProducersStoppedAreNotJudged() {
        List<Sample> samples = new ArrayList<>();
        for (int t = 0; t <= 300; t += 5) {
            double live = t < 60 || t > 240 ? 500 * MIB : 40 * MIB; // start-up and shut-down outliers
            samples.add(sample(t, 100 * MIB, live));
        }

        Growth live = Growth.of("live", "MiB", samples, 60, 240, Sample::forcedGcLiveHeap, 0.10, 8 * MIB, true);

        assertThat(live.grew()).isFalse();
        assertThat(live.max()).isEqualTo(40 * MIB);
    }

    @Test
    void classHistogramsTellWhichClassesGrew() {
        String before = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          1000         800000  [B (java.base@17.0.15)
                   2:           100           4000  io.netty.buffer.PoolChunk
                Total          1100         804000
                """;
        String after = """
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          1010         810000  [B (java.base@17.0.15)
                   2:          5100         204000  io.netty.buffer.PoolChunk
                   3:             1             16  dev.rosetta.New
                Total          6111        1014016
                """;

        ClassHistogram a = ClassHistogram.parse(60, before);
        ClassHistogram b = ClassHistogram.parse(600, after);

        assertThat(a.totalBytes()).isEqualTo(804000);
        assertThat(b.grownSince(a, 2))
                .extracting(ClassHistogram.Change::className, ClassHistogram.Change::bytes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("io.netty.buffer.PoolChunk", 200000L),
                        org.assertj.core.groups.Tuple.tuple("[B (java.base@17.0.15)", 10000L));
    }

    private static final double MIB = 1024.0 * 1024;

    private static Sample sample(double seconds, double rss, double live) {
        double n = Double.NaN;
        return new Sample(
                seconds, n, n, n, n, n, n, rss, n, n, n, n, n, n, n, n, n, n, n, n, n, 0, new long[0], n, live);
    }
}
