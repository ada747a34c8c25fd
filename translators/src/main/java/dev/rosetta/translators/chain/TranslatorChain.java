package dev.rosetta.translators.chain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.avro.Schema;
import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;

import dev.rosetta.translators.TranslationException;
import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.ops.MigrationRulesStep;
import dev.rosetta.translators.ops.OpsStep;
import dev.rosetta.translators.plan.OutputBuffer;
import dev.rosetta.translators.spi.TranslatorProvider;
import dev.rosetta.translators.step.ResolutionStep;
import dev.rosetta.translators.step.Step;
import dev.rosetta.translators.step.StepKey;

/**
 * The compiled steps that take a subject's version {@code from} to version {@code to}.
 *
 * <p>Planning ({@link #planPath}): versions are nodes; adjacent versions are always linked in both
 * directions, declared steps (YAML files, custom translators) add direct links; the path with the
 * fewest steps wins, declared links first on ties, so a declared direct pair (1 to 3) wins over
 * the chain (1 to 2 to 3).
 *
 * <p>Compiling ({@link #compile}): each link becomes, by precedence, the custom translator, the
 * YAML operations, the registry migration rules of the newer version (UPGRADE/UPDOWN going up,
 * DOWNGRADE/UPDOWN going down), or Avro resolution. Consecutive resolution links are merged into
 * one direct resolution (what a consumer with the target schema would do, in one pass), falling
 * back to link-by-link resolution when the direct one is not possible.
 *
 * <p>Immutable and thread-safe. {@link #apply} reuses per-thread buffers between steps; a chain
 * of one binary step allocates nothing.
 */
public final class TranslatorChain {
    /**
     * One version of the subject with its parsed schema.
     *
     * @param version subject version
     * @param id      global schema id
     * @param schema  parsed Avro schema
     * @param ruleSet Data Contract rule set from the registry, or null
     */
    public record Version(
            int version, int id, Schema schema, @Nullable JsonNode ruleSet) {}

    private static final class Scratch {
        final OutputBuffer a = new OutputBuffer(512);
        final OutputBuffer b = new OutputBuffer(512);
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final String subject;
    private final List<Integer> path;
    private final Step[] steps;

    private TranslatorChain(String subject, List<Integer> path, List<Step> steps) {
        this.subject = subject;
        this.path = List.copyOf(path);
        this.steps = steps.toArray(new Step[0]);
    }

    /**
     * The versions visited from {@code from} to {@code to} (both included).
     *
     * @throws TranslationException {@link Reason#NO_PATH} if either version is not in {@code versions}
     */
    public static List<Integer> planPath(
            String subject, List<Integer> versions, int from, int to, StepCatalog catalog) {
        List<Integer> sorted = new ArrayList<>(versions);
        Collections.sort(sorted);
        if (!sorted.contains(from) || !sorted.contains(to)) {
            throw new TranslationException(
                    Reason.NO_PATH,
                    "subject " + subject + " has versions " + sorted + "; no path from v" + from + " to v" + to);
        }
        if (from == to) {
            return List.of(from);
        }
        Map<Integer, List<Integer>> links = new HashMap<>();
        for (StepKey k : catalog.steps(subject)) {
            if (sorted.contains(k.from()) && sorted.contains(k.to())) {
                links.computeIfAbsent(k.from(), x -> new ArrayList<>()).add(k.to());
            }
        }
        for (int i = 0; i < sorted.size(); i++) {
            List<Integer> l = links.computeIfAbsent(sorted.get(i), x -> new ArrayList<>());
            if (i > 0) {
                l.add(sorted.get(i - 1));
            }
            if (i + 1 < sorted.size()) {
                l.add(sorted.get(i + 1));
            }
        }
        Map<Integer, Integer> prev = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(from);
        prev.put(from, from);
        while (!queue.isEmpty()) {
            int v = queue.poll();
            if (v == to) {
                break;
            }
            for (int n : links.getOrDefault(v, List.of())) {
                if (!prev.containsKey(n)) {
                    prev.put(n, v);
                    queue.add(n);
                }
            }
        }
        List<Integer> out = new ArrayList<>();
        // the search ran until it reached `to`: the catalog links every sorted version to its neighbours
        for (int v = to; v != from; v = Objects.requireNonNull(prev.get(v), "predecessor on the path")) {
            out.add(v);
        }
        out.add(from);
        Collections.reverse(out);
        return out;
    }

    /**
     * Compiles the steps along {@code path}.
     *
     * @param schemas every version on the path
     * @throws TranslationException {@link Reason#INCOMPATIBLE} naming the step and field path that
     *                              cannot be translated
     */
    public static TranslatorChain compile(
            String subject, List<Integer> path, Map<Integer, Version> schemas, StepCatalog catalog) {
        List<Step> steps = new ArrayList<>();
        int runStart = -1; // index in path where a run of resolution links starts
        for (int i = 0; i + 1 < path.size(); i++) {
            int a = path.get(i);
            int b = path.get(i + 1);
            Step s = declaredStep(subject, version(schemas, a), version(schemas, b), catalog);
            if (s == null) {
                if (runStart < 0) {
                    runStart = i;
                }
                continue;
            }
            if (runStart >= 0) {
                steps.addAll(resolutionRun(subject, path.subList(runStart, i + 1), schemas));
                runStart = -1;
            }
            steps.add(s);
        }
        if (runStart >= 0) {
            steps.addAll(resolutionRun(subject, path.subList(runStart, path.size()), schemas));
        }
        return new TranslatorChain(subject, path, steps);
    }

    private static Version version(Map<Integer, Version> schemas, int version) {
        return Objects.requireNonNull(
                schemas.get(version), () -> "no schema for v" + version + ", a version on the path");
    }

    /** The step declared (or implied by migration rules) from a to b, or null where plain resolution applies. */
    private static @Nullable Step declaredStep(String subject, Version a, Version b, StepCatalog catalog) {
        StepKey key = new StepKey(subject, a.version(), b.version());
        try {
            TranslatorProvider p = catalog.custom(key).orElse(null);
            if (p != null) {
                return new CustomStep(
                        a.schema(),
                        b.schema(),
                        p.create(key, a.schema(), b.schema()),
                        "custom " + p.getClass().getSimpleName() + " v" + a.version() + " -> v" + b.version());
            }
            StepCatalog.Declared d = catalog.declared(key).orElse(null);
            if (d != null) {
                return OpsStep.compile(
                        a.schema(),
                        b.schema(),
                        d.operations(),
                        "operations v" + a.version() + " -> v" + b.version() + " (" + d.origin() + ")",
                        d.lossless());
            }
            boolean up = b.version() > a.version();
            Version newer = up ? b : a;
            List<MigrationRulesStep.Rule> rules =
                    MigrationRulesStep.rules(newer.ruleSet(), up, catalog.jsonataTimeout(), catalog.jsonataDepth());
            if (!rules.isEmpty()) {
                return new MigrationRulesStep(
                        a.schema(),
                        b.schema(),
                        rules,
                        "migration rules of v" + newer.version() + " (" + (up ? "UPGRADE" : "DOWNGRADE") + ") v"
                                + a.version() + " -> v" + b.version());
            }
            return null;
        } catch (TranslationException e) {
            throw inStep(e, subject, a, b);
        }
    }

    private static List<Step> resolutionRun(String subject, List<Integer> run, Map<Integer, Version> schemas) {
        Version first = version(schemas, run.get(0));
        Version last = version(schemas, run.get(run.size() - 1));
        try {
            return List.of(ResolutionStep.compile(
                    first.schema(), last.schema(), "resolution v" + first.version() + " -> v" + last.version()));
        } catch (TranslationException direct) {
            if (run.size() == 2) {
                throw inStep(direct, subject, first, last);
            }
        }
        List<Step> out = new ArrayList<>();
        for (int i = 0; i + 1 < run.size(); i++) {
            Version a = version(schemas, run.get(i));
            Version b = version(schemas, run.get(i + 1));
            try {
                out.add(ResolutionStep.compile(
                        a.schema(), b.schema(), "resolution v" + a.version() + " -> v" + b.version()));
            } catch (TranslationException e) {
                throw inStep(e, subject, a, b);
            }
        }
        return out;
    }

    private static TranslationException inStep(TranslationException e, String subject, Version a, Version b) {
        return new TranslationException(
                e.reason(),
                "step v" + a.version() + " -> v" + b.version() + " of subject " + subject + ": " + e.getRawMessage(),
                e.fieldPath(),
                subject,
                a.id(),
                b.id(),
                e);
    }

    /** The subject. */
    public String subject() {
        return subject;
    }

    /** The versions visited, first to last. */
    public List<Integer> path() {
        return path;
    }

    /** The compiled steps in order (consecutive resolution links appear merged). */
    public List<Step> steps() {
        return List.of(steps);
    }

    /** True when no step changes bytes (e.g. both versions have identical schemas). */
    public boolean isIdentity() {
        for (Step s : steps) {
            if (!(s instanceof ResolutionStep r && r.plan().isIdentity())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs every step on one Avro body, appending the final body to {@code out}; on failure
     * {@code out} is unchanged and the exception names the step.
     */
    public void apply(byte[] src, int off, int len, OutputBuffer out) {
        if (steps.length == 0) {
            out.write(src, off, len);
            return;
        }
        if (steps.length == 1) {
            steps[0].apply(src, off, len, out);
            return;
        }
        Scratch s = SCRATCH.get();
        OutputBuffer cur = s.a;
        OutputBuffer next = s.b;
        cur.reset();
        int i = 0;
        try {
            steps[0].apply(src, off, len, cur);
            for (i = 1; i < steps.length - 1; i++) {
                next.reset();
                steps[i].apply(cur.array(), 0, cur.size(), next);
                OutputBuffer t = cur;
                cur = next;
                next = t;
            }
            steps[i].apply(cur.array(), 0, cur.size(), out);
        } catch (TranslationException e) {
            throw new TranslationException(
                    e.reason(),
                    "in " + steps[i].description() + ": " + e.getRawMessage(),
                    e.fieldPath(),
                    subject,
                    -1,
                    -1,
                    e);
        }
    }
}
