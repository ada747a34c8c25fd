package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerListenersTest {
    private final BrokerListeners listeners =
            new BrokerListeners("proxy.local", node -> CompletableFuture.completedFuture(9000 + node));

    @Test
    void aBrokerAddressIsLearnedAndMoves() {
        listeners.learnUpstream(1, "broker-1", 9092);
        assertThat(listeners.upstreamOf(1)).containsExactly(InetSocketAddress.createUnresolved("broker-1", 9092));

        listeners.learnUpstream(1, "broker-1b", 9093);
        assertThat(listeners.upstreamOf(1)).containsExactly(InetSocketAddress.createUnresolved("broker-1b", 9093));
        assertThat(listeners.upstreamOf(2)).isEmpty();
        assertThat(listeners.whyUnknown(2)).isEqualTo("upstream address of node 2 is not known yet");
    }

    @Test
    void aPortBeyondTcpIsNotLearnedAndRefusesItsClientsWithTheReason() {
        // found by fuzzing: a FindCoordinator answer naming port 1851878400 threw out of the response filter
        listeners.learnUpstream(2, "broker-2", 9092);
        listeners.learnUpstream(2, "broker-2", 1_851_878_400);

        assertThat(listeners.upstreamOf(2)).isEmpty();
        assertThat(listeners.whyUnknown(2))
                .isEqualTo("upstream broker 2 advertised broker-2:1851878400, which has no TCP port");

        listeners.learnUpstream(2, "broker-2", -1);
        assertThat(listeners.whyUnknown(2)).contains("broker-2:-1");

        listeners.learnUpstream(2, "broker-2", 9094);
        assertThat(listeners.upstreamOf(2)).containsExactly(InetSocketAddress.createUnresolved("broker-2", 9094));
        assertThat(listeners.whyUnknown(2)).isEqualTo("upstream address of node 2 is not known yet");
    }
}
