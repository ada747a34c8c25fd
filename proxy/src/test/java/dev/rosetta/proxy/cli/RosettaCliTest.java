package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class RosettaCliTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Rosetta.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("proxy", "embedded", "help");
    }

    @Test
    void versionNamesTheProjectVersionAndTheCommitItWasBuiltFrom() throws Exception {
        Run run = run("--version");
        assertThat(run.exitCode()).isZero();
        // the build runs in a git checkout: the commit is known (the working tree may be dirty)
        String head = new String(
                        new ProcessBuilder("git", "rev-parse", "--short=7", "HEAD")
                                .start()
                                .getInputStream()
                                .readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8)
                .trim();
        assertThat(run.out().trim())
                .matches("rosetta \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit [0-9a-f]{7}(, with uncommitted changes)?\\)")
                .contains("commit " + head);
    }

    @Test
    void probeExitsZeroOnlyOnA2xxAnswer() throws Exception {
        com.sun.net.httpserver.HttpServer server =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/readyz", exchange -> {
            byte[] body = "{\"status\":\"not ready\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Run healthy = run("probe", base + "/healthz");
            assertThat(healthy.exitCode()).isZero();
            assertThat(healthy.out()).contains("answered 200");
            Run notReady = run("probe", base + "/readyz");
            assertThat(notReady.exitCode()).isEqualTo(1);
            assertThat(notReady.err()).contains("answered 503", "not ready");
        } finally {
            server.stop(0);
        }
        java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        int port = closed.getLocalPort();
        closed.close();
        Run unreachable = run("probe", "--timeout", "PT1S", "http://127.0.0.1:" + port + "/healthz");
        assertThat(unreachable.exitCode()).isEqualTo(1);
        assertThat(unreachable.err()).contains("cannot reach");
        assertThat(run("probe", "ftp://example.org/x").exitCode()).isEqualTo(2);
    }

    @Test
    void everySubcommandDocumentsItsOptions() {
        for (var entry : Rosetta.commandLine().getSubcommands().entrySet()) {
            if (entry.getKey().equals("help")) {
                continue;
            }
            Run run = run(entry.getKey(), "--help");
            assertThat(run.exitCode()).as(entry.getKey()).isZero();
            assertThat(run.out()).as(entry.getKey()).contains("Usage: rosetta " + entry.getKey());
            // picocli reads ${NAME} in help text as a variable and prints null when nothing defines it
            assertThat(run.out())
                    .as(entry.getKey() + ": a ${...} in its help text was taken for a picocli variable")
                    .doesNotContainPattern("\\bnull\\b");
            for (var option : entry.getValue().getCommandSpec().options()) {
                assertThat(option.description())
                        .as(entry.getKey() + " " + option.longestName())
                        .isNotEmpty();
            }
        }
    }

    @Test
    void proxyWithoutConfigSaysWhatIsMissing() {
        Run run = run("proxy");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required option: '--config=FILE'");
    }

    @Test
    void proxyWithInvalidConfigExitsWithTheLocatedError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rosetta.yaml");
        Files.writeString(file, "upstream:\n  bootstrapServers: kafka:notaport\n");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int code;
        try {
            code = Rosetta.commandLine().execute("proxy", "--config", file.toString());
        } finally {
            System.setErr(original);
        }
        assertThat(code).isEqualTo(2);
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains(file.toString() + ":2")
                .contains("upstream.bootstrapServers");
    }
}
