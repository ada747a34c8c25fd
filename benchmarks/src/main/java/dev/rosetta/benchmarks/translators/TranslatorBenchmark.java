package dev.rosetta.benchmarks.translators;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.ops.Operation;
import dev.rosetta.translators.ops.Operations;
import dev.rosetta.translators.registry.StaticSchemaRegistry;
import dev.rosetta.translators.step.StepKey;
import dev.rosetta.translators.verify.RecordGenerator;
import dev.rosetta.translators.wire.WireFormat;

/**
 * Rosetta's compiled translator against vanilla Avro ({@code GenericDatumReader(writer, reader)}
 * then {@code GenericDatumWriter}) on the same Confluent-framed records, in the same run.
 *
 * <p>Shapes: {@code large} is a ~20-field order with a nested record, a union, an enum and an
 * array of records; {@code flat} is a 5-field record. The step from v1 to v2 is Avro resolution
 * (added field with default, removed field, int to long promotion, enum with an added symbol) plus
 * a declared rename (YAML {@code rename} operation for Rosetta, the equivalent reader alias for
 * vanilla). Both sides reuse decoders, encoders, output buffers; vanilla also reuses its datum
 * (its fastest configuration). Each invocation translates {@value #BATCH} distinct records, so
 * scores are records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TranslatorBenchmark {
    static final int BATCH = 256;

    /** The fields of the large order that v1 and v2 share unchanged: a nested record, a union, an array of records. */
    static final String LARGE_UNCHANGED =
            "{\"name\":\"address\",\"type\":{\"type\":\"record\",\"name\":\"Address\",\"fields\":["
                    + "  {\"name\":\"street\",\"type\":\"string\"},{\"name\":\"city\",\"type\":\"string\"},"
                    + "  {\"name\":\"zip\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\"}]}},"
                    + "{\"name\":\"payment\",\"type\":[\"null\",\"string\",{\"type\":\"record\",\"name\":\"Card\",\"fields\":["
                    + "  {\"name\":\"last4\",\"type\":\"string\"},{\"name\":\"expiry\",\"type\":\"int\"}]}]},"
                    + "{\"name\":\"lines\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Line\",\"fields\":["
                    + "  {\"name\":\"sku\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\"},{\"name\":\"price\",\"type\":\"double\"}]}}},"
                    + "{\"name\":\"channel\",\"type\":\"string\"},"
                    + "{\"name\":\"score\",\"type\":\"float\"},"
                    + "{\"name\":\"region\",\"type\":\"string\"},";

    static final String LARGE_V1 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"bench\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"customer_name\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\"},"
            + "{\"name\":\"qty\",\"type\":\"int\"},"
            + "{\"name\":\"unit_price\",\"type\":\"double\"},"
            + "{\"name\":\"currency\",\"type\":\"string\"},"
            + "{\"name\":\"created\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
            + "{\"name\":\"updated\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
            + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"NEW\",\"PAID\",\"SHIPPED\"]}},"
            + "{\"name\":\"priority\",\"type\":\"int\"},"
            + "{\"name\":\"gift\",\"type\":\"boolean\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"]},"
            + "{\"name\":\"legacy_code\",\"type\":\"string\"},"
            + LARGE_UNCHANGED
            + "{\"name\":\"version_tag\",\"type\":\"int\"}"
            + "]}";
    static final String LARGE_V2 = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"bench\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},"
            + "{\"name\":\"customerName\",\"type\":\"string\"},"
            + "{\"name\":\"email\",\"type\":\"string\"},"
            + "{\"name\":\"qty\",\"type\":\"long\"},"
            + "{\"name\":\"unit_price\",\"type\":\"double\"},"
            + "{\"name\":\"currency\",\"type\":\"string\"},"
            + "{\"name\":\"created\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
            + "{\"name\":\"updated\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
            + "{\"name\":\"status\",\"type\":{\"type\":\"enum\",\"name\":\"Status\",\"symbols\":[\"NEW\",\"PAID\",\"SHIPPED\",\"CANCELLED\"],\"default\":\"NEW\"}},"
            + "{\"name\":\"priority\",\"type\":\"int\"},"
            + "{\"name\":\"gift\",\"type\":\"boolean\"},"
            + "{\"name\":\"note\",\"type\":[\"null\",\"string\"]},"
            + LARGE_UNCHANGED
            + "{\"name\":\"version_tag\",\"type\":\"int\"},"
            + "{\"name\":\"loyalty_tier\",\"type\":\"string\",\"default\":\"none\"}"
            + "]}";
    static final String FLAT_V1 = "{\"type\":\"record\",\"name\":\"Click\",\"fields\":["
            + "{\"name\":\"user_id\",\"type\":\"long\"},{\"name\":\"page\",\"type\":\"string\"},"
            + "{\"name\":\"ms\",\"type\":\"int\"},{\"name\":\"ok\",\"type\":\"boolean\"},{\"name\":\"ref\",\"type\":\"string\"}]}";
    static final String FLAT_V2 = "{\"type\":\"record\",\"name\":\"Click\",\"fields\":["
            + "{\"name\":\"userId\",\"type\":\"long\"},{\"name\":\"page\",\"type\":\"string\"},"
            + "{\"name\":\"ms\",\"type\":\"long\"},{\"name\":\"ok\",\"type\":\"boolean\"},{\"name\":\"ref\",\"type\":\"string\"},"
            + "{\"name\":\"session\",\"type\":\"string\",\"default\":\"\"}]}";

    @Param({"large", "flat"})
    public String shape;

    private byte[][] payloads;
    private Translator translator;
    private byte[] sinkBuffer;
    private int sinkSize;

    private GenericDatumReader<Object> vanillaReader;
    private GenericDatumWriter<Object> vanillaWriter;
    // Avro's reuse arguments: null until the first record, then the instance Avro handed back
    private @Nullable BinaryDecoder decoder;
    private @Nullable BinaryEncoder encoder;
    private ByteArrayOutputStream vanillaOut;
    private @Nullable Object reuse;
    private int targetId;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        boolean large = "large".equals(shape);
        String v1 = large ? LARGE_V1 : FLAT_V1;
        String v2 = large ? LARGE_V2 : FLAT_V2;
        String from = large ? "customer_name" : "user_id";
        String to = large ? "customerName" : "userId";

        StaticSchemaRegistry registry = new StaticSchemaRegistry();
        int sourceId = registry.register("bench-value", v1);
        targetId = registry.register("bench-value", v2);
        Operation rename = Operations.parse(
                new ObjectMapper().readTree("{\"rename\":{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}}"),
                Operations.DEFAULT_JSONATA_TIMEOUT,
                Operations.DEFAULT_JSONATA_DEPTH);
        StepCatalog catalog = StepCatalog.builder()
                .declare(new StepCatalog.Declared(new StepKey("bench-value", 1, 2), List.of(rename), true, "benchmark"))
                .build();
        translator = TranslatorCache.builder(registry)
                .catalog(catalog)
                .build()
                .translator("bench-value", sourceId, 2)
                .join();

        Schema writer = new Schema.Parser().parse(v1);
        // vanilla's equivalent of the rename operation: a reader alias
        Schema reader = new Schema.Parser()
                .parse(v2.replace(
                        "{\"name\":\"" + to + "\"", "{\"name\":\"" + to + "\",\"aliases\":[\"" + from + "\"]"));
        vanillaReader = new GenericDatumReader<>(writer, reader, GenericData.get());
        vanillaWriter = new GenericDatumWriter<>(reader, GenericData.get());
        vanillaOut = new ByteArrayOutputStream(4096);

        // realistic values: seeded random records (strings of a few characters, short arrays)
        List<Object> records = new ArrayList<>(new RecordGenerator(11).random(writer, BATCH, 11));
        payloads = new byte[BATCH][];
        GenericDatumWriter<Object> w = new GenericDatumWriter<>(writer, GenericData.get());
        for (int i = 0; i < BATCH; i++) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            bos.write(WireFormat.header(sourceId));
            BinaryEncoder enc = EncoderFactory.get().binaryEncoder(bos, null);
            w.write(records.get(i), enc);
            enc.flush();
            payloads[i] = bos.toByteArray();
        }
        sinkBuffer = new byte[1 << 16];
        // both paths must produce the same record before we time them
        for (byte[] p : payloads) {
            byte[] a = translator.translate(p);
            byte[] b = vanilla(p);
            Object da = decodeBody(reader, a);
            Object db = decodeBody(reader, b);
            if (!da.equals(db)) {
                throw new IllegalStateException("Rosetta and vanilla disagree on " + db + " vs " + da);
            }
        }
    }

    private static Object decodeBody(Schema s, byte[] framed) throws IOException {
        return new GenericDatumReader<Object>(s)
                .read(
                        null,
                        DecoderFactory.get()
                                .binaryDecoder(
                                        Arrays.copyOfRange(framed, WireFormat.HEADER_SIZE, framed.length), null));
    }

    private byte[] vanilla(byte[] p) throws IOException {
        vanillaOut.reset();
        vanillaOut.write(WireFormat.header(targetId));
        decoder = DecoderFactory.get()
                .binaryDecoder(p, WireFormat.HEADER_SIZE, p.length - WireFormat.HEADER_SIZE, decoder);
        reuse = vanillaReader.read(reuse, decoder);
        encoder = EncoderFactory.get().binaryEncoder(vanillaOut, encoder);
        vanillaWriter.write(reuse, encoder);
        encoder.flush();
        return vanillaOut.toByteArray();
    }

    private void sink(byte[] b, int off, int len) {
        System.arraycopy(b, off, sinkBuffer, 0, len);
        sinkSize = len;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rosetta(Blackhole bh) {
        for (byte[] p : payloads) {
            translator.translate(p, 0, p.length, this::sink);
            bh.consume(sinkSize);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void vanillaAvro(Blackhole bh) throws IOException {
        byte[] header = WireFormat.header(targetId);
        for (byte[] p : payloads) {
            vanillaOut.reset();
            vanillaOut.write(header);
            decoder = DecoderFactory.get()
                    .binaryDecoder(p, WireFormat.HEADER_SIZE, p.length - WireFormat.HEADER_SIZE, decoder);
            reuse = vanillaReader.read(reuse, decoder);
            encoder = EncoderFactory.get().binaryEncoder(vanillaOut, encoder);
            vanillaWriter.write(reuse, encoder);
            encoder.flush();
            bh.consume(vanillaOut.size());
        }
    }
}
