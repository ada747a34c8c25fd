package dev.rosetta.config.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RolloutBucketTest {

    @Test
    void keyBucketIsKafkasPositiveMurmur2ModuloBuckets() {
        Random random = new Random(42);
        for (int length = 0; length < 64; length++) {
            byte[] key = new byte[length];
            random.nextBytes(key);
            int expected = Utils.toPositive(Utils.murmur2(key)) % 100_000;
            assertThat(RolloutBucket.of(key)).as("length %d", length).isEqualTo(expected);
        }
    }

    @Test
    void bufferKeyHashesOnlyItsRemainingBytesAndIsNotMoved() {
        byte[] key = "customer-4711".getBytes(StandardCharsets.UTF_8);
        byte[] framed = new byte[key.length + 7];
        System.arraycopy(key, 0, framed, 3, key.length);
        ByteBuffer slice = ByteBuffer.wrap(framed, 3, key.length);

        assertThat(RolloutBucket.of(slice)).isEqualTo(RolloutBucket.of(key));
        assertThat(slice.position()).isEqualTo(3);
        assertThat(RolloutBucket.of(
                        ByteBuffer.allocateDirect(key.length).put(key).flip()))
                .isEqualTo(RolloutBucket.of(key));
    }

    @Test
    void keylessBucketHashesPartitionThenOffsetBigEndian() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            int partition = random.nextInt(1000);
            long offset = random.nextLong() & Long.MAX_VALUE;
            byte[] bytes =
                    ByteBuffer.allocate(12).putInt(partition).putLong(offset).array();
            assertThat(RolloutBucket.of(partition, offset)).isEqualTo(Utils.toPositive(Utils.murmur2(bytes)) % 100_000);
        }
    }

    @Test
    void bucketsSpreadEvenlyEnoughForPercentagesToMeanWhatTheySay() {
        int[] perTenth = new int[10];
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            perTenth[RolloutBucket.of(("key-" + i).getBytes(StandardCharsets.UTF_8)) / 10_000]++;
        }
        for (int count : perTenth) {
            assertThat(count).isBetween((int) (n / 10 * 0.97), (int) (n / 10 * 1.03));
        }
    }
}
