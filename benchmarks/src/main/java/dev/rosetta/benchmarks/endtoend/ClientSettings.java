package dev.rosetta.benchmarks.endtoend;

import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The client configuration every workload uses; identical for every target but the bootstrap address. */
final class ClientSettings {
    private ClientSettings() {}

    /** A realistic producer: acks=all (idempotent, the default), linger and batch size from the options, the payload's compression. */
    static Properties producer(Target target, Options options, String role, Payload payload) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-" + role + "-" + target.name());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(options.lingerMs()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(options.batchBytes()));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, payload.compression());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(options.producerOverrides());
        return props;
    }

    /** A consumer with default fetch settings; partitions are assigned, so no group and no commits. */
    static Properties consumer(Target target, Options options, String role) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-" + role + "-" + target.name());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(options.consumerOverrides());
        return props;
    }
}
