package dev.rosetta.translators.step;

import org.apache.avro.Schema;

import dev.rosetta.translators.plan.BinaryPlan;
import dev.rosetta.translators.plan.OutputBuffer;

/**
 * The default step: Avro schema resolution as a compiled {@link BinaryPlan} (byte spans of
 * unchanged fields are copied; no GenericRecord is built). Immutable, thread-safe, allocation-free
 * per record.
 */
public final class ResolutionStep implements Step {
    private final BinaryPlan plan;
    private final String description;
    private final boolean lossless;

    public ResolutionStep(BinaryPlan plan, String description, boolean lossless) {
        this.plan = plan;
        this.description = description;
        this.lossless = lossless;
    }

    /** Compiles resolution from {@code source} to {@code target}; throws INCOMPATIBLE with a path. */
    public static ResolutionStep compile(Schema source, Schema target, String description) {
        return new ResolutionStep(BinaryPlan.compile(source, target), description, false);
    }

    public BinaryPlan plan() {
        return plan;
    }

    @Override
    public Schema source() {
        return plan.writer();
    }

    @Override
    public Schema target() {
        return plan.reader();
    }

    @Override
    public void apply(byte[] src, int off, int len, OutputBuffer out) {
        plan.translate(src, off, len, out);
    }

    @Override
    public boolean lossless() {
        return lossless;
    }

    @Override
    public String description() {
        return description;
    }
}
