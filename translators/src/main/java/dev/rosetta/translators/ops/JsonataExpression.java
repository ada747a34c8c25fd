package dev.rosetta.translators.ops;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;

/**
 * A JSONata expression parsed once and evaluated with bounds on time and recursion depth, so a
 * runaway rule fails one record instead of stalling a thread.
 *
 * <p>Thread-safe: each thread evaluates its own parsed copy (parsed lazily, once per thread).
 * Cost per evaluation: that of the expression over the input tree, plus one small frame.
 */
public final class JsonataExpression {
    private final String source;
    private final long timeoutMillis;
    private final int maxDepth;
    private final ThreadLocal<Jsonata> perThread;

    /**
     * @throws IllegalArgumentException if the expression does not parse (message has the position)
     */
    public JsonataExpression(String source, Duration timeout, int maxDepth) {
        this.source = source;
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.maxDepth = maxDepth;
        Jsonata first = parse(source);
        this.perThread = ThreadLocal.withInitial(() -> parse(source));
        this.perThread.set(first);
    }

    private static Jsonata parse(String source) {
        try {
            Jsonata j = Jsonata.jsonata(source);
            j.setOutputConvertNulls(true); // JSON null comes back as Java null, not a marker object
            return j;
        } catch (JException e) {
            throw new IllegalArgumentException(
                    "JSONata expression does not parse: " + e.getMessage() + " in: " + source, e);
        }
    }

    /** The expression text. */
    public String source() {
        return source;
    }

    /**
     * Evaluates against {@code input} (a tree of maps, lists and scalars).
     *
     * @throws TranslationException {@link Reason#RULE_FAILED} on an evaluation error, a timeout or
     *                              too deep a recursion
     */
    public @Nullable Object evaluate(@Nullable Object input) {
        Jsonata expr = perThread.get();
        try {
            Jsonata.Frame frame = expr.createFrame();
            frame.setRuntimeBounds(timeoutMillis, maxDepth);
            Object out = expr.evaluate(input, frame);
            return out == Jsonata.NULL_VALUE ? null : out;
        } catch (JException | StackOverflowError e) {
            throw new TranslationException(
                    Reason.RULE_FAILED,
                    "JSONata expression failed (" + e.getMessage() + "; bounds " + timeoutMillis + " ms, depth "
                            + maxDepth + "): " + source,
                    "",
                    null,
                    -1,
                    -1,
                    e);
        } catch (RuntimeException e) {
            throw new TranslationException(
                    Reason.RULE_FAILED, "JSONata expression failed: " + e + " in: " + source, "", null, -1, -1, e);
        }
    }
}
