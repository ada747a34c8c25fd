package dev.rosetta.translators.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/** Encoding and vanilla-Avro resolution, the reference every translator is compared with. */
public final class AvroSupport {
    private AvroSupport() {}

    public static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }

    public static byte[] encode(Schema schema, Object datum) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bos, null);
            new GenericDatumWriter<Object>(schema, GenericData.get()).write(datum, enc);
            enc.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Object decode(Schema writer, Schema reader, byte[] body) {
        try {
            return new GenericDatumReader<Object>(writer, reader, GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(body, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What vanilla Avro produces: read with (writer, reader), write with reader. */
    public static byte[] vanilla(Schema writer, Schema reader, byte[] body) {
        return encode(reader, decode(writer, reader, body));
    }
}
