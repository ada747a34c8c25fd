package dev.rosetta.benchmarks.endtoend;

import dev.rosetta.proxy.embedded.EmbeddedKafka;

/** The broker in this JVM: quick to start, but it shares CPU, JIT and GC with the proxy and the clients. */
final class InProcessBroker implements Broker {
    private final EmbeddedKafka kafka;

    private InProcessBroker(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    static InProcessBroker start() {
        return new InProcessBroker(EmbeddedKafka.start());
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public CpuMeter cpu() {
        return CpuMeter.NONE;
    }

    @Override
    public String description() {
        return "in-process (EmbeddedKafka)";
    }

    @Override
    public void close() {
        kafka.close();
    }
}
