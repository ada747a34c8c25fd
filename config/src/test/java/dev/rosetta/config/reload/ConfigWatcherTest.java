package dev.rosetta.config.reload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigWatcherTest {

    @TempDir
    Path dir;

    private final BlockingQueue<ConfigWatcher.Reload> reloads = new LinkedBlockingQueue<>();

    private static String config(String routes) {
        return "upstream:\n  bootstrapServers: kafka:9092\nroutes:\n" + routes;
    }

    private Path write(String text) throws Exception {
        // Save like an editor does: write a temp file, then rename over the original.
        Path file = dir.resolve("rosetta.yaml");
        Path tmp = Files.createTempFile(dir, "rosetta", ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    private ConfigWatcher.Reload nextReload() throws InterruptedException {
        ConfigWatcher.Reload reload = reloads.poll(20, TimeUnit.SECONDS);
        assertThat(reload).as("a reload within 20s").isNotNull();
        return reload;
    }

    private ConfigWatcher start(Path file, RouteStore store, boolean fileEvents) {
        return ConfigWatcher.builder(file, store)
                .debounce(Duration.ofMillis(50))
                .pollInterval(Duration.ofMillis(100))
                .fileEvents(fileEvents)
                .initial(ConfigLoader.load(file))
                .onReload(reloads::add)
                .start();
    }

    @Test
    void savingTheFileAppliesItsRoutesAsARevisionByFile() throws Exception {
        Path file = write(config("  - {topic: orders, consume: {version: 1}}\n"));
        RouteStore store = RouteStore.of(ConfigLoader.load(file).routes());
        try (ConfigWatcher ignored = start(file, store, true)) {
            write(config("  - {topic: orders, consume: {version: 1, rollout: {version: 2, percent: 10}}}\n"
                    + "  - {topic: payments, produce: {version: 3}}\n"));

            RouteRevision revision = nextReload().revision();

            assertThat(revision.number()).isEqualTo(1);
            assertThat(revision.actor()).isEqualTo("file");
            assertThat(revision.changed()).containsExactly("orders", "payments");
            assertThat(store.table().route("orders").consume().rollout().percent())
                    .isEqualTo(10);
            assertThat(store.table().route("payments").produce().version()).isEqualTo(3);
        }
    }

    @Test
    void anEditOutsideTheRoutesNeverUndoesARolloutMadeThroughTheApi() throws Exception {
        Path file = write(config("  - {topic: orders, consume: {version: 1}}\n"));
        RouteStore store = RouteStore.of(ConfigLoader.load(file).routes());
        try (ConfigWatcher ignored = start(file, store, true)) {
            store.apply(new dev.rosetta.config.routing.RouteChange.Rollout(
                    "orders", dev.rosetta.config.routing.RouteChange.Side.CONSUME, 2, 50, "alice", "canary"));
            long afterRollout = store.current().number();

            // a timeout and a comment change; the routes section is as it was
            write("# tuned by ops\n"
                    + config("  - {topic: orders, consume: {version: 1}}\n")
                            .replace(
                                    "bootstrapServers: kafka:9092",
                                    "bootstrapServers: kafka:9092\n  connectTimeout: 3s"));
            ConfigWatcher.Reload reload = nextReload();

            assertThat(reload.revision()).as("nothing was applied").isNull();
            assertThat(reload.error()).isNull();
            assertThat(store.current().number()).isEqualTo(afterRollout);
            assertThat(store.table().route("orders").consume().rollout().percent())
                    .as("alice's rollout stays")
                    .isEqualTo(50);

            // a changed routes section is the file's to apply: it replaces the routes, rollout included
            write(config("  - {topic: orders, consume: {version: 2}}\n"));
            RouteRevision applied = nextReload().revision();
            assertThat(applied).isNotNull();
            assertThat(store.table().route("orders").consume().version()).isEqualTo(2);
            assertThat(store.table().route("orders").consume().rollout()).isNull();
        }
    }

    @Test
    void invalidEditIsRejectedWithItsReasonAndRunningRoutesStay() throws Exception {
        Path file = write(config("  - {topic: orders, consume: {version: 1}}\n"));
        RouteStore store = RouteStore.of(ConfigLoader.load(file).routes());
        try (ConfigWatcher ignored = start(file, store, true)) {
            write(config("  - {topic: orders, consume: {version: 1, rollout: {version: 2, percent: 250}}}\n"));

            ConfigWatcher.Reload rejected = nextReload();

            assertThat(rejected.revision()).isNull();
            assertThat(rejected.error())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("routes[0].consume.rollout.percent = '250'");
            assertThat(store.current().number()).isZero();
            assertThat(store.table().route("orders").consume().rollout()).isNull();

            write(config("  - {topic: orders, consume: {version: 1, rollout: {version: 2, percent: 25}}}\n"));
            assertThat(nextReload().revision().number()).isEqualTo(1);
            assertThat(store.table().route("orders").consume().rollout().percent())
                    .isEqualTo(25);
        }
    }

    @Test
    void pollingFallbackSeesEditsWithoutFileEvents() throws Exception {
        Path file = write(config("  - {topic: orders, consume: {version: 1}}\n"));
        RouteStore store = RouteStore.of(ConfigLoader.load(file).routes());
        try (ConfigWatcher ignored = start(file, store, false)) {
            Files.writeString(file, config("  - {topic: orders, consume: {version: 4}}\n"));

            assertThat(nextReload().revision().table().route("orders").consume().version())
                    .isEqualTo(4);
            assertThat(store.table().route("orders").consume().version()).isEqualTo(4);
        }
    }

    @Test
    void rapidSavesAreDebouncedIntoTheLastContent() throws Exception {
        Path file = write(config("  - {topic: orders, consume: {version: 1}}\n"));
        RouteStore store = RouteStore.of(ConfigLoader.load(file).routes());
        RosettaConfig initial = ConfigLoader.load(file);
        try (ConfigWatcher ignored = ConfigWatcher.builder(file, store)
                .debounce(Duration.ofMillis(300))
                .initial(initial)
                .onReload(reloads::add)
                .start()) {
            for (int v = 2; v <= 6; v++) {
                write(config("  - {topic: orders, consume: {version: " + v + "}}\n"));
            }
            int applied = 0;
            RouteRevision revision;
            do {
                revision = nextReload().revision();
                applied++;
            } while (revision.table().route("orders").consume().version() != 6);
            assertThat(applied)
                    .as("five saves within the debounce window coalesce")
                    .isLessThan(5);
            assertThat(store.table().route("orders").consume().version()).isEqualTo(6);
        }
    }
}
