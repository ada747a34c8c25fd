package dev.rosetta.benchmarks.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Rosetta as it ships: {@code java <options> -jar rosetta.jar proxy --config FILE} in its own JVM,
 * its log (stdout and stderr) in a file, read through its admin API ({@code /readyz},
 * {@code /metrics}) and {@code /proc}, like an operator would. A shutdown hook kills it if the
 * harness dies first.
 */
final class RosettaProcess implements AutoCloseable {
    private final Process process;
    private final String adminUrl;
    private final Path log;
    private final HttpClient http;
    private final Thread killOnExit;

    private RosettaProcess(Process process, String adminUrl, Path log) {
        this.process = process;
        this.adminUrl = adminUrl;
        this.log = log;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.killOnExit = new Thread(process::destroyForcibly, "rosetta-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts the jar and returns once {@code /readyz} answers 200.
     *
     * @param adminUrl the admin API's base URL the configuration sets, e.g. {@code http://127.0.0.1:39080}
     */
    static RosettaProcess start(
            Path jar, Path config, List<String> jvmOptions, Path log, String adminUrl, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.add("proxy");
        command.add("--config");
        command.add(config.toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Rosetta: " + command, e);
        }
        RosettaProcess rosetta = new RosettaProcess(process, adminUrl, log);
        try {
            rosetta.awaitReady(timeout);
        } catch (RuntimeException e) {
            rosetta.close();
            throw e;
        }
        return rosetta;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Rosetta exited with code " + process.exitValue()
                        + " before it was ready; its log:\n" + tail());
            }
            try {
                HttpResponse<String> r = get("/readyz");
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            sleep(200);
        }
        throw new IllegalStateException(
                "Rosetta was not ready within " + timeout + " (last /readyz: " + last + "); its log:\n" + tail());
    }

    HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(adminUrl + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    /** A route change through the admin API, made as the soak's operator. */
    HttpResponse<String> post(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(adminUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Rosetta-Actor", "soak")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** One scrape of {@code /metrics}. */
    PrometheusText metrics() throws IOException {
        HttpResponse<String> r = get("/metrics");
        if (r.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + r.statusCode() + ": " + r.body());
        }
        return PrometheusText.parse(r.body());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The resident set size from {@code /proc/<pid>/status} (VmRSS), in bytes; -1 when it cannot be read. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] f = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * A full, stop-the-world collection in Rosetta's JVM that then counts what survived, per class
     * ({@code jcmd PID GC.class_histogram}); returns the histogram when the GC is done. What survives
     * is the live heap. The collection also hands every unreachable leaked buffer to Netty's leak
     * detector, which reports it at the next allocation.
     */
    String classHistogram() throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + pid() + " GC.class_histogram failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while waiting for jcmd", e);
        }
    }

    /** Lines of Rosetta's log that contain {@code needle}. */
    List<String> logLines(String needle) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot read Rosetta's log " + log + ": " + e.getMessage(), e);
        }
    }

    /** Lines of Rosetta's log from the first line containing {@code needle}, at most {@code max}. */
    List<String> logFrom(String needle, int max) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            List<String> out = new ArrayList<>();
            boolean on = false;
            for (String l : (Iterable<String>) lines::iterator) {
                on |= l.contains(needle);
                if (on) {
                    out.add(l);
                    if (out.size() >= max) {
                        break;
                    }
                }
            }
            return out;
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM (Rosetta's shutdown hook closes it cleanly), then SIGKILL after 30 s; the exit code, or -1 if killed. */
    int stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
