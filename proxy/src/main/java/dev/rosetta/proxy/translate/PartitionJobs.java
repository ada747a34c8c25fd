package dev.rosetta.proxy.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.common.record.MemoryRecords;
import org.jspecify.annotations.Nullable;

import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.VersionDecision;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.translators.Translator;
import dev.rosetta.translators.TranslatorCache;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

/**
 * Rewrites the routed partitions of one fetch response or produce request, and is the part of
 * the fetch and produce translators they share: rewrite, wait, apply.
 *
 * <p>Small messages are rewritten right away on the event loop (a hop to another thread would
 * cost more than the work); larger ones go to the translation workers, one task per partition, so
 * the partitions of one big response are rewritten in parallel and the event loop keeps serving
 * its other connections. Then the message waits (the filter defers) until the workers are done
 * and until every translator look-up has an answer, and the results are applied on a later run.
 */
final class PartitionJobs {
    /** Below this many record bytes in routed partitions a message is rewritten on the event loop. */
    static final int INLINE_BYTES = 64 * 1024;

    private final TranslatorCache translators;
    private final TranslationMetrics metrics;
    private final DeadLetters deadLetters;
    private final Executor workers;
    private final @Nullable RebuiltBatches rebuilt;

    /**
     * @param workers where large messages are rewritten, a partition per task; null to rewrite everything on the event loop
     * @param rebuilt fetch batches already rebuilt, shared by every connection; null for no cache
     */
    PartitionJobs(
            TranslatorCache translators,
            TranslationMetrics metrics,
            DeadLetters deadLetters,
            Executor workers,
            @Nullable RebuiltBatches rebuilt) {
        this.translators = translators;
        this.rebuilt = rebuilt;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.workers = workers;
    }

    /** One partition to rewrite; {@code target} is the caller's handle on the partition in its message. */
    record Job<T>(
            String topic,
            int partition,
            MemoryRecords records,
            RouteConfig route,
            VersionDecision decision,
            PartitionRewriter.Rebuild how,
            T target) {
        /** The same partition, rebuilt {@code how}. */
        Job<T> with(PartitionRewriter.Rebuild how) {
            return new Job<>(topic, partition, records, route, decision, how, target);
        }
    }

    /** What rewriting {@link #job} gave. */
    record Done<T>(Job<T> job, PartitionRewriter.Result result) {}

    /**
     * One run of a translating filter over its message, after the filter found the client's
     * routes and the message's topic names.
     *
     * @param jobs  the partitions to rewrite; asked again on each run that rewrites
     * @param hold  keeps a buffer the rewritten records live in until the message is encoded
     *              (the exchange's {@code releaseWhenDone})
     * @param apply changes the message with the final results (none pending), on the event loop
     * @return {@code apply}'s answer, {@link FilterResult#UNCHANGED} when no partition is routed, or
     *         a deferral until the workers are done or every look-up has an answer
     */
    <T> FilterResult translate(
            Direction direction,
            ExchangeState<T> state,
            Supplier<List<Job<T>>> jobs,
            Consumer<ReferenceCounted> hold,
            Function<List<Done<T>>, FilterResult> apply) {
        List<Done<T>> done;
        CompletableFuture<List<Done<T>>> running = state.running;
        if (running != null) {
            state.running = null;
            Unclaimed<T> unclaimed = state.unclaimed;
            if (unclaimed != null) {
                unclaimed.claimed = true; // from here on this run hands the buffers on or releases them
                state.unclaimed = null;
            }
            done = finished(running);
        } else {
            List<Job<T>> todo = jobs.get();
            if (todo.isEmpty()) {
                return FilterResult.UNCHANGED;
            }
            CompletableFuture<List<Done<T>>> rewrite = rewrite(direction, todo, state);
            if (!rewrite.isDone()) {
                state.running = rewrite; // the workers have it; the next run applies their results
                Unclaimed<T> unclaimed = new Unclaimed<>(rewrite);
                state.unclaimed = unclaimed;
                hold.accept(unclaimed); // released with the message: gives the results back if no run takes them
                return FilterResult.deferUntil(rewrite);
            }
            done = finished(rewrite);
        }
        List<CompletableFuture<Translator>> pending = new ArrayList<>();
        for (Done<T> d : done) {
            pending.addAll(d.result().pending());
        }
        if (!pending.isEmpty()) {
            release(done); // the partitions that were rewritten are rewritten again on the next run
            // nothing changed yet; run again once every look-up has an answer (success or failure)
            return FilterResult.deferUntil(CompletableFuture.allOf(
                    pending.stream().map(f -> f.handle((t, e) -> null)).toArray(CompletableFuture[]::new)));
        }
        for (Done<T> d : done) {
            ByteBuf buffer = d.result().buffer();
            if (buffer != null) {
                hold.accept(buffer);
            }
            PartitionRewriter.Counts counts = d.result().counts();
            if (counts != null && direction == Direction.CONSUME) {
                counts.report(); // final: delivered now (produced records are counted once the broker stored them)
            }
        }
        return apply.apply(done);
    }

    /**
     * The results of partitions rewritten on the workers, held by the exchange while it waits for
     * them: if the message is dropped before a run takes them (the connection closed), releasing
     * this gives their pooled buffers back. Once a run claimed them, it does nothing.
     */
    static final class Unclaimed<T> extends AbstractReferenceCounted {
        private final CompletableFuture<List<Done<T>>> results;
        /** Set on the event loop by the run that takes the results; read there when the message is released. */
        boolean claimed;

        Unclaimed(CompletableFuture<List<Done<T>>> results) {
            this.results = results;
        }

        @Override
        protected void deallocate() {
            if (!claimed) { // results still being computed are given back when they are done
                results.thenAccept(PartitionJobs::release);
            }
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }

    /** Gives back the buffers of rewritten partitions that will not be delivered. */
    private static <T> void release(List<Done<T>> done) {
        for (Done<T> d : done) {
            ByteBuf buffer = d.result().buffer();
            if (buffer != null) {
                buffer.release();
            }
        }
    }

    /** Rewrites {@code jobs}: done already when small enough to rewrite here, else running on the workers. */
    private <T> CompletableFuture<List<Done<T>>> rewrite(
            Direction direction, List<Job<T>> jobs, ExchangeState<T> state) {
        Supplier<PartitionRewriter> rewriters =
                () -> new PartitionRewriter(translators, metrics, deadLetters, direction, state.lookups, rebuilt);
        long bytes = 0;
        for (Job<T> job : jobs) {
            bytes += job.records().sizeInBytes();
        }
        if (workers == null || bytes < INLINE_BYTES) {
            PartitionRewriter rewriter = rewriters.get();
            List<Done<T>> done = new ArrayList<>(jobs.size());
            try {
                for (Job<T> job : jobs) {
                    done.add(rewrite(rewriter, job));
                }
            } catch (RuntimeException e) {
                release(done);
                throw e;
            }
            return CompletableFuture.completedFuture(done);
        }
        metrics.offloaded(direction).increment();
        List<CompletableFuture<Done<T>>> tasks = new ArrayList<>(jobs.size());
        for (Job<T> job : jobs) {
            // a rewriter per task: rewriters are single-threaded; the exchange's look-up map is shared and concurrent
            tasks.add(CompletableFuture.supplyAsync(() -> rewrite(rewriters.get(), job), workers));
        }
        return CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, error) -> {
                    if (error != null) { // a partition failed: the exchange fails, the others are not delivered
                        release(tasks.stream()
                                .filter(t -> !t.isCompletedExceptionally())
                                .map(CompletableFuture::join)
                                .toList());
                    }
                })
                .thenApply(
                        ignored -> tasks.stream().map(CompletableFuture::join).toList());
    }

    private static <T> Done<T> rewrite(PartitionRewriter rewriter, Job<T> job) {
        return new Done<>(
                job,
                rewriter.rewrite(job.topic(), job.partition(), job.records(), job.route(), job.decision(), job.how()));
    }

    /** The results of finished work; a task that threw rethrows here, on the event loop, where the exchange's failure handling runs. */
    private static <T> List<Done<T>> finished(CompletableFuture<List<Done<T>>> rewrite) {
        try {
            return rewrite.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
