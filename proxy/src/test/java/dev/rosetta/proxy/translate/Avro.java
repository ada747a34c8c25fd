package dev.rosetta.proxy.translate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** The test contract "orders": v1 {id, amount}, v2 adds currency (default EUR). Confluent framing helpers. */
final class Avro {
    static final String V1 = """
            {"type":"record","name":"Order","namespace":"demo","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"}]}""";
    static final String V2 = """
            {"type":"record","name":"Order","namespace":"demo","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"},
              {"name":"currency","type":"string","default":"EUR"}]}""";
    /** The key contract "orders-key": v1 {id}, v2 adds region (default "eu"). */
    static final String KEY_V1 = """
            {"type":"record","name":"OrderKey","namespace":"demo","fields":[
              {"name":"id","type":"string"}]}""";

    static final String KEY_V2 = """
            {"type":"record","name":"OrderKey","namespace":"demo","fields":[
              {"name":"id","type":"string"},
              {"name":"region","type":"string","default":"eu"}]}""";
    static final Schema KEY_SCHEMA_V1 = new Schema.Parser().parse(KEY_V1);
    static final Schema KEY_SCHEMA_V2 = new Schema.Parser().parse(KEY_V2);
    static final Schema SCHEMA_V1 = new Schema.Parser().parse(V1);
    static final Schema SCHEMA_V2 = new Schema.Parser().parse(V2);

    private Avro() {}

    static byte[] v1(int schemaId, String id, int amount) {
        GenericRecord r = new GenericData.Record(SCHEMA_V1);
        r.put("id", id);
        r.put("amount", amount);
        return frame(schemaId, SCHEMA_V1, r);
    }

    static byte[] v2(int schemaId, String id, int amount, String currency) {
        GenericRecord r = new GenericData.Record(SCHEMA_V2);
        r.put("id", id);
        r.put("amount", amount);
        r.put("currency", currency);
        return frame(schemaId, SCHEMA_V2, r);
    }

    static byte[] keyV1(int schemaId, String id) {
        GenericRecord r = new GenericData.Record(KEY_SCHEMA_V1);
        r.put("id", id);
        return frame(schemaId, KEY_SCHEMA_V1, r);
    }

    static byte[] keyV2(int schemaId, String id, String region) {
        GenericRecord r = new GenericData.Record(KEY_SCHEMA_V2);
        r.put("id", id);
        r.put("region", region);
        return frame(schemaId, KEY_SCHEMA_V2, r);
    }

    static byte[] frame(int schemaId, Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array(), 0, 4);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static int schemaId(byte[] framed) {
        return ByteBuffer.wrap(framed, 1, 4).getInt();
    }

    /** Decodes a framed value with exactly the given schema (fails if the bytes are of another shape). */
    static GenericRecord read(byte[] framed, Schema schema) {
        try {
            var decoder = DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null);
            GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new AssertionError("bytes left after decoding with " + schema.getFullName());
            }
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
