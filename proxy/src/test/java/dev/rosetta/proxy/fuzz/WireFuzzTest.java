package dev.rosetta.proxy.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.ConfigLoader;
import dev.rosetta.proxy.net.KafkaFrameDecoder;
import dev.rosetta.proxy.translate.BatchCodec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile bytes where Rosetta parses them: record batches (as a broker returns them or a producer sends them),
 * the client's byte stream cut into frames, and configuration files. In every build the seeds under {@code WireFuzzTestInputs/} replay (real
 * batches of every codec, plus the inputs earlier fuzzing runs found); {@code JAZZER_FUZZ=1 mvn -pl proxy test
 * -Dtest=WireFuzzTest} fuzzes (see benchmarks/README.md). What must hold: a clean, typed refusal or a result,
 * never another exception, a hang or unbounded memory.
 */
class WireFuzzTest {
    private final BatchCodec codec = new BatchCodec(4 << 20); // a smaller bound keeps bombs cheap to find

    @FuzzTest(maxDuration = "10s")
    void batchesReadOrAreRefusedCleanly(byte[] bytes) {
        MemoryRecords records = MemoryRecords.readableRecords(ByteBuffer.wrap(bytes));
        List<Record> read = new ArrayList<>();
        try {
            for (RecordBatch batch : records.batches()) {
                if (batch.isControlBatch() || batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
                    continue;
                }
                read.addAll(codec.read(batch));
            }
        } catch (KafkaException | IllegalArgumentException refused) {
            return; // corrupt, truncated, unknown codec, bomb: refused with a reason
        }
        for (Record r : read) {
            assertThat(r.sizeInBytes()).isNotNegative();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void framesAreCutOrRefusedCleanly(byte[] bytes) throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(8, 1 << 20));
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        } catch (DecoderException refused) {
            return; // a bad size prefix: refused, the connection would close
        } finally {
            for (Object frame; (frame = channel.readInbound()) != null; ) {
                ByteBuf f = (ByteBuf) frame;
                assertThat(f.readableBytes()).isGreaterThanOrEqualTo(4 + 8);
                f.release();
            }
            channel.finishAndReleaseAll();
        }
    }

    /** Any text as a configuration file: loaded, or refused with a ConfigException that says where. */
    @FuzzTest(maxDuration = "10s")
    void configurationsLoadOrAreRefusedWithAReason(byte[] bytes) {
        String yaml = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        try {
            ConfigLoader.parse(yaml, "fuzz.yaml", java.nio.file.Path.of("."), name -> null);
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).contains("fuzz.yaml");
        }
    }
}
