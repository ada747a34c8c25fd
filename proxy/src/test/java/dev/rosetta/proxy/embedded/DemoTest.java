package dev.rosetta.proxy.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo, run fast on free ports: every step happens and each consumer only ever gets its version. */
class DemoTest {

    @Test
    void theDemoTellsTheWholeStoryAndEachConsumerGetsItsOwnVersion() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
        Path contracts = Path.of("..", "config", "examples", "contracts");
        Path translators = Path.of("..", "config", "examples", "translators");
        boolean ok;
        try (Demo demo =
                new Demo(new Demo.Options(contracts, translators, "127.0.0.1", 0, 0, 0, Duration.ofSeconds(2)), out)) {
            ok = demo.run();
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(text).isTrue();
        assertThat(text)
                .contains(
                        "1. A v1 producer",
                        "2. Ramp the produce side to v2 for 50%",
                        "3. All records are now stored as v2",
                        "4. Roll back")
                .contains("legacy-billing (reads v1)", "<- v1 {\"id\": \"o-")
                .contains("analytics (reads v2)", "<- v2 {\"id\": \"o-", "\"currency\": \"EUR\"")
                .contains("rollout orders produce v2 at 50%", "rollout orders produce v2 at 100%")
                .containsPattern("OK +legacy-billing received [1-9][0-9]* records, all in v1")
                .containsPattern("OK +analytics received [1-9][0-9]* records, all in v2");
        // after the ramp to 100% the topic held v2 only; before it, v1 only
        assertThat(text)
                .containsPattern("(?s)1\\. A v1 producer.*this phase: v1 100%.*3\\. All records.*this phase: v2 100%");
    }
}
