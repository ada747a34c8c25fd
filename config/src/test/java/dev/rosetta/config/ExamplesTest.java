package dev.rosetta.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.routing.RouteTable;

import static org.assertj.core.api.Assertions.assertThat;

/** Every sample file in config/examples loads, so the documentation cannot drift from the code. */
class ExamplesTest {

    private static final Path EXAMPLES = Path.of("examples");
    private static final Map<String, String> NO_ENV = Map.of();

    private static RosettaConfig load(String name) {
        return ConfigLoader.load(EXAMPLES.resolve(name), NO_ENV::get);
    }

    @Test
    void everyExampleYamlLoadsAndBuildsARouteTable() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> p.getFileName().toString().matches("rosetta.*\\.ya?ml"))
                    .sorted()
                    .toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("rosetta.yaml", "rosetta-full.yaml");
        for (Path file : files) {
            RosettaConfig config = ConfigLoader.load(file, NO_ENV::get);
            assertThat(RouteTable.of(config.routes()).routes())
                    .as(file.toString())
                    .hasSameSizeAs(config.routes());
        }
    }

    @Test
    void minimalExampleIsDefaultsPlusOneRoute() {
        RosettaConfig c = load("rosetta.yaml");
        assertThat(c.listener()).isEqualTo(ListenerConfig.defaults());
        assertThat(c.upstream().bootstrapServers()).containsExactly("localhost:9092");
        assertThat(c.registry().url()).isEqualTo("http://localhost:8081");
        assertThat(c.routes()).containsExactly(RouteConfig.consumeOnly("orders", 2));
    }

    @Test
    void fullExampleUsesEveryRouteFeature() {
        RosettaConfig c = load("rosetta-full.yaml");
        assertThat(c.listener().advertisedHost()).isEqualTo("localhost");
        assertThat(c.admin().bearerToken())
                .as("empty token means no authentication")
                .isNull();
        RouteConfig orders = c.routes().get(0);
        assertThat(orders.consume().overrides()).hasSize(3);
        assertThat(orders.consume().rollout().percent()).isEqualTo(12.5);
        assertThat(orders.produce().rollout().percent()).isEqualTo(5);
        assertThat(orders.keys())
                .isEqualTo(new RouteConfig.KeyRoute("orders-key", java.util.Map.of(1, 1, 2, 1), false));
        assertThat(c.routes().get(1).failure().mode()).isEqualTo(FailureMode.DEAD_LETTER);
    }
}
