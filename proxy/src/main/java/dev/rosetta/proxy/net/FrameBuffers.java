package dev.rosetta.proxy.net;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * The buffer allocator of every Kafka connection, client side and upstream.
 *
 * <p>Kafka frames are large: a fetch response is typically 1 to 3 MiB (up to {@code
 * max.partition.fetch.bytes} per partition) and may reach {@code fetch.max.bytes}. Netty 4.2's
 * default adaptive allocator pools buffers only up to 1 MiB; every larger frame got a fresh
 * {@code DirectByteBuffer}, which the JDK zeroes and the kernel maps page by page. Profiled on
 * the translating consume path that was about 40% of the proxy's CPU (see benchmarks/README.md).
 * A pooled allocator with 16 MiB chunks serves frames up to 16 MiB from memory it already has;
 * only larger frames are allocated one by one.
 *
 * <p>The translation workers take the heap buffers of rebuilt partitions from it as well, and give
 * them back once the message holding them is encoded.
 *
 * <p>Memory: up to two arenas per core, and no more than a sixth of the heap (or of the direct
 * memory limit) in 16 MiB chunks; each arena holds the chunks its threads use, a chunk that
 * empties is given back, except the first of each arena, which {@link #pinChunks} keeps.
 */
public final class FrameBuffers {
    /** 8 KiB pages, 2^11 of them per chunk: 16 MiB chunks. */
    private static final int PAGE_SIZE = 8192;

    private static final int MAX_ORDER = 11;

    private static final PooledByteBufAllocator ALLOCATOR = new PooledByteBufAllocator(
            true,
            arenas(Runtime.getRuntime().maxMemory()),
            arenas(io.netty.util.internal.PlatformDependent.maxDirectMemory()),
            PAGE_SIZE,
            MAX_ORDER,
            PooledByteBufAllocator.defaultSmallCacheSize(),
            PooledByteBufAllocator.defaultNormalCacheSize(),
            PooledByteBufAllocator.defaultUseCacheForAllThreads());

    /**
     * Netty's rule for the number of arenas (two per core, and no more than a sixth of the memory
     * in chunks), applied to this allocator's 16 MiB chunks rather than Netty's default 4 MiB: a
     * small container's heap is not filled with chunks.
     */
    private static int arenas(long memory) {
        int cores = io.netty.util.NettyRuntime.availableProcessors();
        return (int) Math.max(1, Math.min(2L * cores, memory / (PAGE_SIZE << MAX_ORDER) / 2 / 3));
    }

    /** The largest buffer served from a chunk; larger ones are allocated (and freed) one by one. */
    public static final int CHUNK_BYTES = PAGE_SIZE << MAX_ORDER;

    /** One small buffer per thread that called {@link #pinChunks}, never released. */
    private static final java.util.Queue<ByteBuf> PINS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private FrameBuffers() {}

    /**
     * Keeps the first direct and heap chunk of the calling thread's arena for good, by holding one
     * small buffer in each. Netty gives a chunk back as soon as nothing in it is in use, which for
     * a proxy whose frames come and go means creating (zeroing, mapping) 16 MiB again and again:
     * profiled at about 9% of a produce run's CPU. Called once by each event loop and translation
     * worker; costs one chunk per arena that the threads use anyway.
     */
    public static void pinChunks() {
        PINS.add(ALLOCATOR.directBuffer(1));
        PINS.add(ALLOCATOR.heapBuffer(1));
    }

    /** The allocator of frames, and of the translated records that go into them. */
    public static ByteBufAllocator allocator() {
        return ALLOCATOR;
    }

    /** Gauges of the memory the pool holds: {@code rosetta.proxy.buffer.memory{kind=direct|heap}}. */
    public static void register(MeterRegistry registry) {
        Gauge.builder("rosetta.proxy.buffer.memory", ALLOCATOR, a -> a.metric().usedDirectMemory())
                .tag("kind", "direct")
                .baseUnit("bytes")
                .description("Memory held by the pooled frame buffers (chunks in use or kept for reuse)")
                .register(registry);
        Gauge.builder("rosetta.proxy.buffer.memory", ALLOCATOR, a -> a.metric().usedHeapMemory())
                .tag("kind", "heap")
                .baseUnit("bytes")
                .description("Memory held by the pooled frame buffers (chunks in use or kept for reuse)")
                .register(registry);
    }
}
