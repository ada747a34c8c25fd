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
    void everySubcommandDocumentsItsOptions() {
        for (var entry : Rosetta.commandLine().getSubcommands().entrySet()) {
            if (entry.getKey().equals("help")) {
                continue;
            }
            Run run = run(entry.getKey(), "--help");
            assertThat(run.exitCode()).as(entry.getKey()).isZero();
            assertThat(run.out()).as(entry.getKey()).contains("Usage: rosetta " + entry.getKey());
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
