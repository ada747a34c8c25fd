package dev.rosetta.benchmarks.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/** The soak's command line. */
record SoakOptions(
        Duration duration,
        Duration sampleInterval,
        int rate,
        Duration rolloutEvery,
        Duration gcEvery,
        Duration warmup,
        int recordBytes,
        int partitions,
        int visitorRecords,
        Path out,
        Path jar,
        Path examples,
        List<String> rosettaJvmOptions,
        String leakDetection,
        List<String> brokerJvmOptions,
        @Nullable Path redraw) {

    static final String USAGE = """
            Usage: java -cp "benchmarks/target/classes:benchmarks/target/lib/*" dev.rosetta.benchmarks.soak.Soak [options]

            Runs Rosetta (the built jar, in its own JVM, translating) in front of a real broker for a while:
            producers write Avro orders v1 through it, consumer groups of v1, of v2 and one following the
            route's rollout read through it, the route is ramped and rolled back through the admin API,
            and Rosetta's memory, GC, buffers, connections and throughput are sampled from its /metrics and
            /proc. At the end every count is reconciled and the samples are written as CSV and drawn as a
            PNG. Exit status 0 when the counts reconcile, no leak was reported and memory stayed flat; 1
            otherwise; 2 for a bad command line. Run it with `nice`: the broker and Rosetta inherit it.

              --duration D            how long the producers run (default 30m; e.g. 90s, 3m, 1h)
              --sample-interval D     time between samples (default 5s)
              --rate N                records/s of the two steady producers together (default 2000)
              --rollout-every D       time between route changes (default 45s)
              --gc-every D            time between forced full GCs in Rosetta (jcmd GC.class_histogram) that
                                      measure its live heap, per class, from the end of the warm-up
                                      (default 5m; 0 = only near the end)
              --warmup D              start of the run left out of the memory verdict
                                      (default: 10% of --duration, at least 60s)
              --record-bytes N        size of each v1 value (default 512)
              --partitions N          partitions of the soak topic (default 3)
              --visitor-records N     records of the short-lived producer started at every route change
                                      (a new connection each time; default 500, 0 = none)
              --out DIR               where the CSV, chart, summary and Rosetta's log go
                                      (default benchmarks/target/soak/<date-time>)
              --jar FILE              Rosetta's jar (default proxy/target/rosetta.jar)
              --examples DIR          contracts/ and translators/ (default config/examples)
              --rosetta-jvm-opts "…"  JVM options of Rosetta (default "-Xmx256m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError")
              --leak-detection L      Netty leak detection level in Rosetta: simple, advanced, paranoid
                                      (default advanced: a sample of buffers, with where they were last used;
                                      paranoid tracks every buffer, for shorter runs: it costs CPU and GC)
              --broker-jvm-opts "…"   JVM options of the broker (default "-Xms512m -Xmx512m -XX:+UseG1GC")
              --redraw DIR            only draw DIR/soak.png again from the files a soak left in DIR
              --help                  this text
            """;

    static SoakOptions parse(String[] args) {
        Duration duration = Duration.ofMinutes(30);
        Duration sampleInterval = Duration.ofSeconds(5);
        int rate = 2000;
        Duration rolloutEvery = Duration.ofSeconds(45);
        Duration gcEvery = Duration.ofMinutes(5);
        Duration warmup = null;
        int recordBytes = 512;
        int partitions = 3;
        int visitorRecords = 500;
        Path out = null;
        Path redraw = null;
        Path jar = Path.of("proxy", "target", "rosetta.jar");
        Path examples = Path.of("config", "examples");
        List<String> rosettaJvm = List.of("-Xmx256m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
        String leak = "advanced";
        List<String> brokerJvm = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--duration" -> duration = duration(arg, value(arg, args, ++i));
                case "--sample-interval" -> sampleInterval = duration(arg, value(arg, args, ++i));
                case "--rate" -> rate = positive(arg, value(arg, args, ++i));
                case "--rollout-every" -> rolloutEvery = duration(arg, value(arg, args, ++i));
                case "--gc-every" -> gcEvery = durationOrZero(arg, value(arg, args, ++i));
                case "--warmup" -> warmup = durationOrZero(arg, value(arg, args, ++i));
                case "--record-bytes" -> recordBytes = positive(arg, value(arg, args, ++i));
                case "--partitions" -> partitions = positive(arg, value(arg, args, ++i));
                case "--visitor-records" -> visitorRecords = nonNegative(arg, value(arg, args, ++i));
                case "--out" -> out = Path.of(value(arg, args, ++i));
                case "--jar" -> jar = Path.of(value(arg, args, ++i));
                case "--examples" -> examples = Path.of(value(arg, args, ++i));
                case "--rosetta-jvm-opts" -> rosettaJvm = words(value(arg, args, ++i));
                case "--leak-detection" -> {
                    leak = value(arg, args, ++i).toLowerCase(Locale.ROOT);
                    if (!List.of("simple", "advanced", "paranoid").contains(leak)) {
                        throw new IllegalArgumentException(
                                "--leak-detection must be simple, advanced or paranoid, not '" + leak + "'");
                    }
                }
                case "--broker-jvm-opts" -> brokerJvm = words(value(arg, args, ++i));
                case "--redraw" -> redraw = Path.of(value(arg, args, ++i));
                case "--help", "-h" -> throw new HelpRequested();
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n\n" + USAGE);
            }
        }
        if (warmup == null) {
            warmup = Duration.ofMillis(Math.max(60_000, duration.toMillis() / 10));
        }
        if (warmup.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("--warmup (" + warmup.toSeconds()
                    + " s) must be shorter than --duration (" + duration.toSeconds() + " s)");
        }
        if (recordBytes < 64) {
            throw new IllegalArgumentException("--record-bytes must be at least 64 (an Avro order record)");
        }
        if (out == null) {
            out = Path.of(
                    "benchmarks",
                    "target",
                    "soak",
                    LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        }
        return new SoakOptions(
                duration,
                sampleInterval,
                rate,
                rolloutEvery,
                gcEvery,
                warmup,
                recordBytes,
                partitions,
                visitorRecords,
                out,
                jar,
                examples,
                rosettaJvm,
                leak,
                brokerJvm,
                redraw);
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help", null, false, false);
        }
    }

    String describe() {
        return "duration " + seconds(duration) + ", sample every " + seconds(sampleInterval) + ", " + rate
                + " records/s of " + recordBytes + " B (Avro orders v1, lz4, keyed) on " + partitions
                + " partitions, a route change every " + seconds(rolloutEvery) + " (+" + visitorRecords
                + " records of a short-lived producer each), forced full GC in Rosetta "
                + (gcEvery.isZero() ? "at the end" : "every " + seconds(gcEvery)) + " after a warm-up of "
                + seconds(warmup) + ", Rosetta JVM " + String.join(" ", rosettaJvmOptions)
                + " -Dio.netty.leakDetection.level=" + leakDetection + ", broker JVM "
                + String.join(" ", brokerJvmOptions);
    }

    static String seconds(Duration d) {
        long s = d.toSeconds();
        return s % 60 == 0 && s >= 60 ? s / 60 + " min" : s + " s";
    }

    private static List<String> words(String raw) {
        String t = raw.trim();
        return t.isEmpty() ? List.of() : List.of(t.split("\\s+"));
    }

    static Duration duration(String option, String raw) {
        Duration d = durationOrZero(option, raw);
        if (d.isZero()) {
            throw new IllegalArgumentException(option + " must be longer than 0");
        }
        return d;
    }

    /** {@code 90s}, {@code 3m}, {@code 1h}, {@code 500ms}, a bare number of seconds, or ISO-8601 ({@code PT30M}). */
    static Duration durationOrZero(String option, String raw) {
        String t = raw.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return nonNegative(option, Duration.parse(t.toUpperCase(Locale.ROOT)));
            }
            if (t.endsWith("ms")) {
                return nonNegative(option, Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
            }
            long n = Long.parseLong(t.replaceAll("[smh]$", ""));
            Duration d = t.endsWith("h")
                    ? Duration.ofHours(n)
                    : t.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
            return nonNegative(option, d);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException iae
                    && iae.getMessage() != null
                    && iae.getMessage().startsWith(option)) {
                throw iae;
            }
            throw new IllegalArgumentException(
                    option + " takes a duration such as 90s, 3m, 1h or PT30M, not '" + raw + "'", e);
        }
    }

    private static Duration nonNegative(String option, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative");
        }
        return d;
    }

    private static String value(String option, String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n\n" + USAGE);
        }
        return args[index];
    }

    private static int positive(String option, String raw) {
        int n = nonNegative(option, raw);
        if (n == 0) {
            throw new IllegalArgumentException(option + " must be a positive integer, not 0");
        }
        return n;
    }

    private static int nonNegative(String option, String raw) {
        int n;
        try {
            n = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, not '" + raw + "'", e);
        }
        if (n < 0) {
            throw new IllegalArgumentException(option + " must not be negative, not " + n);
        }
        return n;
    }
}
