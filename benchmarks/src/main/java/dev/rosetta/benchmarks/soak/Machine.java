package dev.rosetta.benchmarks.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** What the soak says about the machine it ran on, from {@code /proc} where Linux has it. */
final class Machine {
    private Machine() {}

    /** The 1, 5 and 15-minute load averages (everyone's work on the machine, not only the soak's). */
    static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", load1());
        }
    }

    static double load1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** This process's nice value (field 19 of /proc/self/stat); the broker and Rosetta inherit it. */
    static String niceness() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[16];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String memory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    return String.format(Locale.ROOT, "%.0f GB RAM", kb / 1e6);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return "RAM unknown";
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** What {@code java -jar JAR --version} prints: the version and commit the jar was built from. */
    static String version(Path jar) {
        try {
            Process p = new ProcessBuilder(RosettaProcess.java(), "-jar", jar.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(30, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "(version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(version unknown)";
        }
    }
}
