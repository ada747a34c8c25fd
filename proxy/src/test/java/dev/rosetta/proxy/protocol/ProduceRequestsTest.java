package dev.rosetta.proxy.protocol;

import java.nio.ByteBuffer;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;

class ProduceRequestsTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> versionsAndAcks() {
        return ApiKeys.PRODUCE.allVersions().stream()
                .flatMap(v -> java.util.stream.Stream.of((short) 0, (short) 1, (short) -1)
                        .flatMap(acks -> java.util.stream.Stream.of(null, "tx-\u00e9-id")
                                .map(tx -> org.junit.jupiter.params.provider.Arguments.of(v, acks, tx))));
    }

    /** Serialises a request exactly as a client would: size prefix, header, body. */
    static ByteBuf requestFrame(
            ApiKeys key,
            short version,
            int correlationId,
            String clientId,
            org.apache.kafka.common.protocol.ApiMessage body,
            boolean taggedHeaderField) {
        short headerVersion = key.requestHeaderVersion(version);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(clientId);
        if (taggedHeaderField && headerVersion >= 2) {
            header.unknownTaggedFields().add(new RawTaggedField(7, new byte[] {1, 2, 3}));
        }
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(buffer);
        header.write(writer, cache, headerVersion);
        body.write(writer, cache, version);
        return Unpooled.wrappedBuffer(buffer.array());
    }

    @ParameterizedTest(name = "v{0} acks={1} transactionalId={2}")
    @MethodSource("versionsAndAcks")
    void acksIsReadFromEveryProduceVersion(short version, short acks, String transactionalId) {
        ProduceRequestData body = new ProduceRequestData()
                .setAcks(acks)
                .setTimeoutMs(30_000)
                .setTransactionalId(version >= 3 ? transactionalId : null);
        ByteBuf frame = requestFrame(ApiKeys.PRODUCE, version, 99, "client-1", body, true);
        assertThat(ProduceRequests.acks(frame, version)).isEqualTo(acks);
        assertThat(RequestHeaderView.correlationId(frame)).isEqualTo(99);
        assertThat(RequestHeaderView.clientId(frame)).isEqualTo("client-1");
        frame.release();
    }

    /**
     * A tagged field in the request header whose size, read as an int, is minus its own length: skipping it
     * landed on it again, 2^31 times, on the event loop (a 36-byte request held it for half a minute).
     */
    @org.junit.jupiter.api.Test
    void aTaggedFieldWhoseSizePointsBackAtItselfIsRefusedAtOnce() {
        byte[] content = java.util.HexFormat.of()
                .parseHex("0000" + "0009" + "0000002a" + "000163" // produce v9, correlation id 42, client id "c"
                        + "ffffffff07" + "00" + "faffffff0f" // 2^31 - 1 tagged fields: tag 0, size 2^32 - 6
                        + "00" + "ffff" + "00007530" + "01" + "00"); // no transactional id, acks -1, ...
        ByteBuf frame = Unpooled.buffer().writeInt(content.length).writeBytes(content);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(5),
                () -> org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProduceRequests.acks(frame, (short) 9))
                        .isInstanceOf(IndexOutOfBoundsException.class)
                        .hasMessageContaining("runs past the end of the frame"));
    }
}
