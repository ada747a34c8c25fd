package dev.rosetta.translators.plan;

import dev.rosetta.translators.TranslationException;

/**
 * Internal failure thrown while running a plan; the field path is assembled while the stack
 * unwinds (each record/array level prepends its segment), so the success path pays nothing.
 */
final class PlanFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final TranslationException.Reason reason;
    private final String message;
    private final StringBuilder path = new StringBuilder();

    PlanFailure(TranslationException.Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.message = message;
    }

    PlanFailure field(String name) {
        if (path.length() > 0 && path.charAt(0) != '[') {
            path.insert(0, '.');
        }
        path.insert(0, name);
        return this;
    }

    PlanFailure index(long i) {
        if (path.length() > 0 && path.charAt(0) != '[') {
            path.insert(0, '.');
        }
        path.insert(0, "[" + i + "]");
        return this;
    }

    String path() {
        return path.toString();
    }

    TranslationException toException() {
        return new TranslationException(reason, message, path(), null, -1, -1, null);
    }
}
