package dev.rosetta.translators.wire;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

/**
 * The Confluent wire format: one magic byte {@code 0x00}, a 4-byte big-endian schema id, then
 * the Avro binary body.
 *
 * <p>Stateless, thread-safe, allocation-free (except {@link #header(int)}).
 */
public final class WireFormat {
    /** The only magic byte defined by the Confluent wire format. */
    public static final byte MAGIC = 0;
    /** Size of the magic byte plus the schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {}

    /**
     * Reads the schema id of a payload held in {@code bytes[offset, offset + length)}.
     *
     * @throws TranslationException {@link Reason#SHORT_PAYLOAD} if fewer than 5 bytes,
     *                              {@link Reason#WRONG_MAGIC} if the first byte is not 0
     */
    public static int schemaId(byte[] bytes, int offset, int length) {
        if (length < HEADER_SIZE) {
            throw new TranslationException(
                    Reason.SHORT_PAYLOAD,
                    "payload of " + length + " bytes is shorter than the 5-byte Confluent header");
        }
        if (bytes[offset] != MAGIC) {
            throw new TranslationException(
                    Reason.WRONG_MAGIC,
                    "magic byte is " + (bytes[offset] & 0xff) + ", expected 0 (not Confluent wire format)");
        }
        return ((bytes[offset + 1] & 0xff) << 24)
                | ((bytes[offset + 2] & 0xff) << 16)
                | ((bytes[offset + 3] & 0xff) << 8)
                | (bytes[offset + 4] & 0xff);
    }

    /** {@link #schemaId(byte[], int, int)} over a whole array. */
    public static int schemaId(byte[] payload) {
        return schemaId(payload, 0, payload.length);
    }

    /**
     * Reads the schema id at the buffer's position without moving it.
     *
     * @throws TranslationException as {@link #schemaId(byte[], int, int)}
     */
    public static int schemaId(ByteBuffer payload) {
        int p = payload.position();
        if (payload.remaining() < HEADER_SIZE) {
            throw new TranslationException(
                    Reason.SHORT_PAYLOAD,
                    "payload of " + payload.remaining() + " bytes is shorter than the 5-byte Confluent header");
        }
        if (payload.get(p) != MAGIC) {
            throw new TranslationException(
                    Reason.WRONG_MAGIC,
                    "magic byte is " + (payload.get(p) & 0xff) + ", expected 0 (not Confluent wire format)");
        }
        return payload.getInt(p + 1); // ByteBuffer reads big-endian unless told otherwise
    }

    /**
     * The schema id at the buffer's position, or {@code -1} when {@code payload} is null, shorter
     * than the header or has another magic byte. For hot paths that treat "not Confluent framed"
     * as an outcome rather than an error: no exception, no allocation, the position does not move.
     */
    public static int schemaIdOrMinusOne(@Nullable ByteBuffer payload) {
        if (payload == null || payload.remaining() < HEADER_SIZE || payload.get(payload.position()) != MAGIC) {
            return -1;
        }
        return payload.getInt(payload.position() + 1);
    }

    /** Writes magic byte and id at {@code dst[offset, offset + 5)}. */
    public static void writeHeader(byte[] dst, int offset, int schemaId) {
        dst[offset] = MAGIC;
        dst[offset + 1] = (byte) (schemaId >>> 24);
        dst[offset + 2] = (byte) (schemaId >>> 16);
        dst[offset + 3] = (byte) (schemaId >>> 8);
        dst[offset + 4] = (byte) schemaId;
    }

    /** A new 5-byte header for {@code schemaId}. */
    public static byte[] header(int schemaId) {
        byte[] h = new byte[HEADER_SIZE];
        writeHeader(h, 0, schemaId);
        return h;
    }

    /** A new payload: header for {@code schemaId} followed by {@code avroBody}. */
    public static byte[] encode(int schemaId, byte[] avroBody) {
        byte[] out = new byte[HEADER_SIZE + avroBody.length];
        writeHeader(out, 0, schemaId);
        System.arraycopy(avroBody, 0, out, HEADER_SIZE, avroBody.length);
        return out;
    }
}
