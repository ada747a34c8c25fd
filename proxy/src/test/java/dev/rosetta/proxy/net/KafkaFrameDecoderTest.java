package dev.rosetta.proxy.net;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaFrameDecoderTest {

    private static ByteBuf frame(int bodySize, int fill) {
        ByteBuf buf = Unpooled.buffer(4 + bodySize);
        buf.writeInt(bodySize);
        for (int i = 0; i < bodySize; i++) {
            buf.writeByte(fill);
        }
        return buf;
    }

    @Test
    void framesSplitAcrossReadsAreReassembledWithTheirSizePrefix() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(8, 1 << 20));
        ByteBuf first = frame(10, 1);
        ByteBuf second = frame(100_000, 2);
        ByteBuf stream = Unpooled.wrappedBuffer(first, second);
        // deliver in awkward pieces: 3 bytes, then the rest in 7 KiB chunks
        channel.writeInbound(stream.readRetainedSlice(3));
        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(Math.min(7 * 1024, stream.readableBytes())));
        }
        stream.release();

        ByteBuf out1 = channel.readInbound();
        ByteBuf out2 = channel.readInbound();
        assertThat(out1.readableBytes()).isEqualTo(14);
        assertThat(out1.getInt(0)).isEqualTo(10);
        assertThat(out1.getByte(13)).isEqualTo((byte) 1);
        assertThat(out2.readableBytes()).isEqualTo(100_004);
        assertThat(out2.getByte(out2.readerIndex() + 100_003)).isEqualTo((byte) 2);
        assertThat((Object) channel.readInbound()).isNull();
        out1.release();
        out2.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void severalFramesInOneReadAreAllEmitted() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(8, 1024));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(8, 1), frame(9, 2), frame(10, 3)));
        for (int size : new int[] {8, 9, 10}) {
            ByteBuf out = channel.readInbound();
            assertThat(out.getInt(out.readerIndex())).isEqualTo(size);
            out.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void sizeOutsideTheLimitsFailsOnceWithTheReason() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(8, 1024));
        assertThatThrownBy(() -> channel.writeInbound(frame(2000, 0)))
                .isInstanceOf(DecoderException.class)
                .hasMessageContaining("frame size 2000 is outside the allowed range 8..1024 bytes")
                .hasMessageContaining("raise listener.maxFrameBytes");
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void tlsHandshakeBytesAreRecognised() {
        EmbeddedChannel channel = new EmbeddedChannel(new KafkaFrameDecoder(8, 1024));
        assertThatThrownBy(
                        () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x10})))
                .hasMessageContaining("TLS client connected to a plaintext port");
        channel.finishAndReleaseAll();
    }
}
