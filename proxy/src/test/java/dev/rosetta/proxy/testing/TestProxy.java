package dev.rosetta.proxy.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.Sidecar;

/** A sidecar in front of a test cluster on free ports, plus client configurations for both paths. */
public final class TestProxy implements AutoCloseable {
    private final Sidecar sidecar;
    private final String upstreamBootstrap;

    private TestProxy(Sidecar sidecar, String upstreamBootstrap) {
        this.sidecar = sidecar;
        this.upstreamBootstrap = upstreamBootstrap;
    }

    public static TestProxy start(String upstreamBootstrap) {
        return start(RosettaConfig.defaults(List.of(upstreamBootstrap.split(","))));
    }

    public static TestProxy start(RosettaConfig base) {
        ListenerConfig l = base.listener();
        RosettaConfig config = base.withListener(new ListenerConfig(
                        "127.0.0.1",
                        0,
                        0,
                        "127.0.0.1",
                        l.maxFrameBytes(),
                        l.tls(),
                        l.fetchCodec(),
                        l.principals(),
                        l.idleTimeout()))
                .withAdmin(new AdminConfig(true, "127.0.0.1", 0, null));
        return new TestProxy(
                new Sidecar(config).start(), String.join(",", base.upstream().bootstrapServers()));
    }

    public Sidecar sidecar() {
        return sidecar;
    }

    public String bootstrapServers() {
        return sidecar.proxy().bootstrapServers();
    }

    public String upstreamBootstrapServers() {
        return upstreamBootstrap;
    }

    /** Byte-array producer settings for the proxy (or directly for the broker when {@code direct}). */
    public Map<String, Object> producerConfig(boolean direct) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, direct ? upstreamBootstrap : bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return config;
    }

    /** Byte-array consumer settings for the proxy (or directly for the broker when {@code direct}). */
    public Map<String, Object> consumerConfig(boolean direct, String groupId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, direct ? upstreamBootstrap : bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return config;
    }

    public Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    @Override
    public void close() {
        sidecar.close();
    }
}
