package dev.rosetta.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the Node.js Kafka clients of {@code src/test/node} (KafkaJS), which the build installs into
 * {@code target/node-clients} ({@code npm ci}) and names in the {@code node.clients} system property.
 */
public final class NodeClients {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeClients() {}

    /**
     * Runs {@code script} with {@code args} and returns the JSON line it prints last.
     *
     * @throws AssertionError when the script fails, times out or prints no JSON, with its output
     */
    public static JsonNode run(String script, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        String home = System.getProperty("node.clients");
        if (home == null) {
            throw new AssertionError("system property node.clients is not set; run the tests through Maven");
        }
        Path file = Path.of(home, script);
        if (!Files.isRegularFile(file) || !Files.isDirectory(Path.of(home, "node_modules"))) {
            throw new AssertionError(file + " or its node_modules is missing; the build installs them with npm ci");
        }
        List<String> command = new ArrayList<>(List.of("node", file.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(Path.of(home).toFile())
                .redirectErrorStream(true)
                .start();
        byte[] output;
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + timeoutSeconds + " s");
            }
        } finally {
            output = process.getInputStream().readAllBytes();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        String last = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("{")) {
                last = line;
            }
        }
        if (process.exitValue() != 0 || last == null) {
            throw new AssertionError(script + " exited with " + process.exitValue() + ":\n" + text);
        }
        return JSON.readTree(last);
    }
}
