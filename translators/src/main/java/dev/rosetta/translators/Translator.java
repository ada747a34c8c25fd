package dev.rosetta.translators;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.plan.OutputBuffer;
import dev.rosetta.translators.step.Step;
import dev.rosetta.translators.wire.WireFormat;

/**
 * Translates Confluent-framed records of one subject from one schema id to another. Obtained
 * from {@link TranslatorCache}; compiled once per (subject, source id, target id).
 *
 * <p>Every method either delivers a complete record of the target schema (framed with the target
 * id) or throws {@link TranslationException} having delivered nothing: output is staged in a
 * per-thread buffer and handed to the caller in one piece only on success.
 *
 * <p>Immutable and thread-safe. Never blocks and never touches the network. Cost per record: the
 * compiled steps (a span-copying binary pass for resolution and rename steps), plus one copy to the
 * caller's sink; {@link #translate(byte[], int, int, ByteSink)} allocates nothing on success.
 */
public final class Translator {
    private static final ThreadLocal<OutputBuffer> STAGE = ThreadLocal.withInitial(() -> new OutputBuffer(1024));
    private static final ThreadLocal<byte[]> DIRECT_COPY = ThreadLocal.withInitial(() -> new byte[1024]);

    private final String subject;
    private final int sourceId;
    private final int targetId;
    private final int sourceVersion;
    private final int targetVersion;
    private final TranslatorChain chain;

    Translator(
            String subject, int sourceId, int targetId, int sourceVersion, int targetVersion, TranslatorChain chain) {
        this.subject = subject;
        this.sourceId = sourceId;
        this.targetId = targetId;
        this.sourceVersion = sourceVersion;
        this.targetVersion = targetVersion;
        this.chain = chain;
    }

    /** Subject whose versions this translator connects. */
    public String subject() {
        return subject;
    }

    /** Schema id the input must carry. */
    public int sourceId() {
        return sourceId;
    }

    /** Schema id the output carries. */
    public int targetId() {
        return targetId;
    }

    /** Subject version of the source schema. */
    public int sourceVersion() {
        return sourceVersion;
    }

    /** Subject version of the target schema. */
    public int targetVersion() {
        return targetVersion;
    }

    /** Versions visited from source to target. */
    public List<Integer> path() {
        return chain.path();
    }

    /** The compiled steps, for reports. */
    public List<Step> steps() {
        return chain.steps();
    }

    /** Translates a whole framed payload into a new array. */
    public byte[] translate(byte[] payload) {
        return translate(payload, 0, payload.length);
    }

    /** Translates {@code payload[off, off + len)} into a new array. */
    public byte[] translate(byte[] payload, int off, int len) {
        OutputBuffer stage = stage(payload, off, len);
        return stage.toByteArray();
    }

    /**
     * Translates {@code payload[off, off + len)} and hands the framed result to {@code sink} in
     * one call (e.g. {@code byteBuf::writeBytes}).
     *
     * @return the number of bytes written
     */
    public int translate(byte[] payload, int off, int len, ByteSink sink) {
        OutputBuffer stage = stage(payload, off, len);
        sink.write(stage.array(), 0, stage.size());
        return stage.size();
    }

    /** As {@link #translate(byte[], int, int, ByteSink)} with an {@link OutputStream}. */
    public int translate(byte[] payload, int off, int len, OutputStream out) {
        OutputBuffer stage = stage(payload, off, len);
        try {
            out.write(stage.array(), 0, stage.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stage.size();
    }

    /**
     * Translates the payload between {@code payload.position()} and its limit (position unchanged;
     * heap or direct buffers) and hands the result to {@code sink}.
     */
    public int translate(ByteBuffer payload, ByteSink sink) {
        if (payload.hasArray()) {
            return translate(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(), sink);
        }
        int n = payload.remaining();
        byte[] copy = DIRECT_COPY.get();
        if (copy.length < n) {
            copy = new byte[Math.max(n, copy.length * 2)];
            DIRECT_COPY.set(copy);
        }
        payload.duplicate().get(copy, 0, n);
        return translate(copy, 0, n, sink);
    }

    /**
     * Translates a bare Avro body (no wire-format header) of the source schema, appending the
     * target body to {@code out}. For embedding in other framings.
     */
    public void translateBody(byte[] body, int off, int len, OutputBuffer out) {
        try {
            chain.apply(body, off, len, out);
        } catch (TranslationException e) {
            throw e.withContext(subject, sourceId, targetId);
        }
    }

    private OutputBuffer stage(byte[] payload, int off, int len) {
        int id = WireFormat.schemaId(payload, off, len);
        if (id != sourceId) {
            throw new TranslationException(
                    Reason.UNKNOWN_SCHEMA,
                    "payload carries schema id " + id + " but this translator reads schema id " + sourceId,
                    "",
                    subject,
                    id,
                    targetId,
                    null);
        }
        OutputBuffer stage = STAGE.get();
        stage.reset();
        int at = stage.reserve(WireFormat.HEADER_SIZE);
        WireFormat.writeHeader(stage.array(), at, targetId);
        try {
            chain.apply(payload, off + WireFormat.HEADER_SIZE, len - WireFormat.HEADER_SIZE, stage);
        } catch (TranslationException e) {
            stage.reset();
            throw e.withContext(subject, sourceId, targetId);
        }
        return stage;
    }

    @Override
    public String toString() {
        return "Translator[" + subject + " v" + sourceVersion + " (id " + sourceId + ") -> v" + targetVersion + " (id "
                + targetId + ") via " + chain.path() + "]";
    }
}
