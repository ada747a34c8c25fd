package dev.rosetta.translators;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A translation that did not produce a record. Carries a typed {@link Reason}, the subject and
 * schema ids involved (when known) and the field path where the failure happened (for example
 * {@code address.zip} or {@code items[3].price}; empty when the failure is not tied to a field).
 *
 * <p>Thrown by every translation entry point instead of returning partial output: when this is
 * thrown, nothing has been written to the caller's output. Immutable and thread-safe.
 */
public class TranslationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a translation failed. */
    public enum Reason {
        /** The payload does not start with the Confluent magic byte 0. */
        WRONG_MAGIC,
        /** The payload is shorter than the 5-byte header or ends inside a value. */
        SHORT_PAYLOAD,
        /** The Avro body does not decode with the writer schema (bad varint, bad union index...). */
        CORRUPT_PAYLOAD,
        /** A schema id or subject version is not known (to the registry, or not cached yet). */
        UNKNOWN_SCHEMA,
        /** No chain of steps leads from the source version to the target version. */
        NO_PATH,
        /** The source and target schemas cannot be resolved and no step covers the difference. */
        INCOMPATIBLE,
        /** A declarative operation, a JSONata expression or a custom translator failed. */
        RULE_FAILED,
        /**
         * A whole batch's records cannot be read: corrupt, or decompressing beyond what Rosetta decompresses.
         * The batch passes as it came (or, on a produce route that rejects, is refused).
         */
        CORRUPT_BATCH
    }

    private final Reason reason;
    private final String fieldPath;
    private final @Nullable String subject;
    private final int sourceId;
    private final int targetId;

    public TranslationException(Reason reason, String message) {
        this(reason, message, "", null, -1, -1, null);
    }

    public TranslationException(
            Reason reason,
            String message,
            @Nullable String fieldPath,
            @Nullable String subject,
            int sourceId,
            int targetId,
            @Nullable Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fieldPath = fieldPath == null ? "" : fieldPath;
        this.subject = subject;
        this.sourceId = sourceId;
        this.targetId = targetId;
    }

    /** The typed reason; never null. */
    public Reason reason() {
        return reason;
    }

    /** Dotted field path where the failure happened, e.g. {@code order.lines[2].sku}; may be empty. */
    public String fieldPath() {
        return fieldPath;
    }

    /** Subject being translated, or null if not known at the point of failure. */
    public @Nullable String subject() {
        return subject;
    }

    /** Writer schema id, or -1 if unknown. */
    public int sourceId() {
        return sourceId;
    }

    /** Target schema id, or -1 if unknown. */
    public int targetId() {
        return targetId;
    }

    /** A copy of this failure with translation context filled in (keeps the original as cause). */
    public TranslationException withContext(String subject, int sourceId, int targetId) {
        if (this.subject != null && this.sourceId >= 0 && this.targetId >= 0) {
            return this;
        }
        return new TranslationException(
                reason,
                getRawMessage(),
                fieldPath,
                this.subject != null ? this.subject : subject,
                this.sourceId >= 0 ? this.sourceId : sourceId,
                this.targetId >= 0 ? this.targetId : targetId,
                getCause());
    }

    /** The message without reason, path and ids (for wrapping into a higher-level message). */
    public String getRawMessage() {
        String message = super.getMessage();
        return message != null ? message : ""; // null only from a subclass passing one
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder(reason.name()).append(": ").append(super.getMessage());
        if (!fieldPath.isEmpty()) {
            sb.append(" (field ").append(fieldPath).append(')');
        }
        if (subject != null || sourceId >= 0 || targetId >= 0) {
            sb.append(" [");
            if (subject != null) {
                sb.append("subject ").append(subject).append(", ");
            }
            sb.append("schema id ")
                    .append(sourceId)
                    .append(" -> ")
                    .append(targetId)
                    .append(']');
        }
        return sb.toString();
    }
}
