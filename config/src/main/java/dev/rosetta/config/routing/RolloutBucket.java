package dev.rosetta.config.routing;

import java.nio.ByteBuffer;

/**
 * Sticky rollout buckets: every record falls into one of {@value #BUCKETS} buckets, a pure
 * function of its key, so the same record always gets the same bucket (a consumer that
 * re-reads a record sees the same shape) and raising a percentage only moves buckets from
 * stable to canary. A key's bucket is {@code toPositive(murmur2(key)) % 100000} with Kafka's
 * murmur2 (the default partitioner's hash), so it is reproducible in any language that has
 * it. A record without a key hashes its partition and offset (12 bytes, big-endian).
 *
 * <p>Static, thread-safe, allocation-free: a few nanoseconds per short key.
 */
public final class RolloutBucket {

    /** Number of buckets; one bucket is 0.001%. */
    public static final int BUCKETS = 100_000;

    private static final int SEED = 0x9747b28c;
    private static final int M = 0x5bd1e995;
    private static final int R = 24;

    private RolloutBucket() {}

    /** The bucket of a key given as bytes. */
    public static int of(byte[] key) {
        return toBucket(murmur2(key));
    }

    /** The bucket of the key between {@code key.position()} and {@code key.limit()}; the buffer is not moved. */
    public static int of(ByteBuffer key) {
        return toBucket(murmur2(key));
    }

    /** The bucket of a record without a key: a hash of its partition and offset. */
    public static int of(int partition, long offset) {
        return toBucket(murmur2(partition, offset));
    }

    private static int toBucket(int hash) {
        return (hash & 0x7fffffff) % BUCKETS;
    }

    /** Kafka's {@code Utils.murmur2} over a byte array. */
    static int murmur2(byte[] data) {
        int length = data.length;
        int h = SEED ^ length;
        int length4 = length >>> 2;
        for (int i = 0; i < length4; i++) {
            int i4 = i << 2;
            int k = (data[i4] & 0xff)
                    | ((data[i4 + 1] & 0xff) << 8)
                    | ((data[i4 + 2] & 0xff) << 16)
                    | ((data[i4 + 3] & 0xff) << 24);
            h = mix(h, k);
        }
        int tail = length & ~3;
        switch (length & 3) {
            case 3:
                h ^= (data[tail + 2] & 0xff) << 16;
            // fall through
            case 2:
                h ^= (data[tail + 1] & 0xff) << 8;
            // fall through
            case 1:
                h ^= data[tail] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        return finish(h);
    }

    /** Kafka's {@code Utils.murmur2} over {@code [position, limit)} of a buffer, by absolute reads. */
    static int murmur2(ByteBuffer data) {
        int start = data.position();
        int length = data.remaining();
        int h = SEED ^ length;
        int length4 = length >>> 2;
        for (int i = 0; i < length4; i++) {
            int i4 = start + (i << 2);
            int k = (data.get(i4) & 0xff)
                    | ((data.get(i4 + 1) & 0xff) << 8)
                    | ((data.get(i4 + 2) & 0xff) << 16)
                    | ((data.get(i4 + 3) & 0xff) << 24);
            h = mix(h, k);
        }
        int tail = start + (length & ~3);
        switch (length & 3) {
            case 3:
                h ^= (data.get(tail + 2) & 0xff) << 16;
            // fall through
            case 2:
                h ^= (data.get(tail + 1) & 0xff) << 8;
            // fall through
            case 1:
                h ^= data.get(tail) & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        return finish(h);
    }

    /**
     * murmur2 of the 12 bytes {@code partition (int BE) ++ offset (long BE)} without building
     * them: murmur2 reads 4-byte words little-endian, which is {@code reverseBytes} of each
     * big-endian word.
     */
    static int murmur2(int partition, long offset) {
        int h = SEED ^ 12;
        h = mix(h, Integer.reverseBytes(partition));
        h = mix(h, Integer.reverseBytes((int) (offset >>> 32)));
        h = mix(h, Integer.reverseBytes((int) offset));
        return finish(h);
    }

    private static int mix(int h, int k) {
        k *= M;
        k ^= k >>> R;
        k *= M;
        h *= M;
        return h ^ k;
    }

    private static int finish(int h) {
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
