package dev.rosetta.translators.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Apicurio Registry 3.3.3 (in-memory storage, loopback only), started once per test class:
 * a registry nobody on the team wrote, serving the Confluent API at {@link #ccompatUrl()}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ApicurioRegistry APICURIO = new ApicurioRegistry();
 * </pre>
 *
 * <p>Maven fetches and unpacks {@code io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all} into
 * {@code target/apicurio} and passes that folder as system property {@value #HOME_PROPERTY}.
 * Apicurio needs Java 21+, while the build may run on 17: the JDK is chosen explicitly (the
 * running JVM if it is 21+, else {@code JAVA_HOME}, else the newest under {@code /usr/lib/jvm}),
 * never {@code java} from the PATH. Without one the test class fails (it does not skip), so a CI
 * machine that cannot run the check cannot pass silently.
 *
 * <p>Ports are 0 (the OS picks free ones) and read back from Apicurio's "Listening on" log line;
 * the registry's whole log goes to {@code target/apicurio-<TestClass>.log}. Every start is an
 * empty registry. Not thread-safe: one instance per test class.
 */
public final class ApicurioRegistry implements BeforeAllCallback, AfterAllCallback {
    /** System property naming the folder that holds {@code quarkus-run.jar}. */
    public static final String HOME_PROPERTY = "apicurio.home";
    /** Confluent-compatible API path of Apicurio 3. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final int MIN_JAVA = 21;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern LISTENING = Pattern.compile(
            "Listening on: https?://[^\\s]+:(\\d+)\\. Management interface listening on https?://[^\\s]+:(\\d+)");
    private static final Pattern JAVA_VERSION = Pattern.compile("version \"(\\d+)(?:\\.(\\d+))?");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Deque<String> logTail = new ArrayDeque<>();
    private Process process;
    private Thread shutdownHook;
    private Path logFile;
    private int port;
    private int managementPort;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts Apicurio and returns once {@code /health/ready} answers 200; fails with the log tail otherwise. */
    public void start(String name) throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("Apicurio is already running on port " + port);
        }
        Path home = home();
        Path java = findJava();
        logFile = home.resolveSibling("apicurio-" + name + ".log");
        long started = System.nanoTime();
        process = new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        // C1 only: the registry lives for seconds; measured 4.4 s to "Listening" vs 6-8 s with C2
                        "-XX:TieredStopAtLevel=1",
                        // without the host settings Quarkus binds every interface
                        "-Dquarkus.http.host=127.0.0.1",
                        "-Dquarkus.management.host=127.0.0.1",
                        "-Dquarkus.http.port=0",
                        "-Dquarkus.management.port=0",
                        "-jar",
                        home.resolve("quarkus-run.jar").toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        shutdownHook = new Thread(this::destroyTree, "apicurio-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook); // a test JVM that dies early leaves no registry behind
        CompletableFuture<int[]> ports = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpLog(ports), "apicurio-log");
        pump.setDaemon(true);
        pump.start();
        try {
            int[] p = ports.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            port = p[0];
            managementPort = p[1];
            awaitReady(started + START_TIMEOUT.toNanos());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            stop();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException(
                    "Apicurio Registry did not start (" + java + ", log " + logFile + "): " + cause.getMessage()
                            + "\n--- last log lines ---\n" + tail(),
                    cause);
        }
        System.out.printf(
                "Apicurio Registry ready at %s in %d ms (Java %s, log %s)%n",
                baseUrl(), (System.nanoTime() - started) / 1_000_000, java, logFile);
    }

    /** Stops the registry (its whole process tree); waits for it to exit. Idempotent. */
    public void stop() {
        if (process == null) {
            return;
        }
        destroyTree();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        process = null;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        requireRunning();
        return "http://127.0.0.1:" + port;
    }

    /** The Confluent-compatible API: {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /** {@code http://127.0.0.1:MANAGEMENT_PORT} (health endpoints). */
    public String managementUrl() {
        requireRunning();
        return "http://127.0.0.1:" + managementPort;
    }

    /** Where this run's log goes. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Registers an Avro {@code schema} under {@code subject} with a plain HTTP call (not Rosetta's
     * client) and returns Apicurio's id for it.
     */
    public int register(String subject, String schema) {
        String body = JSON.createObjectNode().put("schema", schema).toString();
        return send("POST", "/subjects/" + enc(subject) + "/versions", body)
                .path("id")
                .asInt();
    }

    /** Sets {@code subject}'s compatibility level ({@code PUT /config/{subject}}). */
    public void compatibility(String subject, String level) {
        send(
                "PUT",
                "/config/" + enc(subject),
                JSON.createObjectNode().put("compatibility", level).toString());
    }

    /** A raw exchange with the Confluent API, for tests that check what the registry itself does. */
    public HttpResponse<String> exchange(HttpRequest.Builder request, String path) {
        try {
            return http.send(
                    request.uri(URI.create(ccompatUrl() + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, String body) {
        HttpResponse<String> response = exchange(
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body)),
                path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    method + " " + path + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private void requireRunning() {
        if (process == null) {
            throw new IllegalStateException("Apicurio is not running");
        }
    }

    private static Path home() {
        String home = System.getProperty(HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("system property " + HOME_PROPERTY + " is not set: run the test through"
                    + " Maven (the module's pom unpacks io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all into"
                    + " target/apicurio and sets it), or pass -D" + HOME_PROPERTY + "=<folder with quarkus-run.jar>");
        }
        Path dir = Path.of(home).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(dir + " has no quarkus-run.jar: the Maven unpack of"
                    + " io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all did not run or failed (run `mvn verify`)");
        }
        return dir;
    }

    /**
     * The {@code java} launcher of a JDK 21+: the running JVM's, else {@code JAVA_HOME}'s, else the
     * newest under {@code /usr/lib/jvm}.
     */
    static Path findJava() {
        List<String> tried = new ArrayList<>();
        Path running = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Runtime.version().feature() >= MIN_JAVA) {
            return running;
        }
        tried.add(running + " (the test JVM: " + Runtime.version().feature() + ")");
        String javaHome = System.getenv("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            Path candidate = Path.of(javaHome, "bin", "java");
            int v = javaVersion(candidate);
            if (v >= MIN_JAVA) {
                return candidate;
            }
            tried.add(candidate + " (JAVA_HOME: " + describe(v) + ")");
        }
        Path jvms = Path.of("/usr/lib/jvm");
        record Found(Path java, int version) {}
        List<Found> found = new ArrayList<>();
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                for (Path dir : dirs.sorted().toList()) {
                    Path candidate = dir.resolve("bin").resolve("java");
                    if (Files.isExecutable(candidate)) {
                        int v = javaVersion(candidate);
                        found.add(new Found(candidate, v));
                        tried.add(candidate + " (" + describe(v) + ")");
                    }
                }
            } catch (IOException e) {
                tried.add(jvms + " (unreadable: " + e.getMessage() + ")");
            }
        } else {
            tried.add(jvms + " (no such folder)");
        }
        Optional<Found> best =
                found.stream().filter(f -> f.version() >= MIN_JAVA).max(Comparator.comparingInt(Found::version));
        if (best.isPresent()) {
            return best.get().java();
        }
        throw new IllegalStateException("Apicurio Registry 3.3.3 needs Java " + MIN_JAVA + " or newer and none was"
                + " found; tried: " + String.join("; ", tried) + ". Install a JDK 21+ under /usr/lib/jvm or point"
                + " JAVA_HOME at one.");
    }

    private static String describe(int version) {
        return version > 0 ? "Java " + version : "version unknown";
    }

    /** The feature version {@code candidate -version} reports, or -1. */
    private static int javaVersion(Path candidate) {
        try {
            Process p = new ProcessBuilder(candidate.toString(), "-version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            Matcher m = JAVA_VERSION.matcher(out);
            if (!m.find()) {
                return -1;
            }
            int major = Integer.parseInt(m.group(1));
            return major == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : major; // "1.8.0_x" is Java 8
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Copies the registry's output to the log file, keeps a tail for failure messages, finds the ports. */
    private void pumpLog(CompletableFuture<int[]> ports) {
        Process p = process;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                line = ANSI.matcher(line).replaceAll("");
                log.write(line);
                log.newLine();
                log.flush();
                synchronized (logTail) {
                    logTail.addLast(line);
                    if (logTail.size() > 40) {
                        logTail.removeFirst();
                    }
                }
                if (!ports.isDone()) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        ports.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                    }
                }
            }
        } catch (IOException e) {
            ports.completeExceptionally(e);
        }
        ports.completeExceptionally(new IllegalStateException("the registry's output ended (process "
                + (p.isAlive() ? "still running" : "exited with code " + p.exitValue())
                + ") without a 'Listening on: ... Management interface listening on ...' line"));
    }

    private void awaitReady(long deadlineNanos) throws InterruptedException {
        URI ready = URI.create(managementUrl() + "/health/ready");
        String last = "no answer yet";
        while (System.nanoTime() < deadlineNanos) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with code " + process.exitValue());
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(ready)
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // poll interval
        }
        throw new IllegalStateException(ready + " not ready within " + START_TIMEOUT + ": " + last);
    }

    private void destroyTree() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        synchronized (logTail) {
            return String.join("\n", logTail);
        }
    }
}
