package dev.rosetta.translators.chain;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.spi.CustomTranslator;
import dev.rosetta.translators.step.ValueStep;

/** A step backed by a {@link CustomTranslator}; failures of the custom code become RULE_FAILED. */
final class CustomStep extends ValueStep {
    private final CustomTranslator translator;

    CustomStep(Schema source, Schema target, CustomTranslator translator, String description) {
        super(source, target, description, translator.lossless());
        this.translator = translator;
    }

    @Override
    protected Object transform(Object sourceValue) {
        try {
            return translator.translate((GenericRecord) sourceValue);
        } catch (TranslationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TranslationException(
                    Reason.RULE_FAILED,
                    "custom translator " + translator.getClass().getName() + " (" + description() + ") failed: " + e,
                    "",
                    null,
                    -1,
                    -1,
                    e);
        }
    }
}
