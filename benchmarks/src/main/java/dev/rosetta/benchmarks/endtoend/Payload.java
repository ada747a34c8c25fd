package dev.rosetta.benchmarks.endtoend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;

import dev.rosetta.translators.wire.WireFormat;

/**
 * The record values every target of a run sends and reads, and the producers' compression: the
 * same for every target, so the only difference between targets is the path.
 *
 * <ul>
 *   <li>{@link #raw}: one value of random bytes, no compression (the pass-through runs).</li>
 *   <li>{@link #avroOrders}: Confluent-framed Avro records of contract {@code orders-value} v1
 *       ({@code id, customer, amount}), each exactly {@code recordBytes} long, lz4-compressed batches
 *       (the translating runs). {@code id} is 16 hex digits (the record's index, or in the latency
 *       workload the scheduled send time), {@code customer} is padded with words from a small
 *       vocabulary so that lz4 has something to find (text-like, ~2x), {@code amount} a random int.</li>
 * </ul>
 */
public abstract sealed class Payload {
    /** Distinct values of the Avro payload, sent in turn. */
    static final int DISTINCT = 4096;

    /** The {@code i}-th value to send; shared, do not modify. */
    public abstract byte[] value(long i);

    /** A fresh value the latency workload stamps with {@link #stamp(byte[], long)} before each send. */
    abstract byte[] latencyValue();

    /** Writes a send time into a value from {@link #latencyValue()}. */
    abstract void stamp(byte[] value, long nanos);

    /** Reads the send time back from a value as delivered (also after translation). */
    abstract long stamp(byte[] value);

    /** Producer {@code compression.type}. */
    public abstract String compression();

    public abstract String describe();

    /** The Confluent schema id of a value, -1 when it is not Confluent-framed. */
    public static int schemaId(byte[] value) {
        return value == null ? -1 : WireFormat.schemaIdOrMinusOne(ByteBuffer.wrap(value));
    }

    static Payload raw(int recordBytes) {
        return new Raw(recordBytes);
    }

    public static Payload avroOrders(int recordBytes, Schema v1, int v1Id, Schema v2, int v2Id) {
        return new AvroOrders(recordBytes, v1, v1Id, v2, v2Id);
    }

    /** Random bytes, incompressible (compression off anyway); the stamp is the first 8 bytes. */
    static final class Raw extends Payload {
        private final int recordBytes;
        private final byte[] value;

        Raw(int recordBytes) {
            this.recordBytes = recordBytes;
            this.value = new byte[recordBytes];
            new SplittableRandom(42).nextBytes(value);
        }

        @Override
        public byte[] value(long i) {
            return value;
        }

        @Override
        byte[] latencyValue() {
            byte[] v = new byte[recordBytes];
            new SplittableRandom(7).nextBytes(v);
            return v;
        }

        @Override
        void stamp(byte[] value, long nanos) {
            ByteBuffer.wrap(value).putLong(0, nanos);
        }

        @Override
        long stamp(byte[] value) {
            return ByteBuffer.wrap(value).getLong(0);
        }

        @Override
        public String compression() {
            return "none";
        }

        @Override
        public String describe() {
            return recordBytes + " random bytes, compression none";
        }
    }

    /** Avro {@code orders-value} v1 records, lz4. */
    public static final class AvroOrders extends Payload {
        /** Offset of the 16 hex digits of {@code id}: the Confluent header, then the string's length (one byte: zigzag(16) = 32). */
        private static final int ID_OFFSET = WireFormat.HEADER_SIZE + 1;

        private static final int ID_CHARS = 16;
        private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private static final String[] WORDS = ("north south east west street avenue road lane house flat floor door "
                        + "green blue red black white grey large small new old first second third last order delivery "
                        + "parcel box crate pallet express standard priority economy morning evening weekday weekend "
                        + "customer account member gold silver bronze retail wholesale partner supplier city town "
                        + "village harbour station market square park bridge")
                .split(" ");

        private final int recordBytes;
        private final Schema v1;
        private final int v1Id;
        private final Schema v2;
        private final int v2Id;
        private final byte[][] values = new byte[DISTINCT][];
        private final GenericRecord[] records = new GenericRecord[DISTINCT];

        AvroOrders(int recordBytes, Schema v1, int v1Id, Schema v2, int v2Id) {
            this.recordBytes = recordBytes;
            this.v1 = v1;
            this.v1Id = v1Id;
            this.v2 = v2;
            this.v2Id = v2Id;
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < DISTINCT; i++) {
                records[i] = order(String.format("%016x", i), random.nextInt(1_000_000), random);
                values[i] = frame(records[i]);
            }
        }

        private GenericRecord order(String id, int amount, SplittableRandom random) {
            StringBuilder text = new StringBuilder(recordBytes);
            while (text.length() < recordBytes) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            GenericRecord r = new GenericData.Record(v1);
            r.put("id", id);
            r.put("amount", amount);
            // size the customer string so that the framed value is exactly recordBytes long
            int length = recordBytes;
            for (int attempt = 0; attempt < 4; attempt++) {
                r.put("customer", text.substring(0, Math.max(0, length)));
                int size = frame(r).length;
                if (size == recordBytes) {
                    return r;
                }
                length -= size - recordBytes;
            }
            throw new IllegalArgumentException(
                    "cannot build an orders-value v1 record of exactly " + recordBytes + " bytes (minimum ~40)");
        }

        private byte[] frame(GenericRecord r) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream(recordBytes + 16);
                out.writeBytes(WireFormat.header(v1Id));
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                new GenericDatumWriter<GenericRecord>(v1).write(r, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public byte[] value(long i) {
            return values[(int) (i % DISTINCT)];
        }

        @Override
        byte[] latencyValue() {
            byte[] v = values[7].clone();
            if (v[ID_OFFSET - 1] != 2 * ID_CHARS) {
                throw new IllegalStateException("id is not a " + ID_CHARS + "-character string at offset " + ID_OFFSET);
            }
            return v;
        }

        @Override
        void stamp(byte[] value, long nanos) {
            for (int k = 0; k < ID_CHARS; k++) {
                value[ID_OFFSET + k] = HEX[(int) (nanos >>> (60 - 4 * k)) & 0xf];
            }
        }

        @Override
        long stamp(byte[] value) {
            long nanos = 0;
            for (int k = 0; k < ID_CHARS; k++) {
                int c = value[ID_OFFSET + k];
                nanos = (nanos << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
            }
            return nanos;
        }

        @Override
        public String compression() {
            return "lz4";
        }

        @Override
        public String describe() {
            return "Confluent-framed Avro orders-value v1 (schema id " + v1Id + ") of " + recordBytes + " B, "
                    + DISTINCT + " distinct records, compression lz4";
        }

        /**
         * Null when {@code value} is the record this payload sent (found by its id) in schema
         * {@code expectedId}: v1 byte for byte, or v2 with {@code amountCents = amount} and
         * {@code currency = "EUR"}; otherwise what is wrong.
         */
        @Nullable
        public String check(byte[] value, int expectedId) {
            int id = schemaId(value);
            if (id != expectedId) {
                return "schema id " + id + ", expected " + expectedId;
            }
            Schema writer = id == v1Id ? v1 : id == v2Id ? v2 : null;
            if (writer == null) {
                return "schema id " + id + " is neither v1 (" + v1Id + ") nor v2 (" + v2Id + ")";
            }
            GenericRecord got;
            try {
                got = new GenericDatumReader<GenericRecord>(writer)
                        .read(
                                null,
                                DecoderFactory.get()
                                        .binaryDecoder(
                                                value,
                                                WireFormat.HEADER_SIZE,
                                                value.length - WireFormat.HEADER_SIZE,
                                                null));
            } catch (IOException | RuntimeException e) {
                return "does not decode as schema id " + id + ": " + e;
            }
            int index;
            try {
                index = Integer.parseInt(got.get("id").toString(), 16);
            } catch (NumberFormatException e) {
                return "unexpected id " + got.get("id");
            }
            if (index < 0 || index >= DISTINCT) {
                return "unexpected id " + got.get("id");
            }
            GenericRecord sent = records[index];
            if (!got.get("customer").toString().equals(sent.get("customer").toString())) {
                return "customer differs from the record sent with id " + got.get("id");
            }
            if (id == v1Id) {
                return java.util.Arrays.equals(value, values[index])
                        ? null
                        : "v1 bytes differ from the record sent with id " + got.get("id");
            }
            if (!sent.get("amount").equals(got.get("amountCents"))) {
                return "amountCents " + got.get("amountCents") + ", expected amount " + sent.get("amount");
            }
            if (!"EUR".equals(got.get("currency").toString())) {
                return "currency " + got.get("currency") + ", expected the default EUR";
            }
            return null;
        }
    }
}
