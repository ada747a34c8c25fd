package dev.rosetta.config.distribution;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteJson;
import dev.rosetta.config.routing.RouteTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sidecars of different versions share the routes topic: each must read what the other writes. */
class RouteRecordTest {

    /** A record exactly as sidecars wrote it before the envelope was a bound type (December 2026). */
    private static final String WRITTEN_BY_AN_OLDER_SIDECAR =
            "{\"changeId\":\"sidecar-a-1234\",\"origin\":\"sidecar-a\","
                    + "\"time\":\"2026-12-01T10:15:30.123Z\",\"basedOn\":7,\"reassert\":true,"
                    + "\"change\":{\"kind\":\"rollout\",\"topic\":\"orders\",\"side\":\"PRODUCE\",\"version\":2,\"percent\":5E+1,"
                    + "\"actor\":\"alice\",\"reason\":\"canary\"},"
                    + "\"routes\":[{\"topic\":\"orders\",\"valueSubject\":\"orders-value\",\"consume\":{\"version\":1},"
                    + "\"produce\":{\"version\":1,\"rollout\":{\"version\":2,\"percent\":5E+1}},"
                    + "\"failure\":{\"mode\":\"PASS_THROUGH\",\"header\":\"rosetta.error\"}}]}";

    private static final RouteChange ROLLOUT =
            new RouteChange.Rollout("orders", RouteChange.Side.PRODUCE, 2, 50, "alice", "canary");

    private static RouteTable afterRollout() {
        RouteConfig orders =
                new RouteConfig("orders", "orders-value", null, ConsumeConfig.of(1), ProduceConfig.of(1), null);
        return RouteChange.applyTo(ROLLOUT, RouteTable.of(List.of(orders)));
    }

    /** The envelope as the older sidecars built it, key by key. */
    private static String writtenTheOldWay(
            String changeId,
            String origin,
            Instant time,
            long basedOn,
            boolean reassert,
            RouteChange change,
            RouteTable routes) {
        ObjectNode value = JsonNodeFactory.instance.objectNode();
        value.put("changeId", changeId);
        value.put("origin", origin);
        value.put("time", time.toString());
        value.put("basedOn", basedOn);
        if (reassert) {
            value.put("reassert", true);
        }
        value.set("change", RouteJson.toJson(change));
        value.set("routes", RouteJson.toJson(routes.routes()));
        return RouteJson.write(value);
    }

    @Test
    void aRecordWrittenByAnOlderSidecarIsReadWithEveryField() {
        RouteRecord record = RouteRecord.read(WRITTEN_BY_AN_OLDER_SIDECAR);

        assertThat(record.changeId()).isEqualTo("sidecar-a-1234");
        assertThat(record.origin()).isEqualTo("sidecar-a");
        assertThat(record.timeOrNow()).isEqualTo(Instant.parse("2026-12-01T10:15:30.123Z"));
        assertThat(record.basedOn()).isEqualTo(7);
        assertThat(record.reassert()).isTrue();
        assertThat(record.routeChange()).isEqualTo(ROLLOUT);
        assertThat(record.routeTable()).isEqualTo(afterRollout());
    }

    @Test
    void aNewRecordIsByteForByteWhatAnOlderSidecarWroteAndReads() {
        Instant time = Instant.parse("2026-12-01T10:15:30.123Z");
        for (boolean reassert : new boolean[] {true, false}) {
            String written = RouteRecord.of("sidecar-a-1234", "sidecar-a", time, 7, reassert, ROLLOUT, afterRollout())
                    .write();

            assertThat(written)
                    .isEqualTo(writtenTheOldWay(
                            "sidecar-a-1234", "sidecar-a", time, 7, reassert, ROLLOUT, afterRollout()));
        }
        assertThat(RouteRecord.of("sidecar-a-1234", "sidecar-a", time, 7, true, ROLLOUT, afterRollout())
                        .write())
                .isEqualTo(WRITTEN_BY_AN_OLDER_SIDECAR);
    }

    @Test
    void fieldsAddedByANewerSidecarAreIgnoredAndMissingOnesReadAsBefore() {
        RouteRecord record = RouteRecord.read("{\"changeId\":\"x\",\"addedLater\":{\"a\":1}," + "\"change\":"
                + RouteJson.write(RouteJson.toJson(ROLLOUT)) + ",\"routes\":[]}");

        assertThat(record.changeId()).isEqualTo("x");
        assertThat(record.origin()).isEmpty();
        assertThat(record.basedOn()).isZero();
        assertThat(record.reassert()).isFalse();
        assertThat(record.routeChange()).isEqualTo(ROLLOUT);
        assertThat(record.routeTable().isEmpty()).isTrue();
    }

    @Test
    void aValueThatIsNotARouteRecordIsRefused() {
        assertThatThrownBy(() -> RouteRecord.read("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RouteRecord.read("{\"changeId\":\"x\"}").routeChange())
                .isInstanceOf(RuntimeException.class);
    }
}
