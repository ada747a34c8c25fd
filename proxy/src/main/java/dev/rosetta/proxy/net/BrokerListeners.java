package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.proxy.protocol.BrokerEndpoints;

/**
 * Port-per-broker bookkeeping: where each upstream node lives, and which proxy port exposes it.
 * A node seen for the first time (cluster growth) gets a listener on demand.
 *
 * <p>Thread-safe: connections on every event loop read and update it.
 */
final class BrokerListeners implements BrokerEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerListeners.class);

    private final String advertisedHost;
    private final IntFunction<CompletableFuture<Integer>> binder;
    private final Map<Integer, InetSocketAddress> upstreamByNode = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> portByNode = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Integer>> binding = new ConcurrentHashMap<>();
    /** Node id → the address it advertised that is not one (a port beyond 0..65535), to warn once. */
    private final Map<Integer, String> unusableByNode = new ConcurrentHashMap<>();

    /**
     * @param binder starts a listener for a node id and completes with the bound port
     */
    BrokerListeners(String advertisedHost, IntFunction<CompletableFuture<Integer>> binder) {
        this.advertisedHost = advertisedHost;
        this.binder = binder;
    }

    @Override
    public String advertisedHost() {
        return advertisedHost;
    }

    @Override
    public int advertisedPort(int nodeId) {
        Integer port = portByNode.get(nodeId);
        return port == null ? -1 : port;
    }

    @Override
    public void learnUpstream(int nodeId, String host, int port) {
        if (port < 0 || port > 0xFFFF) {
            // Kafka reads such a response, but no client could connect to it; the client still gets this
            // node's proxy port, and a connection to it is refused with this reason
            String advertised = host + ":" + port;
            if (!advertised.equals(unusableByNode.put(nodeId, advertised))) {
                LOG.warn(
                        "Upstream broker {} advertised {}, which has no TCP port (0 to 65535): connections to"
                                + " broker {} through Rosetta are refused until it advertises one",
                        nodeId,
                        advertised,
                        nodeId);
            }
            upstreamByNode.remove(nodeId);
            return;
        }
        unusableByNode.remove(nodeId);
        InetSocketAddress previous = upstreamByNode.get(nodeId);
        if (previous != null
                && previous.getPort() == port
                && previous.getHostString().equals(host)) {
            return;
        }
        // unresolved: name resolution happens in Netty's connect, never on this thread
        upstreamByNode.put(nodeId, InetSocketAddress.createUnresolved(host, port));
        if (previous == null) {
            LOG.info("Learned upstream broker {} at {}:{}", nodeId, host, port);
        } else {
            LOG.info(
                    "Upstream broker {} moved from {}:{} to {}:{}",
                    nodeId,
                    previous.getHostString(),
                    previous.getPort(),
                    host,
                    port);
        }
    }

    @Override
    public CompletableFuture<Integer> expose(int nodeId) {
        Integer port = portByNode.get(nodeId);
        if (port != null) {
            return CompletableFuture.completedFuture(port);
        }
        CompletableFuture<Integer> created = new CompletableFuture<>();
        CompletableFuture<Integer> existing = binding.putIfAbsent(nodeId, created);
        if (existing != null) {
            return existing;
        }
        binder.apply(nodeId).whenComplete((bound, error) -> {
            if (error == null) {
                portByNode.put(nodeId, bound); // before completing: a deferred response re-runs and reads it
                created.complete(bound);
            } else {
                binding.remove(nodeId, created); // let a later response try again
                created.completeExceptionally(error);
            }
        });
        return created;
    }

    /** The upstream address of a node, as a one-element list, or empty when not known. */
    List<InetSocketAddress> upstreamOf(int nodeId) {
        InetSocketAddress address = upstreamByNode.get(nodeId);
        return address == null ? List.of() : List.of(address);
    }

    /** Why {@link #upstreamOf} has no address for a node, for the log line that refuses its client. */
    String whyUnknown(int nodeId) {
        String unusable = unusableByNode.get(nodeId);
        return unusable == null
                ? "upstream address of node " + nodeId + " is not known yet"
                : "upstream broker " + nodeId + " advertised " + unusable + ", which has no TCP port";
    }

    /** Node id → proxy port for every broker the proxy listens for. */
    Map<Integer, Integer> ports() {
        return Map.copyOf(portByNode);
    }
}
