package dev.rosetta.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code upstream.sasl}: how Rosetta's own clients log in, with errors that name the key and line. */
class UpstreamSaslConfigTest {
    @TempDir
    Path dir;

    private RosettaConfig load(String sasl, Map<String, String> env) {
        String yaml = "upstream:\n  bootstrapServers: kafka:9092\n  sasl:\n" + sasl.indent(4);
        return ConfigLoader.parse(yaml, "rosetta.yaml", dir, env::get);
    }

    @Test
    void thePasswordComesFromTheEnvironmentOrAFileAndIsNeverPrinted() throws Exception {
        UpstreamSaslConfig fromEnv = load(
                        "mechanism: scram-sha-256\nusername: rosetta\npassword: ${KAFKA_PASSWORD}",
                        Map.of("KAFKA_PASSWORD", "pa\"ss"))
                .upstream()
                .sasl();
        assertThat(fromEnv.mechanism()).isEqualTo("SCRAM-SHA-256");
        assertThat(fromEnv.jaasConfig())
                .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"rosetta\""
                        + " password=\"pa\\\"ss\";");
        assertThat(fromEnv.toString()).doesNotContain("pa\"ss");

        Files.writeString(dir.resolve("secret"), "from-a-file\n");
        UpstreamSaslConfig fromFile = load("mechanism: PLAIN\nusername: rosetta\npasswordFile: secret", Map.of())
                .upstream()
                .sasl();
        assertThat(fromFile.password()).isEqualTo("from-a-file");
        assertThat(fromFile.jaasConfig()).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule");
    }

    @Test
    void mistakesNameTheKeyAndWhatToDo() {
        assertThatThrownBy(() -> load("mechanism: OAUTHBEARER\nusername: rosetta\npassword: x", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.sasl.mechanism")
                .hasMessageContaining("SCRAM-SHA-512");
        assertThatThrownBy(() -> load("mechanism: PLAIN\nusername: rosetta", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("exactly one of password");
        assertThatThrownBy(() -> load("mechanism: PLAIN\npassword: x", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.sasl.username");
        assertThatThrownBy(() -> load("mechanism: PLAIN\nusername: u\npasswordFile: missing", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.sasl.passwordFile");
    }
}
