package dev.rosetta.translators.step;

import java.util.List;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.plan.OutputBuffer;

import static dev.rosetta.translators.testing.AvroSupport.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Value steps hand bodies to Avro's own decoder, which allocates what a length or count says before reading the
 * bytes behind it and recurses as deep as the data nests: a body is checked first.
 */
class ValueStepTest {
    private static final Schema ORDER = parse("{\"type\":\"record\",\"name\":\"Order\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"customer\",\"type\":\"string\"},"
            + "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Line\","
            + "\"fields\":[{\"name\":\"sku\",\"type\":\"string\"}]}}}]}");

    /** Passes each record on as it is, the way a step with no operations would. */
    private static final ValueStep SAME = new ValueStep(ORDER, ORDER, "as it is", true) {
        @Override
        protected @Nullable Object transform(Object sourceValue) {
            return sourceValue;
        }
    };

    private static byte[] body(long... varints) {
        OutputBuffer out = new OutputBuffer(16);
        for (long v : varints) {
            out.writeLong(v);
        }
        return out.toByteArray();
    }

    @Test
    void aRecordPassesThrough() {
        byte[] body = body(7, 0, 0); // id 7, customer "", no lines
        OutputBuffer out = new OutputBuffer(16);
        SAME.apply(body, 0, body.length, out);
        assertThat(out.toByteArray()).isEqualTo(body);
    }

    @Test
    void anExceptionOfTheStepsOwnCodeFailsTheRecordWithATypedReason() {
        ValueStep decimals = new ValueStep(ORDER, ORDER, "reads a decimal", false) {
            @Override
            protected @Nullable Object transform(Object sourceValue) {
                return new java.math.BigInteger(new byte[0]); // what Avro's decimal conversion does with no bytes
            }
        };
        byte[] body = body(7, 0, 0);
        assertThatThrownBy(() -> decimals.apply(body, 0, body.length, new OutputBuffer(16)))
                .isInstanceOfSatisfying(
                        TranslationException.class, e -> assertThat(e.reason()).isEqualTo(Reason.RULE_FAILED))
                .hasMessageContaining("reads a decimal failed on this record")
                .hasMessageContaining("Zero length BigInteger");
    }

    @Test
    void lengthsAndCountsTheBytesDoNotHoldAreRefusedBeforeAvroAllocatesThem() {
        byte[] hugeString = body(7, 1L << 30); // a 1 GiB customer name in 6 bytes
        byte[] hugeArray = body(7, 0, 1L << 30); // 2^30 lines in 6 bytes
        byte[] hugeSizedBlock = body(7, 0, -(1L << 30), 0, 0); // 2^30 lines in a block of 0 bytes
        for (byte[] body : List.of(hugeString, hugeArray, hugeSizedBlock)) {
            assertThatThrownBy(() -> SAME.apply(body, 0, body.length, new OutputBuffer(16)))
                    .isInstanceOfSatisfying(
                            TranslationException.class,
                            e -> assertThat(e.reason()).isIn(Reason.SHORT_PAYLOAD, Reason.CORRUPT_PAYLOAD));
        }
    }
}
