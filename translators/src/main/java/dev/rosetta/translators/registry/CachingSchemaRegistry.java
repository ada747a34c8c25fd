package dev.rosetta.translators.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A {@link SchemaRegistry} over a {@link RegistryClient} with Caffeine caches:
 * <ul>
 *   <li>schema by id: kept until evicted by size (ids are immutable);</li>
 *   <li>subject + version, and (subject, id) to version: kept until evicted by size;</li>
 *   <li>{@code latest} and the version list of a subject: refreshed in the background once older
 *       than the refresh interval; the caller gets the cached answer at once, and if the refresh
 *       fails (registry down) the cached answer stays in use.</li>
 * </ul>
 * A caller whose answer is cached never waits on the network. Failed look-ups are not cached, so
 * the next call retries. Concurrent callers of the same key share one request.
 *
 * <p>Thread-safe. Cost: a hash look-up when cached; one registry exchange per miss.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {
    private record SubjectVersion(String subject, int version) {}

    private record SubjectId(String subject, int id) {}

    private final RegistryClient client;
    private final AsyncLoadingCache<Integer, RegisteredSchema> byId;
    private final AsyncLoadingCache<SubjectVersion, RegisteredSchema> byVersion;
    private final AsyncLoadingCache<SubjectId, Integer> versionOf;
    private final AsyncLoadingCache<String, RegisteredSchema> latest;
    private final AsyncLoadingCache<String, List<Integer>> versions;

    /** Caches of up to 10,000 schemas; {@code latest} refreshed after 30 s. */
    public CachingSchemaRegistry(RegistryClient client) {
        this(client, 10_000, Duration.ofSeconds(30));
    }

    /**
     * @param client         the HTTP client
     * @param maximumSize    entries per cache before least-used ones are evicted
     * @param latestRefresh  age after which {@code latest} and version lists are refreshed in the background
     */
    public CachingSchemaRegistry(RegistryClient client, long maximumSize, Duration latestRefresh) {
        this(client, maximumSize, latestRefresh, Ticker.systemTicker());
    }

    CachingSchemaRegistry(RegistryClient client, long maximumSize, Duration latestRefresh, Ticker ticker) {
        this.client = client;
        var executor = ForkJoinPool.commonPool();
        byId = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(executor)
                .buildAsync((id, ex) -> client.schemaById(id));
        byVersion = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(executor)
                .buildAsync((k, ex) -> client.version(k.subject(), k.version()).thenApply(this::remember));
        versionOf = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(executor)
                .buildAsync((k, ex) -> schemaById(k.id())
                        .thenCompose(s -> client.lookup(k.subject(), s))
                        .thenApply(s -> s.version()));
        latest = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(executor)
                .ticker(ticker)
                .refreshAfterWrite(latestRefresh)
                .buildAsync((subject, ex) -> client.latest(subject).thenApply(this::remember));
        versions = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(executor)
                .ticker(ticker)
                .refreshAfterWrite(latestRefresh)
                .buildAsync((subject, ex) -> client.versions(subject));
    }

    /** Puts a schema fetched by subject/version into the by-id cache too. */
    private RegisteredSchema remember(RegisteredSchema s) {
        if (s.id() >= 0 && byId.getIfPresent(s.id()) == null) {
            byId.put(s.id(), CompletableFuture.completedFuture(s));
        }
        return s;
    }

    /** The underlying client (uncached). */
    public RegistryClient client() {
        return client;
    }

    @Override
    public CompletableFuture<RegisteredSchema> schemaById(int id) {
        return counted(byId.get(id));
    }

    @Override
    public Optional<RegisteredSchema> cachedSchemaById(int id) {
        return servedNow(byId.getIfPresent(id));
    }

    @Override
    public CompletableFuture<List<Integer>> versions(String subject) {
        return counted(versions.get(subject));
    }

    @Override
    public CompletableFuture<RegisteredSchema> version(String subject, int version) {
        return counted(byVersion.get(new SubjectVersion(subject, version)));
    }

    @Override
    public Optional<RegisteredSchema> cachedVersion(String subject, int version) {
        return servedNow(byVersion.getIfPresent(new SubjectVersion(subject, version)));
    }

    /** A cached answer the translation path uses directly (it never waits): counted as served during an outage. */
    private <T> Optional<T> servedNow(@Nullable CompletableFuture<T> f) {
        Optional<T> value = now(f);
        if (value.isPresent()) {
            client.healthTracker().servedFromCache();
        }
        return value;
    }

    @Override
    public CompletableFuture<RegisteredSchema> latest(String subject) {
        return counted(latest.get(subject));
    }

    @Override
    public CompletableFuture<Integer> versionOf(String subject, int schemaId) {
        return counted(versionOf.get(new SubjectId(subject, schemaId)));
    }

    @Override
    public RegistryHealth health() {
        return client.health();
    }

    private <T> CompletableFuture<T> counted(CompletableFuture<T> f) {
        if (f.isDone() && !f.isCompletedExceptionally()) {
            client.healthTracker().servedFromCache();
        }
        return f;
    }

    private static <T> Optional<T> now(@Nullable CompletableFuture<T> f) {
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.ofNullable(f.join());
    }
}
