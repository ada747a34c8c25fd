package dev.rosetta.translators.wire;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatTest {
    @Test
    void readsBigEndianIdIncludingHighBit() {
        byte[] p = WireFormat.encode(0x81020304, new byte[] {9});
        assertThat(WireFormat.schemaId(p)).isEqualTo(0x81020304);
        assertThat(WireFormat.schemaId(ByteBuffer.wrap(p))).isEqualTo(0x81020304);
        byte[] framed = new byte[12];
        System.arraycopy(p, 0, framed, 3, p.length);
        assertThat(WireFormat.schemaId(framed, 3, p.length)).isEqualTo(0x81020304);
        assertThat(WireFormat.header(258)).containsExactly(0, 0, 0, 1, 2);
    }

    @Test
    void wrongMagicIsTypedError() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {1, 0, 0, 0, 1}))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_MAGIC))
                .hasMessageContaining("magic byte is 1");
        assertThatThrownBy(() -> WireFormat.schemaId(ByteBuffer.wrap(new byte[] {'{', 0, 0, 0, 1})))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_MAGIC));
    }

    @Test
    void shortPayloadIsTypedError() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 0}))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SHORT_PAYLOAD));
        assertThatThrownBy(() -> WireFormat.schemaId(ByteBuffer.allocate(4)))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SHORT_PAYLOAD));
    }
}
