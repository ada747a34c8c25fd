package dev.rosetta.proxy.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.apache.kafka.common.record.MemoryRecords;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;

/**
 * Rewrites the routed partitions of one fetch response or produce request. Small messages are
 * rewritten right away on the event loop (a hop to another thread would cost more than the work);
 * larger ones go to the translation workers, one task per partition, so the partitions of one big
 * response are rewritten in parallel and the event loop keeps serving its other connections. The
 * caller then defers the message until {@link ExchangeState#running} completes and applies the
 * results on its next run.
 */
final class PartitionJobs {
    /** Below this many record bytes in routed partitions a message is rewritten on the event loop. */
    static final int INLINE_BYTES = 256 * 1024;

    private final TranslatorCache translators;
    private final TranslationMetrics metrics;
    private final DeadLetters deadLetters;
    private final Executor workers;

    /** @param workers where large messages are rewritten, a partition per task; null to rewrite everything on the event loop */
    PartitionJobs(TranslatorCache translators, TranslationMetrics metrics, DeadLetters deadLetters, Executor workers) {
        this.translators = translators;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.workers = workers;
    }

    /** One partition to rewrite; {@code target} is the caller's handle on the partition in its message. */
    record Job<T>(String topic, int partition, MemoryRecords records, RouteConfig route, VersionDecision decision, T target) {
    }

    /** What rewriting {@link #job} gave. */
    record Done<T>(Job<T> job, PartitionRewriter.Result result) {
    }

    /**
     * Rewrites {@code jobs} in {@code direction}: returns the results when done inline, or null
     * after handing them to the workers and recording the stage in {@code state.running}.
     */
    <T> List<Done<T>> run(Direction direction, List<Job<T>> jobs, ExchangeState state) {
        Supplier<PartitionRewriter> rewriters = () -> new PartitionRewriter(translators, metrics, deadLetters, direction, state.lookups);
        long bytes = 0;
        for (Job<T> job : jobs) {
            bytes += job.records().sizeInBytes();
        }
        if (workers == null || bytes < INLINE_BYTES) {
            PartitionRewriter rewriter = rewriters.get();
            List<Done<T>> done = new ArrayList<>(jobs.size());
            for (Job<T> job : jobs) {
                done.add(new Done<>(job, rewriter.rewrite(job.topic(), job.partition(), job.records(), job.route(), job.decision())));
            }
            return done;
        }
        metrics.offloaded(direction).increment();
        List<CompletableFuture<Done<T>>> tasks = new ArrayList<>(jobs.size());
        for (Job<T> job : jobs) {
            // a rewriter per task: rewriters are single-threaded; the exchange's look-up map is shared and concurrent
            tasks.add(CompletableFuture.supplyAsync(() -> new Done<>(job,
                    rewriters.get().rewrite(job.topic(), job.partition(), job.records(), job.route(), job.decision())), workers));
        }
        state.running = CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> tasks.stream().map(CompletableFuture::join).toList());
        return null;
    }

    /**
     * The results of the work {@code state.running} stood for, after the deferral it caused; clears it.
     * A task that threw rethrows here, on the event loop, where the exchange's failure handling runs.
     */
    @SuppressWarnings("unchecked")
    static <T> List<Done<T>> finished(ExchangeState state) {
        CompletableFuture<? extends List<?>> running = state.running;
        state.running = null;
        try {
            return (List<Done<T>>) running.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Every look-up some result waits for, or null when all results are final. */
    static <T> List<CompletableFuture<Translator>> pending(List<Done<T>> done) {
        List<CompletableFuture<Translator>> pending = null;
        for (Done<T> d : done) {
            if (d.result().isPending()) {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.addAll(d.result().pending());
            }
        }
        return pending;
    }
}
