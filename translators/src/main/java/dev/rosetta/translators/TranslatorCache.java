package dev.rosetta.translators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.rosetta.translators.TranslationException.Reason;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.registry.RegisteredSchema;
import dev.rosetta.translators.registry.RegistryException;
import dev.rosetta.translators.registry.SchemaRegistry;

/**
 * Compiles and caches {@link Translator}s by (subject, source schema id, target schema id).
 *
 * <p>Two ways to ask:
 * <ul>
 *   <li>{@link #translator(String, int, int)} / {@link #translatorToSchema}: a future; compiles in
 *       the background (schemas fetched through the {@link SchemaRegistry}) on first use;</li>
 *   <li>{@link #cachedOrNull(String, int, int)}: for an event loop, never blocks: the translator if
 *       compiled, {@code null} if not yet (compilation is then started), or throws the remembered
 *       {@link TranslationException} if compilation failed.</li>
 * </ul>
 * Failed compilations are remembered for {@code failureRetention} (default 30 s) so a bad pair does
 * not recompile on every record; successes stay until evicted by size.
 *
 * <p>Thread-safe. Cost: a hash look-up when cached; a compile (schema fetches, parsing, plan
 * building: typically under a millisecond plus registry round trips) per miss.
 */
public final class TranslatorCache {
    private record Key(String subject, int sourceId, int targetId) {}

    /** A compile outcome: exactly one of the two is set. */
    private record Outcome(
            @Nullable Translator translator, @Nullable TranslationException failure) {}

    private final SchemaRegistry registry;
    private final StepCatalog catalog;
    private final AsyncLoadingCache<Key, Outcome> cache;
    private final AsyncLoadingCache<Integer, Schema> parsed;

    private TranslatorCache(Builder b) {
        this.registry = b.registry;
        this.catalog = b.catalog;
        long failureNanos = b.failureRetention.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(b.maximumSize)
                .executor(b.executor)
                .recordStats()
                .expireAfter(new Expiry<Key, Outcome>() {
                    @Override
                    public long expireAfterCreate(Key key, Outcome value, long currentTime) {
                        return value.failure() != null ? failureNanos : Long.MAX_VALUE;
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Outcome value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(Key key, Outcome value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .buildAsync((key, executor) -> CompletableFuture.completedFuture(key)
                        // Caffeine calls the loader on the caller's thread: hop to the executor so an
                        // event loop asking cachedOrNull never compiles, even when all schemas are cached
                        .thenComposeAsync(this::compile, executor)
                        .handle((t, e) ->
                                t != null ? new Outcome(t, null) : new Outcome(null, asTranslationException(e, key))));
        this.parsed = Caffeine.newBuilder()
                .maximumSize(b.maximumSize)
                .executor(b.executor)
                .buildAsync((id, executor) -> registry.schemaById(id).thenCompose(this::parse));
    }

    /** A builder over {@code registry}; the step catalog defaults to {@link StepCatalog#empty()}. */
    public static Builder builder(SchemaRegistry registry) {
        return new Builder(registry);
    }

    /** The registry translators are compiled from. */
    public SchemaRegistry registry() {
        return registry;
    }

    /** The declared steps in use. */
    public StepCatalog catalog() {
        return catalog;
    }

    /**
     * The translator for records of {@code subject} written with {@code sourceId}, to be read as
     * {@code subject} version {@code targetVersion}.
     */
    public CompletableFuture<Translator> translator(String subject, int sourceId, int targetVersion) {
        return registry.version(subject, targetVersion)
                .exceptionallyCompose(
                        e -> CompletableFuture.failedFuture(asTranslationException(e, new Key(subject, sourceId, -1))))
                .thenCompose(target -> translatorToSchema(subject, sourceId, target.id()));
    }

    /** The translator from schema {@code sourceId} to schema {@code targetId}, both of {@code subject}. */
    public CompletableFuture<Translator> translatorToSchema(String subject, int sourceId, int targetId) {
        return cache.get(new Key(subject, sourceId, targetId)).thenApply(o -> {
            if (o.failure() != null) {
                throw new CompletionException(o.failure());
            }
            return Objects.requireNonNull(o.translator(), "an outcome without a failure has a translator");
        });
    }

    /**
     * Never blocks: the compiled translator, or null if it is not compiled yet (compilation starts
     * in the background, including the look-up of the target version's id).
     *
     * @throws TranslationException the remembered compile failure for this pair
     */
    public @Nullable Translator cachedOrNull(String subject, int sourceId, int targetVersion) {
        Optional<RegisteredSchema> target = registry.cachedVersion(subject, targetVersion);
        if (target.isEmpty()) {
            translator(subject, sourceId, targetVersion); // warm up; the caller retries later
            return null;
        }
        return cachedToSchemaOrNull(subject, sourceId, target.get().id());
    }

    /** As {@link #cachedOrNull(String, int, int)} with a target schema id. */
    public @Nullable Translator cachedToSchemaOrNull(String subject, int sourceId, int targetId) {
        Key key = new Key(subject, sourceId, targetId);
        CompletableFuture<Outcome> f = cache.getIfPresent(key);
        if (f == null) {
            var unused = cache.get(key); // starts compiling; the caller retries later
            return null;
        }
        if (!f.isDone()) {
            return null;
        }
        Outcome o = f.join(); // done, never exceptional: failures are stored as outcomes
        if (o.failure() != null) {
            throw o.failure();
        }
        return Objects.requireNonNull(o.translator(), "an outcome without a failure has a translator");
    }

    /**
     * Version {@code version} of {@code subject} with its parsed schema (references resolved), for
     * reports and verification.
     */
    public CompletableFuture<TranslatorChain.Version> version(String subject, int version) {
        return registry.version(subject, version)
                .thenCompose(rs -> parsed.get(rs.id())
                        .thenApply(schema -> new TranslatorChain.Version(version, rs.id(), schema, rs.ruleSet())));
    }

    /** Hits, misses and evictions of the translator cache (look-ups by the proxy's hot path included). */
    public com.github.benmanes.caffeine.cache.stats.CacheStats stats() {
        return cache.synchronous().stats();
    }

    /** Number of cached outcomes (successes and remembered failures). */
    public long size() {
        return cache.synchronous().estimatedSize();
    }

    private CompletableFuture<Translator> compile(Key key) {
        String subject = key.subject();
        CompletableFuture<Integer> sourceVersion = registry.versionOf(subject, key.sourceId());
        CompletableFuture<Integer> targetVersion = registry.versionOf(subject, key.targetId());
        CompletableFuture<List<Integer>> versions = registry.versions(subject);
        return CompletableFuture.allOf(sourceVersion, targetVersion, versions).thenCompose(x -> {
            int from = sourceVersion.join();
            int to = targetVersion.join();
            List<Integer> path = TranslatorChain.planPath(subject, versions.join(), from, to, catalog);
            Map<Integer, CompletableFuture<TranslatorChain.Version>> loads = new HashMap<>();
            for (int v : path) {
                loads.put(
                        v,
                        registry.version(subject, v)
                                .thenCompose(rs -> parsed.get(rs.id())
                                        .thenApply(schema ->
                                                new TranslatorChain.Version(v, rs.id(), schema, rs.ruleSet()))));
            }
            return CompletableFuture.allOf(loads.values().toArray(new CompletableFuture<?>[0]))
                    .thenApply(y -> {
                        Map<Integer, TranslatorChain.Version> schemas = new HashMap<>();
                        loads.forEach((v, f) -> schemas.put(v, f.join()));
                        TranslatorChain chain = TranslatorChain.compile(subject, path, schemas, catalog);
                        return new Translator(subject, key.sourceId(), key.targetId(), from, to, chain);
                    });
        });
    }

    /** Parses an Avro schema, fetching and parsing its references first (depth-first). */
    private CompletableFuture<Schema> parse(RegisteredSchema rs) {
        if (!rs.isAvro()) {
            return CompletableFuture.failedFuture(new TranslationException(
                    Reason.UNKNOWN_SCHEMA, "schema id " + rs.id() + " is " + rs.schemaType() + ", not AVRO"));
        }
        List<RegisteredSchema> ordered = new ArrayList<>();
        return collectReferences(rs, ordered, 0).thenApply(x -> {
            Schema.Parser parser = new Schema.Parser();
            Schema last = null;
            for (RegisteredSchema s : ordered) {
                try {
                    last = parser.parse(s.schema());
                } catch (SchemaParseException e) {
                    if (s != rs && e.getMessage() != null && e.getMessage().contains("Can't redefine")) {
                        continue; // a reference shared by two others is defined once
                    }
                    throw new TranslationException(
                            Reason.UNKNOWN_SCHEMA, "schema id " + s.id() + " does not parse: " + e.getMessage());
                }
            }
            return last;
        });
    }

    private CompletableFuture<Void> collectReferences(RegisteredSchema rs, List<RegisteredSchema> ordered, int depth) {
        if (depth > 32) {
            return CompletableFuture.failedFuture(new TranslationException(
                    Reason.UNKNOWN_SCHEMA, "schema references nest deeper than 32 at schema id " + rs.id()));
        }
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (var ref : rs.references()) {
            chain = chain.thenCompose(x -> registry.version(ref.subject(), ref.version()))
                    .thenCompose(r -> collectReferences(r, ordered, depth + 1));
        }
        return chain.thenRun(() -> ordered.add(rs));
    }

    private static TranslationException asTranslationException(Throwable e, Key key) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof TranslationException te) {
            return te.withContext(key.subject(), key.sourceId(), key.targetId());
        }
        if (c instanceof RegistryException re) {
            String what = re.isNotFound() ? "not found in the registry" : "registry unavailable";
            return new TranslationException(
                    Reason.UNKNOWN_SCHEMA,
                    what + ": " + re.getMessage(),
                    "",
                    key.subject(),
                    key.sourceId(),
                    key.targetId(),
                    re);
        }
        return new TranslationException(
                Reason.INCOMPATIBLE,
                "cannot compile translator: " + c,
                "",
                key.subject(),
                key.sourceId(),
                key.targetId(),
                c);
    }

    /** Configures a {@link TranslatorCache}. Not thread-safe. */
    public static final class Builder {
        private final SchemaRegistry registry;
        private StepCatalog catalog = StepCatalog.empty();
        private long maximumSize = 10_000;
        private Duration failureRetention = Duration.ofSeconds(30);
        private Executor executor = ForkJoinPool.commonPool();

        private Builder(SchemaRegistry registry) {
            this.registry = registry;
        }

        public Builder catalog(StepCatalog catalog) {
            this.catalog = catalog;
            return this;
        }

        public Builder maximumSize(long n) {
            this.maximumSize = n;
            return this;
        }

        /** How long a failed compile is remembered before the next request retries it. */
        public Builder failureRetention(Duration d) {
            this.failureRetention = d;
            return this;
        }

        /** Where compiles run (never the caller's thread when it uses {@code cachedOrNull}). */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        public TranslatorCache build() {
            return new TranslatorCache(this);
        }
    }
}
