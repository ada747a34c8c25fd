package dev.rosetta.proxy.fuzz;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.RouteConfig.ConsumeConfig;
import dev.rosetta.config.RouteConfig.ConsumeOverride;
import dev.rosetta.config.RouteConfig.FailureMode;
import dev.rosetta.config.RouteConfig.FailurePolicy;
import dev.rosetta.config.RouteConfig.ProduceConfig;
import dev.rosetta.config.RouteConfig.RolloutConfig;
import dev.rosetta.config.routing.RouteTable;
import dev.rosetta.proxy.net.InMemoryProxy;
import dev.rosetta.proxy.protocol.KafkaMessages;
import dev.rosetta.proxy.translate.InMemoryTranslation;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests and responses through a client connection of the proxy, on in-memory channels with the real
 * pipeline (frame decoders, {@code ClientConnection}, {@code UpstreamHandler}) and the real filters: ApiVersions
 * narrowing, broker-address rewriting (Metadata, DescribeCluster, FindCoordinator, KIP-951 node endpoints), SASL
 * principal learning, topic-id learning, and record translation of Produce requests and Fetch responses on routed
 * topics (the orders contract; routes that pass failures through, reject them and dead-letter them).
 *
 * <p>Input: api key (2 bytes), api version (2 bytes), a flags byte, then the body. The request target frames the
 * body behind a request header for that key and version (or, with flag {@link #RAW}, sends the rest as the frame's
 * whole content, header included); any key and version go, known or not. The response target sends a real request
 * for the key (an unknown key picks one of those the proxy filters) at the version (brought into the supported
 * range), then answers it with the body behind a response header.
 *
 * <p>What must hold: no exception leaves the pipeline, no buffer leaks (the leak guard, paranoid), and the outcome
 * agrees with Kafka's own classes: a message they read (and can write back) is delivered, still readable (rewritten
 * or not), with every broker address rewritten to the proxy; one they cannot read is passed on untouched or refused
 * by closing the connection, never half-handled (one they read but will not write, with unknown tagged fields out of
 * order, may be refused: the proxy cannot write it back once it changed it). A failure is always one the connection
 * classified (a frame it refuses, a message it cannot handle), never an unexpected exception.
 */
class ProtocolFuzzTest {
    static final int RAW = 0x01;
    private static final int CORRELATION_ID = 42;
    /** Flags bits 1-2: the client id. */
    private static final String[] CLIENT_IDS = {"fuzz-client", "legacy-billing", null, "analytics"};
    /** Flags bits 3-4: the SASL mechanism of a handshake (and of the one a SaslAuthenticate follows). */
    private static final String[] MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "OAUTHBEARER", "GSSAPI"};
    /** Flag: a produce request also carries records that fail translation (rejected, dead-lettered). */
    static final int FAILING_RECORDS = 0x20;
    /** Flag: a fetch request allows a small response (its routed partitions get a small budget). */
    static final int SMALL_FETCH = 0x40;
    /** Keys the proxy filters: what the response target picks when the input names a key it does not know. */
    private static final ApiKeys[] FILTERED = {
        ApiKeys.PRODUCE,
        ApiKeys.FETCH,
        ApiKeys.METADATA,
        ApiKeys.FIND_COORDINATOR,
        ApiKeys.DESCRIBE_CLUSTER,
        ApiKeys.API_VERSIONS,
        ApiKeys.SASL_HANDSHAKE,
        ApiKeys.SASL_AUTHENTICATE,
        ApiKeys.SHARE_FETCH,
        ApiKeys.SHARE_ACKNOWLEDGE
    };
    /** Ports the proxy would bind for node ids, as ProxyServer does: broker port base + node id, within 0..65535. */
    private static final int BROKER_PORT_BASE = 19100;

    /**
     * Routes and record translation, shared by every run. In a holder, not fields of the test class: the test class
     * is loaded before the fuzzer instruments classes, and product classes must be loaded after (a record loaded
     * before is re-instrumented into one whose accessors fail).
     */
    private static final class Fixture {
        static final RouteTable ROUTES = RouteTable.of(List.of(
                new RouteConfig(
                        "orders",
                        "orders-value",
                        RouteConfig.KeyRoute.of("orders-key"),
                        new ConsumeConfig(
                                2,
                                List.of(
                                        new ConsumeOverride("legacy-*", null, 1),
                                        new ConsumeOverride(null, "User:al*", 1)),
                                new RolloutConfig(1, 25)),
                        new ProduceConfig(1, new RolloutConfig(2, 50)),
                        FailurePolicy.DEFAULT),
                new RouteConfig(
                        "payments",
                        "orders-value",
                        null,
                        ConsumeConfig.of(1),
                        ProduceConfig.of(2),
                        new FailurePolicy(FailureMode.REJECT, FailurePolicy.DEFAULT_HEADER, null)),
                new RouteConfig(
                        "ledger",
                        "orders-value",
                        null,
                        ConsumeConfig.of(2),
                        ProduceConfig.of(1),
                        new FailurePolicy(FailureMode.DEAD_LETTER, FailurePolicy.DEFAULT_HEADER, "ledger.dlq"))));

        static final InMemoryTranslation TRANSLATION = new InMemoryTranslation(() -> ROUTES);
    }

    private static final ConnectionFailures FAILURES = new ConnectionFailures();
    private static QuietLogs quiet;

    @BeforeAll
    static void listen() {
        quiet = new QuietLogs(
                "dev.rosetta.proxy.translate", "dev.rosetta.proxy.net.BrokerListeners", "org.apache.kafka");
        FAILURES.start();
    }

    @AfterAll
    static void stopListening() {
        FAILURES.stop();
        quiet.close();
        Fixture.TRANSLATION.close();
    }

    private static InMemoryProxy proxy() {
        return new InMemoryProxy(
                Fixture.TRANSLATION.responseFilters(),
                Fixture.TRANSLATION.requestFilters(),
                node -> bindable(node)
                        ? CompletableFuture.completedFuture(BROKER_PORT_BASE + node)
                        : CompletableFuture.failedFuture(new IllegalStateException("port out of range")),
                1 << 20);
    }

    private static boolean bindable(int nodeId) {
        return nodeId >= 0 && BROKER_PORT_BASE + (long) nodeId <= 65535;
    }

    // ---- requests ---------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = "10s")
    void requestsAreForwardedOrRefusedCleanly(byte[] input) {
        if (input.length < 5) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        short key = in.getShort();
        short version = in.getShort();
        int flags = in.get() & 0xff;
        byte[] rest = Arrays.copyOfRange(input, 5, input.length);
        byte[] sent = (flags & RAW) != 0 ? sizePrefixed(rest) : request(key, version, clientId(flags), rest);
        FAILURES.clear();
        // each input starts where the seeds do: an earlier fuzzed Metadata response may have named the fixture's
        // topic ids for other topics (the proxy believes the broker), and then payments-0 was not refused
        Fixture.TRANSLATION.resetTopicNames();
        try (InMemoryProxy.Connection connection = proxy().connect()) {
            if (key == ApiKeys.SASL_AUTHENTICATE.id) {
                handshake(connection, mechanism(flags));
            }
            connection.fromClient(Unpooled.wrappedBuffer(sent));
            List<ByteBuf> forwarded = connection.toBroker();
            List<ByteBuf> answered = connection.toClient();
            try {
                if (sent.length
                        >= 8) { // the frame's own header (a raw frame's may differ from the input's first bytes)
                    key = ByteBuffer.wrap(sent).getShort(4);
                    version = ByteBuffer.wrap(sent).getShort(6);
                }
                ApiMessage original = decodeRequest(sent, key, version);
                String what = describe(key, version, "request", sent);
                if (!answered.isEmpty()) { // answered by the proxy itself: only an ApiVersions newer than it knows
                    assertThat(key).as("%s answered by the proxy", what).isEqualTo(ApiKeys.API_VERSIONS.id);
                    assertThat(version).isGreaterThan(ApiKeys.API_VERSIONS.latestVersion());
                    assertThat(forwarded).isEmpty();
                } else if (connection.isOpen()) {
                    assertThat(forwarded).as("%s forwarded", what).hasSize(1);
                    byte[] out = ByteBufUtil.getBytes(forwarded.get(0));
                    if (original == null) {
                        assertThat(out)
                                .as("%s: a request Kafka cannot read passes only as it came", what)
                                .isEqualTo(sent);
                    } else {
                        assertThat(Arrays.copyOfRange(out, 4, 12))
                                .as("%s: key, version and correlation id kept", what)
                                .isEqualTo(Arrays.copyOfRange(sent, 4, 12));
                        ApiMessage again = decodeRequest(out, key, version);
                        assertThat(again)
                                .as("%s forwarded as %s: no longer readable", what, hex(out))
                                .isNotNull();
                        answer(
                                connection,
                                what,
                                ApiKeys.forId(key),
                                version,
                                ByteBuffer.wrap(sent).getInt(8),
                                again);
                    }
                } else {
                    assertThat(forwarded).as("%s refused, yet forwarded", what).isEmpty();
                    assertThat(original != null && writable(original, version))
                            .as("%s: Kafka reads it as %s, but the proxy refused it: %s", what, original, FAILURES)
                            .isFalse();
                }
                FAILURES.assertAllClassified(what);
            } finally {
                forwarded.forEach(ByteBuf::release);
                answered.forEach(ByteBuf::release);
            }
        }
    }

    /**
     * The broker answers a request Kafka reads (unless it is a produce with acks=0, which gets no answer): the proxy
     * must have remembered it and deliver the answer.
     */
    private static void answer(
            InMemoryProxy.Connection connection,
            String what,
            ApiKeys key,
            short version,
            int correlationId,
            ApiMessage request) {
        if (request instanceof ProduceRequestData produce && produce.acks() == 0) {
            return;
        }
        byte[] response;
        try {
            response = bytes(KafkaMessages.encodeResponse(
                    ByteBufAllocator.DEFAULT,
                    correlationId,
                    key,
                    version,
                    ApiMessageType.fromApiKey(key.id).newResponse()));
        } catch (RuntimeException notAtThisVersion) {
            return; // an empty response of this version cannot be written (a field it must carry)
        }
        connection.fromBroker(Unpooled.wrappedBuffer(response));
        List<ByteBuf> delivered = connection.toClient();
        try {
            assertThat(connection.isOpen())
                    .as("%s: its answer closed the connection: %s", what, FAILURES)
                    .isTrue();
            assertThat(delivered).as("%s: its answer delivered", what).hasSize(1);
        } finally {
            delivered.forEach(ByteBuf::release);
        }
    }

    // ---- responses --------------------------------------------------------------------------------------------

    @FuzzTest(maxDuration = "10s")
    void responsesAreDeliveredOrRefusedCleanly(byte[] input) {
        if (input.length < 5) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        short rawKey = in.getShort();
        // a key Kafka no longer has versions of (ControlledShutdown, 7, say) cannot be asked: it counts as unknown
        ApiKeys key = ApiKeys.hasId(rawKey)
                        && ApiKeys.forId(rawKey).latestVersion()
                                >= ApiKeys.forId(rawKey).oldestVersion()
                ? ApiKeys.forId(rawKey)
                : FILTERED[Math.floorMod(rawKey, FILTERED.length)];
        short version = supported(key, in.getShort());
        int flags = in.get() & 0xff;
        byte[] body = Arrays.copyOfRange(input, 5, input.length);
        FAILURES.clear();
        // each input starts where the seeds do: an earlier fuzzed Metadata response may have named the fixture's
        // topic ids for other topics (the proxy believes the broker), and then payments-0 was not refused
        Fixture.TRANSLATION.resetTopicNames();
        try (InMemoryProxy.Connection connection = proxy().connect()) {
            if (key == ApiKeys.SASL_AUTHENTICATE) {
                handshake(connection, mechanism(flags));
            }
            connection.fromClient(Unpooled.wrappedBuffer(encodeRequest(key, version, flags)));
            List<ByteBuf> forwarded = connection.toBroker();
            assertThat(forwarded)
                    .as("a real %s v%d request forwarded", key, version)
                    .hasSize(1);
            forwarded.forEach(ByteBuf::release);

            byte[] sent = response(key, version, body);
            connection.fromBroker(Unpooled.wrappedBuffer(sent));
            List<ByteBuf> delivered = connection.toClient();
            try {
                ApiMessage original = decodeResponse(sent, key, version);
                String what = describe(key.id, version, "response", sent);
                if (original != null) {
                    List<Endpoint> nodes = Endpoint.of(original, version);
                    if (nodes.stream().anyMatch(n -> !bindable(n.nodeId()))) {
                        return; // a node id the proxy cannot listen for: refusing it is the documented outcome
                    }
                }
                if (original == null) {
                    if (connection.isOpen()) {
                        assertThat(delivered).as("%s delivered", what).hasSize(1);
                        assertThat(ByteBufUtil.getBytes(delivered.get(0)))
                                .as("%s: a response Kafka cannot read passes only as it came", what)
                                .isEqualTo(sent);
                    } else {
                        assertThat(delivered)
                                .as("%s refused, yet delivered", what)
                                .isEmpty();
                    }
                } else if (!writable(original, version)) {
                    // Kafka reads it, but its writer refuses it (unknown tagged fields out of order, say): the proxy
                    // cannot write it back either once it changed it, and may refuse it
                    assertThat(connection.isOpen() ? delivered.size() : 0).isLessThanOrEqualTo(1);
                } else {
                    assertThat(connection.isOpen())
                            .as("%s: Kafka reads it as %s, but the proxy refused it: %s", what, original, FAILURES)
                            .isTrue();
                    assertThat(delivered).as("%s delivered", what).hasSize(1);
                    byte[] out = ByteBufUtil.getBytes(delivered.get(0));
                    assertThat(ByteBuffer.wrap(out, 4, 4).getInt())
                            .as("%s: correlation id", what)
                            .isEqualTo(CORRELATION_ID);
                    ApiMessage again = decodeResponse(out, key, version);
                    assertThat(again)
                            .as("%s delivered as %s: no longer readable", what, hex(out))
                            .isNotNull();
                    assertRewritten(what, again, version, flags);
                }
                FAILURES.assertAllClassified(what);
            } finally {
                delivered.forEach(ByteBuf::release);
            }
        }
    }

    /** What the proxy promises about a response it delivers: brokers at its own address, versions it can read. */
    private static void assertRewritten(String what, ApiMessage delivered, short version, int flags) {
        for (Endpoint node : Endpoint.of(delivered, version)) {
            assertThat(node.host() + ":" + node.port())
                    .as("%s: broker %d is reached through the proxy", what, node.nodeId())
                    .isEqualTo(InMemoryProxy.ADVERTISED_HOST + ":" + (BROKER_PORT_BASE + node.nodeId()));
        }
        if (delivered instanceof ApiVersionsResponseData versions) {
            for (ApiVersionsResponseData.ApiVersion v : versions.apiKeys()) {
                assertThat(ApiKeys.hasId(v.apiKey()))
                        .as("%s: api key %d", what, v.apiKey())
                        .isTrue();
                ApiKeys known = ApiKeys.forId(v.apiKey());
                assertThat(v.minVersion()).as("%s: %s", what, v).isGreaterThanOrEqualTo(known.oldestVersion());
                assertThat(v.maxVersion()).as("%s: %s", what, v).isLessThanOrEqualTo(known.latestVersion());
                assertThat(v.minVersion()).as("%s: %s", what, v).isLessThanOrEqualTo(v.maxVersion());
            }
        }
        if (delivered instanceof ProduceResponseData produce && (flags & FAILING_RECORDS) != 0) {
            assertThat(produce.responses())
                    .as("%s: the refused partition payments-0 is answered", what)
                    .anySatisfy(t -> assertThat(t.partitionResponses()).anySatisfy(p -> {
                        assertThat(p.index()).isZero();
                        assertThat(p.errorCode()).isEqualTo(Errors.INVALID_RECORD.code());
                    }));
        }
    }

    /** A broker address in a response that the proxy must rewrite (node id >= 0; controllers are left alone). */
    record Endpoint(int nodeId, String host, int port) {
        static List<Endpoint> of(ApiMessage message, short version) {
            List<Endpoint> nodes = new ArrayList<>();
            if (message instanceof MetadataResponseData m) {
                m.brokers().forEach(b -> nodes.add(new Endpoint(b.nodeId(), b.host(), b.port())));
            } else if (message instanceof DescribeClusterResponseData d && d.endpointType() != 2) {
                d.brokers().forEach(b -> nodes.add(new Endpoint(b.brokerId(), b.host(), b.port())));
            } else if (message instanceof FindCoordinatorResponseData f) {
                if (version >= 4) {
                    f.coordinators().forEach(c -> nodes.add(new Endpoint(c.nodeId(), c.host(), c.port())));
                } else {
                    nodes.add(new Endpoint(f.nodeId(), f.host(), f.port()));
                }
            } else if (message instanceof ProduceResponseData p && version >= 10) {
                p.nodeEndpoints().forEach(e -> nodes.add(new Endpoint(e.nodeId(), e.host(), e.port())));
            } else if (message instanceof FetchResponseData f && version >= 16) {
                f.nodeEndpoints().forEach(e -> nodes.add(new Endpoint(e.nodeId(), e.host(), e.port())));
            } else if (message instanceof ShareFetchResponseData s) {
                s.nodeEndpoints().forEach(e -> nodes.add(new Endpoint(e.nodeId(), e.host(), e.port())));
            } else if (message instanceof ShareAcknowledgeResponseData s) {
                s.nodeEndpoints().forEach(e -> nodes.add(new Endpoint(e.nodeId(), e.host(), e.port())));
            }
            nodes.removeIf(n -> n.nodeId() < 0);
            return nodes;
        }
    }

    // ---- messages ---------------------------------------------------------------------------------------------

    /** A real request for {@code key} at {@code version}, as a client sends it; for PRODUCE and FETCH, on routed topics. */
    static byte[] encodeRequest(ApiKeys key, short version, int flags) {
        ApiMessage body = switch (key) {
            case PRODUCE -> produceRequest(version, flags);
            case FETCH -> fetchRequest(version, flags);
            case SASL_HANDSHAKE -> new SaslHandshakeRequestData().setMechanism(mechanism(flags));
            case SASL_AUTHENTICATE -> new SaslAuthenticateRequestData().setAuthBytes(firstMessage(mechanism(flags)));
            default -> ApiMessageType.fromApiKey(key.id).newRequest();
        };
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setCorrelationId(CORRELATION_ID)
                .setClientId(clientId(flags));
        return bytes(KafkaMessages.encodeRequest(ByteBufAllocator.DEFAULT, header, key, version, body));
    }

    static ProduceRequestData produceRequest(short version, int flags) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(produceTopic(
                version,
                "orders",
                records(
                        Fixture.TRANSLATION.key("o-1"), Fixture.TRANSLATION.value(1, "o-1", 100),
                        Fixture.TRANSLATION.key("o-2"), Fixture.TRANSLATION.value(2, "o-2", 200))));
        if ((flags & FAILING_RECORDS) != 0) { // framed, but the bodies end early: they cannot be translated
            topics.add(produceTopic(
                    version, "payments", records(null, truncated(Fixture.TRANSLATION.value(1, "p-1", 1)))));
            topics.add(
                    produceTopic(version, "ledger", records(null, truncated(Fixture.TRANSLATION.value(2, "l-1", 1)))));
        }
        return new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics);
    }

    private static ProduceRequestData.TopicProduceData produceTopic(
            short version, String topic, MemoryRecords records) {
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            t.setTopicId(InMemoryTranslation.TOPIC_IDS.get(topic));
        } else {
            t.setName(topic);
        }
        t.partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        return t;
    }

    static FetchRequestData fetchRequest(short version, int flags) {
        FetchRequestData request = new FetchRequestData()
                .setMaxWaitMs(500)
                .setMinBytes(1)
                .setMaxBytes((flags & SMALL_FETCH) != 0 ? 200 : 50 << 20);
        for (String topic : List.of("orders", "payments", "ledger", "plain")) {
            FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic();
            if (version >= 13) {
                t.setTopicId(InMemoryTranslation.TOPIC_IDS.get(topic));
            } else {
                t.setTopic(topic);
            }
            t.partitions()
                    .add(new FetchRequestData.FetchPartition().setPartition(0).setPartitionMaxBytes(1 << 20));
            request.topics().add(t);
        }
        return request;
    }

    private static byte[] truncated(byte[] value) {
        return Arrays.copyOf(value, value.length - 2);
    }

    /** Records with the given keys and values, alternating (a key may be null). */
    static MemoryRecords records(byte @Nullable []... keysAndValues) {
        SimpleRecord[] records = new SimpleRecord[keysAndValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(1_700_000_000_000L + i, keysAndValues[2 * i], keysAndValues[2 * i + 1]);
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    /** The client's first SASL message of {@code mechanism}, naming user alice. */
    static byte[] firstMessage(String mechanism) {
        String message = switch (mechanism) {
            case "PLAIN" -> "\u0000alice\u0000alice-secret";
            case "SCRAM-SHA-256" -> "n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL";
            case "OAUTHBEARER" -> "n,,\u0001auth=Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.\u0001\u0001";
            default -> "";
        };
        return message.getBytes(StandardCharsets.UTF_8);
    }

    /** A SaslHandshake v1 exchange for {@code mechanism}, accepted by the broker. */
    private static void handshake(InMemoryProxy.Connection connection, String mechanism) {
        connection.fromClient(
                Unpooled.wrappedBuffer(encodeRequest(ApiKeys.SASL_HANDSHAKE, (short) 1, mechanismFlags(mechanism))));
        connection.toBroker().forEach(ByteBuf::release);
        connection.fromBroker(KafkaMessages.encodeResponse(
                ByteBufAllocator.DEFAULT,
                CORRELATION_ID,
                ApiKeys.SASL_HANDSHAKE,
                (short) 1,
                new SaslHandshakeResponseData().setMechanisms(List.of(mechanism))));
        connection.toClient().forEach(ByteBuf::release);
    }

    /** A request frame: size, header for {@code key} at {@code version} (v2 with tagged fields when flexible), body. */
    static byte[] request(short key, short version, @Nullable String clientId, byte[] body) {
        short headerVersion = 1;
        if (ApiKeys.hasId(key)) {
            try {
                headerVersion = ApiKeys.forId(key).requestHeaderVersion(version);
            } catch (RuntimeException unknownVersion) {
                headerVersion = 1;
            }
        }
        byte[] id = clientId == null ? null : clientId.getBytes(StandardCharsets.UTF_8);
        int size = 2 + 2 + 4 + 2 + (id == null ? 0 : id.length) + (headerVersion >= 2 ? 1 : 0) + body.length;
        ByteBuffer out = ByteBuffer.allocate(4 + size);
        out.putInt(size).putShort(key).putShort(version).putInt(CORRELATION_ID);
        out.putShort((short) (id == null ? -1 : id.length));
        if (id != null) {
            out.put(id);
        }
        if (headerVersion >= 2) {
            out.put((byte) 0); // no tagged fields
        }
        return out.put(body).array();
    }

    /** A response frame answering {@link #CORRELATION_ID}: size, header for {@code key} at {@code version}, body. */
    static byte[] response(ApiKeys key, short version, byte[] body) {
        boolean tagged = key.responseHeaderVersion(version) >= 1;
        int size = 4 + (tagged ? 1 : 0) + body.length;
        ByteBuffer out = ByteBuffer.allocate(4 + size).putInt(size).putInt(CORRELATION_ID);
        if (tagged) {
            out.put((byte) 0);
        }
        return out.put(body).array();
    }

    private static byte[] sizePrefixed(byte[] content) {
        return ByteBuffer.allocate(4 + content.length)
                .putInt(content.length)
                .put(content)
                .array();
    }

    /** Kafka's own reading of a request frame, or null when its generated classes cannot read it. */
    static @Nullable ApiMessage decodeRequest(byte[] frame, short key, short version) {
        if (!ApiKeys.hasId(key)) {
            return null;
        }
        ApiKeys apiKey = ApiKeys.forId(key);
        if (version < apiKey.oldestVersion() || version > apiKey.latestVersion(true)) {
            return null;
        }
        try {
            KafkaMessages.decodeRequestHeader(Unpooled.wrappedBuffer(frame), apiKey, version);
            return KafkaMessages.decodeRequestBody(Unpooled.wrappedBuffer(frame), apiKey, version);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /**
     * Whether Kafka's writer takes {@code message} back at {@code version}: it reads some it will not write (unknown
     * tagged fields out of order, for one), which a proxy that changes the message cannot forward.
     */
    static boolean writable(ApiMessage message, short version) {
        try {
            org.apache.kafka.common.protocol.ObjectSerializationCache cache =
                    new org.apache.kafka.common.protocol.ObjectSerializationCache();
            int size = message.size(cache, version);
            message.write(
                    new org.apache.kafka.common.protocol.ByteBufferAccessor(ByteBuffer.allocate(size)), cache, version);
            return true;
        } catch (RuntimeException notWritable) {
            return false;
        }
    }

    /** Kafka's own reading of a response frame, or null when its generated classes cannot read it. */
    static @Nullable ApiMessage decodeResponse(byte[] frame, ApiKeys key, short version) {
        try {
            return KafkaMessages.decodeResponse(Unpooled.wrappedBuffer(frame), key, version);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static short supported(ApiKeys key, short version) {
        int range = key.latestVersion() - key.oldestVersion() + 1;
        return (short) (key.oldestVersion() + Math.floorMod(version, range));
    }

    private static @Nullable String clientId(int flags) {
        return CLIENT_IDS[(flags >> 1) & 3];
    }

    private static String mechanism(int flags) {
        return MECHANISMS[(flags >> 3) & 3];
    }

    private static int mechanismFlags(String mechanism) {
        return Arrays.asList(MECHANISMS).indexOf(mechanism) << 3;
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static String describe(short key, short version, String kind, byte[] frame) {
        String name = ApiKeys.hasId(key) ? ApiKeys.forId(key).name : "api key " + key;
        return "the " + name + " v" + version + " " + kind + " " + hex(frame);
    }

    private static String hex(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes, 0, Math.min(bytes.length, 512)) + (bytes.length > 512 ? "..." : "");
    }

    /**
     * The connection's failure log lines, kept instead of printed while the fuzzer runs. The connection logs each
     * failure it classified (a frame it refused, a message it could not handle, a broker that answered out of
     * order); anything else it logs with an exception is an exception it did not expect.
     */
    static final class ConnectionFailures extends AppenderBase<ILoggingEvent> {
        private final Logger connection =
                (Logger) org.slf4j.LoggerFactory.getLogger("dev.rosetta.proxy.net.ClientConnection");
        private final List<ILoggingEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }

        @Override
        public void start() {
            setContext(connection.getLoggerContext());
            super.start();
            connection.addAppender(this);
            connection.setAdditive(false);
        }

        @Override
        public void stop() {
            connection.detachAppender(this);
            connection.setAdditive(true);
            super.stop();
        }

        void clear() {
            events.clear();
        }

        /** Every failure logged is one the connection classified: a refused frame, an unhandled message, a close. */
        void assertAllClassified(String what) {
            for (ILoggingEvent event : events) {
                String message = event.getFormattedMessage();
                boolean classified = message.contains(": handling the ") // ConnectionErrors.messageFailed
                        || message.startsWith("Closing connection from") && event.getThrowableProxy() == null
                        || event.getLevel().levelInt < Level.WARN_INT;
                assertThat(classified)
                        .as("%s: the connection failed unexpectedly: %s %s", what, message, stackTrace(event))
                        .isTrue();
            }
        }

        private static String stackTrace(ILoggingEvent event) {
            if (event.getThrowableProxy() == null) {
                return "";
            }
            return ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(event.getThrowableProxy());
        }

        @Override
        public String toString() { // the failures logged, each with its stack trace: what a finding's report needs
            return events.stream()
                    .map(e -> e.getFormattedMessage() + " " + stackTrace(e))
                    .toList()
                    .toString();
        }
    }
}
