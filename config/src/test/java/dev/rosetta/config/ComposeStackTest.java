package dev.rosetta.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.config.routing.VersionDecision;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/compose.yaml checked without a daemon: Rosetta's configuration there loads with Rosetta's own loader and
 * the environment compose gives it, the demo consumers expect the versions the route gives their client ids, every
 * service stays on the host's loopback, every health condition has a healthcheck to wait on and every mounted file
 * exists. docker/test.sh runs the stack for real.
 */
class ComposeStackTest {
    private static final Path DOCKER = Path.of("..", "docker");
    private static JsonNode services;

    @BeforeAll
    static void parse() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory())
                .readTree(DOCKER.resolve("compose.yaml").toFile());
        services = compose.path("services");
        assertThat(services.size()).as("services in docker/compose.yaml").isGreaterThanOrEqualTo(6);
    }

    private static RosettaConfig rosettaConfig() throws Exception {
        Map<String, String> env = new HashMap<>();
        services.path("rosetta")
                .path("environment")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        for (String volume : strings(services.path("rosetta").path("volumes"))) {
            String[] parts = volume.split(":");
            if (parts[1].equals("/etc/rosetta/translators")) { // the folder mounted there, as the loader checks it
                env.put(
                        "ROSETTA_TRANSLATORS_DIR",
                        DOCKER.resolve(parts[0]).toAbsolutePath().normalize().toString());
            }
        }
        Path file = DOCKER.resolve("compose").resolve("rosetta.yaml");
        return ConfigLoader.parse(Files.readString(file), file.toString(), file.getParent(), env::get);
    }

    @Test
    void rosettasConfigurationLoadsWithTheEnvironmentComposeGivesIt() throws Exception {
        RosettaConfig config = rosettaConfig();

        assertThat(config.upstream().bootstrapServers()).containsExactly("127.0.0.1:9092");
        assertThat(config.registry().url()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
        assertThat(config.listener().bindHost()).isEqualTo("127.0.0.1");
        assertThat(config.admin().bindHost()).isEqualTo("127.0.0.1");
        assertThat(config.audit().file())
                .as("the audit log is written to the data volume")
                .isEqualTo(Path.of("/var/lib/rosetta/audit.jsonl"));
        assertThat(config.routes()).extracting(RouteConfig::topic).containsExactly("orders");
        assertThat(config.routes().get(0).failure().deadLetterTopic()).isEqualTo("orders.rosetta-dlq");
    }

    @Test
    void eachDemoConsumerExpectsTheVersionItsRouteGivesIt() throws Exception {
        RouteTable table = RouteTable.of(rosettaConfig().routes());
        List<String> checked = new ArrayList<>();
        for (var it = services.fields(); it.hasNext(); ) {
            var service = it.next();
            List<String> command = strings(service.getValue().path("command"));
            if (command.size() < 2 || !command.get(1).equals("consume")) {
                continue;
            }
            String clientId = argument(command, "--client-id");
            int expected = Integer.parseInt(argument(command, "--expect-version"));
            VersionDecision decision = table.forClient(clientId, null).consume(argument(command, "--topic"));
            assertThat(decision).as("route for %s", service.getKey()).isNotNull();
            assertThat(decision.stableVersion())
                    .as("the version service %s (client id %s) expects", service.getKey(), clientId)
                    .isEqualTo(expected);
            checked.add(service.getKey() + " v" + expected);
        }
        assertThat(checked).as("demo consumers").containsExactlyInAnyOrder("legacy-billing v1", "analytics v2");
    }

    @Test
    void everyServiceStaysOnTheHostsLoopbackAndWaitsOnRealHealthchecks() {
        services.fields().forEachRemaining(s -> {
            JsonNode service = s.getValue();
            assertThat(service.path("network_mode").asText())
                    .as("%s shares the host's network (no bridge, no private-range addresses)", s.getKey())
                    .isEqualTo("host");
            service.path("depends_on").fields().forEachRemaining(d -> {
                String condition = d.getValue().path("condition").asText();
                JsonNode dependency = services.path(d.getKey());
                assertThat(dependency.isMissingNode())
                        .as("%s depends on %s", s.getKey(), d.getKey())
                        .isFalse();
                if (condition.equals("service_healthy")) {
                    assertThat(dependency.path("healthcheck").path("test").isArray())
                            .as("%s waits for %s to be healthy: it needs a healthcheck", s.getKey(), d.getKey())
                            .isTrue();
                } else {
                    assertThat(condition).isEqualTo("service_completed_successfully");
                }
            });
            for (JsonNode env : service.path("environment")) {
                String value = env.asText();
                if (value.matches("(https?://)?\\d+\\.\\d+\\.\\d+\\.\\d+.*")) {
                    assertThat(value)
                            .as("%s addresses stay on loopback", s.getKey())
                            .contains("127.0.0.1");
                }
            }
        });
    }

    @Test
    void everyMountedFileExists() {
        services.fields().forEachRemaining(s -> {
            for (String volume : strings(s.getValue().path("volumes"))) {
                String source = volume.split(":")[0];
                if (source.startsWith(".")) {
                    assertThat(DOCKER.resolve(source))
                            .as("%s mounts %s", s.getKey(), volume)
                            .exists();
                }
            }
        });
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String argument(List<String> command, String option) {
        int i = command.indexOf(option);
        assertThat(i).as("%s in %s", option, command).isNotNegative();
        return command.get(i + 1);
    }
}
