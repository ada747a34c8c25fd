package dev.rosetta.translators.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.rosetta.translators.ops.Operation;
import dev.rosetta.translators.ops.Operations;
import dev.rosetta.translators.spi.TranslatorProvider;
import dev.rosetta.translators.step.StepKey;

/**
 * The steps declared for each subject, beyond plain Avro resolution: YAML operation files and
 * custom Java translators found with {@link ServiceLoader}. Registry migration rules are not
 * here: they travel with the schemas.
 *
 * <p>YAML layout: {@code <dir>/<subject>/<a>-<b>.yaml} with {@code a < b}; its {@code upcast}
 * list declares step a to b, its {@code downcast} list step b to a (see the commented example
 * {@code translators/src/test/resources/translators/orders-value/1-2.yaml}). Non-adjacent pairs
 * (e.g. {@code 1-3.yaml}) declare direct pairs, which win over the chain through the versions in
 * between.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class StepCatalog {
    private static final Pattern FILE = Pattern.compile("(\\d+)-(\\d+)\\.ya?ml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Declarative operations for one step.
     *
     * @param key        subject and direction
     * @param operations operations in order
     * @param lossless   whether the file declares the step pair lossless (verify checks round trips)
     * @param origin     where it was declared (file path), for messages
     */
    public record Declared(StepKey key, List<Operation> operations, boolean lossless, String origin) {
        public Declared {
            operations = List.copyOf(operations);
        }
    }

    private final Map<StepKey, Declared> declared;
    private final Map<StepKey, TranslatorProvider> custom;
    private final Duration jsonataTimeout;
    private final int jsonataDepth;

    private StepCatalog(
            Map<StepKey, Declared> declared,
            Map<StepKey, TranslatorProvider> custom,
            Duration jsonataTimeout,
            int jsonataDepth) {
        this.declared = Map.copyOf(declared);
        this.custom = Map.copyOf(custom);
        this.jsonataTimeout = jsonataTimeout;
        this.jsonataDepth = jsonataDepth;
    }

    /** No declared steps: every step is resolution or registry migration rules. */
    public static StepCatalog empty() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The YAML operations declared for {@code key}. */
    public Optional<Declared> declared(StepKey key) {
        return Optional.ofNullable(declared.get(key));
    }

    /** The custom translator provider for {@code key}. */
    public Optional<TranslatorProvider> custom(StepKey key) {
        return Optional.ofNullable(custom.get(key));
    }

    /** Every declared or custom step of {@code subject}. */
    public Set<StepKey> steps(String subject) {
        Set<StepKey> out = new LinkedHashSet<>();
        for (StepKey k : custom.keySet()) {
            if (k.subject().equals(subject)) {
                out.add(k);
            }
        }
        for (StepKey k : declared.keySet()) {
            if (k.subject().equals(subject)) {
                out.add(k);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** Every subject with declared steps. */
    public Set<String> subjects() {
        Set<String> out = new LinkedHashSet<>();
        declared.keySet().forEach(k -> out.add(k.subject()));
        custom.keySet().forEach(k -> out.add(k.subject()));
        return out;
    }

    /** Bound on one JSONata evaluation. */
    public Duration jsonataTimeout() {
        return jsonataTimeout;
    }

    /** Bound on JSONata recursion depth. */
    public int jsonataDepth() {
        return jsonataDepth;
    }

    /** Collects declared steps. Not thread-safe. */
    public static final class Builder {
        private final Map<StepKey, Declared> declared = new HashMap<>();
        private final Map<StepKey, TranslatorProvider> custom = new HashMap<>();
        private Duration jsonataTimeout = Operations.DEFAULT_JSONATA_TIMEOUT;
        private int jsonataDepth = Operations.DEFAULT_JSONATA_DEPTH;

        /** Bounds for JSONata in YAML {@code compute} operations and registry migration rules. */
        public Builder jsonataBounds(Duration timeout, int maxDepth) {
            this.jsonataTimeout = timeout;
            this.jsonataDepth = maxDepth;
            return this;
        }

        /** Adds one step's operations. */
        public Builder declare(Declared d) {
            Declared old = declared.put(d.key(), d);
            if (old != null) {
                throw new IllegalArgumentException(
                        "step " + d.key() + " declared twice: " + old.origin() + " and " + d.origin());
            }
            return this;
        }

        /** Adds a custom provider for every step it lists. */
        public Builder provider(TranslatorProvider p) {
            for (StepKey k : p.steps()) {
                TranslatorProvider old = custom.put(k, p);
                if (old != null && old != p) {
                    throw new IllegalArgumentException("step " + k + " has two custom translators: "
                            + old.getClass().getName() + " and " + p.getClass().getName());
                }
            }
            return this;
        }

        /** Adds every {@link TranslatorProvider} that {@link ServiceLoader} finds through {@code loader}. */
        public Builder serviceLoader(ClassLoader loader) {
            for (TranslatorProvider p : ServiceLoader.load(TranslatorProvider.class, loader)) {
                provider(p);
            }
            return this;
        }

        /**
         * Loads every {@code <subject>/<a>-<b>.yaml} under {@code dir}.
         *
         * @throws IllegalArgumentException naming the file and operation that is wrong
         */
        public Builder directory(Path dir) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("translator directory " + dir + " does not exist");
            }
            try (Stream<Path> subjects = Files.list(dir)) {
                for (Path subjectDir :
                        subjects.filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> files = Files.list(subjectDir)) {
                        for (Path f : files.sorted().toList()) {
                            Matcher m = FILE.matcher(f.getFileName().toString());
                            if (m.matches()) {
                                loadFile(
                                        subjectDir.getFileName().toString(),
                                        Integer.parseInt(m.group(1)),
                                        Integer.parseInt(m.group(2)),
                                        f);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read translator directory " + dir, e);
            }
            return this;
        }

        /** Loads one step file for {@code subject} between versions {@code a} and {@code b}. */
        public Builder file(String subject, int a, int b, Path file) {
            loadFile(subject, a, b, file);
            return this;
        }

        private void loadFile(String subject, int a, int b, Path file) {
            if (a >= b) {
                throw new IllegalArgumentException(file + ": name must be <lower>-<higher>.yaml, got " + a + "-" + b);
            }
            JsonNode root;
            try {
                root = YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + ": expected a map with 'upcast' and/or 'downcast' lists");
            }
            for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!Set.of("upcast", "downcast", "lossless", "description").contains(k)) {
                    throw new IllegalArgumentException(
                            file + ": unknown key '" + k + "' (known: upcast, downcast, lossless, description)");
                }
            }
            boolean lossless = root.path("lossless").asBoolean(false);
            if (root.has("upcast")) {
                declare(new Declared(
                        new StepKey(subject, a, b),
                        ops(root.get("upcast"), file, "upcast"),
                        lossless,
                        file.toString()));
            }
            if (root.has("downcast")) {
                declare(new Declared(
                        new StepKey(subject, b, a),
                        ops(root.get("downcast"), file, "downcast"),
                        lossless,
                        file.toString()));
            }
        }

        private List<Operation> ops(JsonNode list, Path file, String section) {
            if (list.isNull()) {
                return List.of();
            }
            if (!list.isArray()) {
                throw new IllegalArgumentException(file + ": '" + section + "' must be a list of operations");
            }
            List<Operation> out = new ArrayList<>();
            int i = 1;
            for (JsonNode op : list) {
                try {
                    out.add(Operations.parse(op, jsonataTimeout, jsonataDepth));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            file + ": " + section + " operation #" + i + ": " + e.getMessage(), e);
                }
                i++;
            }
            return out;
        }

        public StepCatalog build() {
            return new StepCatalog(declared, custom, jsonataTimeout, jsonataDepth);
        }
    }
}
