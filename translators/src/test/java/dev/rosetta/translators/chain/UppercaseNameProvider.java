package dev.rosetta.translators.chain;

import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import dev.rosetta.translators.spi.CustomTranslator;
import dev.rosetta.translators.spi.TranslatorProvider;
import dev.rosetta.translators.step.StepKey;

/** A custom translator found through ServiceLoader (listed in META-INF/services of the test resources). */
public final class UppercaseNameProvider implements TranslatorProvider {
    @Override
    public Set<StepKey> steps() {
        return Set.of(new StepKey("names-value", 1, 2));
    }

    @Override
    public CustomTranslator create(StepKey step, Schema source, Schema target) {
        return record -> {
            Object name = record.get("name");
            if ("boom".equals(String.valueOf(name))) {
                throw new IllegalStateException("cannot shout boom");
            }
            GenericRecord out = new GenericData.Record(target);
            out.put("name", name.toString().toUpperCase(java.util.Locale.ROOT));
            out.put("shouted", true);
            return out;
        };
    }
}
