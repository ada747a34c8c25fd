package dev.rosetta.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The container image's built-in configuration (docker/rosetta.yaml), loaded with Rosetta's own loader. */
class ImageConfigTest {
    private static final Path IMAGE_CONFIG = Path.of("..", "docker", "rosetta.yaml");

    private static RosettaConfig load(Path translators, Map<String, String> env) throws Exception {
        String yaml = Files.readString(IMAGE_CONFIG);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.putIfAbsent("ROSETTA_TRANSLATORS_DIR", translators.toString());
        return ConfigLoader.parse(yaml, "rosetta.yaml", translators, all::get);
    }

    @Test
    void withoutAnAdminTokenTheImageRefusesToServeRoutesBeyondLoopbackAndSaysWhatToSet(@TempDir Path dir) {
        assertThatThrownBy(() -> load(dir, Map.of("KAFKA_BOOTSTRAP", "kafka:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin.bindHost")
                .hasMessageContaining("ROSETTA_ADMIN_TOKEN")
                .hasMessageContaining("allowUnauthenticated");
    }

    @Test
    void theAdminTokenMayComeFromAMountedSecret(@TempDir Path dir) throws Exception {
        Path secret = java.nio.file.Files.writeString(dir.resolve("admin-token"), "from-the-secret\n");
        RosettaConfig config =
                load(dir, Map.of("KAFKA_BOOTSTRAP", "kafka:9092", "ROSETTA_ADMIN_TOKEN_FILE", secret.toString()));

        assertThat(config.admin().bearerToken()).isEqualTo("from-the-secret");
    }

    @Test
    void onlyTheBootstrapServersAndAnAdminDecisionAreNeeded(@TempDir Path dir) throws Exception {
        RosettaConfig config =
                load(dir, Map.of("KAFKA_BOOTSTRAP", "kafka:9092", "ROSETTA_ADMIN_ALLOW_UNAUTHENTICATED", "true"));

        assertThat(config.upstream().bootstrapServers()).containsExactly("kafka:9092");
        assertThat(config.listener().bindHost()).isEqualTo("0.0.0.0");
        assertThat(config.listener().advertisedHost()).isEqualTo("localhost");
        assertThat(config.listener().bootstrapPort()).isEqualTo(19092);
        assertThat(config.listener().fetchCodec()).isEqualTo(ListenerConfig.FetchCodec.KEEP);
        assertThat(config.registry().enabled())
                .as("no registry URL: pass-through only")
                .isFalse();
        assertThat(config.admin().bindHost()).isEqualTo("0.0.0.0");
        assertThat(config.admin().bearerToken())
                .as("an empty variable leaves the token unset")
                .isNull();
        assertThat(config.audit().file()).isEqualTo(Path.of("/var/lib/rosetta/audit.jsonl"));
    }

    @Test
    void everyDeployerSettingComesFromTheEnvironment(@TempDir Path dir) throws Exception {
        RosettaConfig config = load(
                dir,
                Map.of(
                        "KAFKA_BOOTSTRAP", "k1:9092,k2:9092",
                        "ROSETTA_ADVERTISED_HOST", "127.0.0.1",
                        "ROSETTA_FETCH_CODEC", "none",
                        "SCHEMA_REGISTRY_URL", "https://registry:8081",
                        "SCHEMA_REGISTRY_USERNAME", "rosetta",
                        "SCHEMA_REGISTRY_PASSWORD", "s3cret",
                        "ROSETTA_ADMIN_BIND_HOST", "127.0.0.1",
                        "ROSETTA_ADMIN_TOKEN", "t0ken",
                        "ROSETTA_DATA_DIR", "/data"));

        assertThat(config.upstream().bootstrapServers()).containsExactly("k1:9092", "k2:9092");
        assertThat(config.listener().advertisedHost()).isEqualTo("127.0.0.1");
        assertThat(config.listener().fetchCodec()).isEqualTo(ListenerConfig.FetchCodec.NONE);
        assertThat(config.registry().url()).isEqualTo("https://registry:8081");
        assertThat(config.registry().username()).isEqualTo("rosetta");
        assertThat(config.admin().bindHost()).isEqualTo("127.0.0.1");
        assertThat(config.admin().bearerToken()).isEqualTo("t0ken");
        assertThat(config.audit().file()).isEqualTo(Path.of("/data/audit.jsonl"));
        assertThat(config.translators().directory()).isEqualTo(dir);
    }

    @Test
    void withoutTheBootstrapServersItSaysWhichVariableToSet(@TempDir Path dir) {
        assertThatThrownBy(() -> load(dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP is not set");
    }
}
