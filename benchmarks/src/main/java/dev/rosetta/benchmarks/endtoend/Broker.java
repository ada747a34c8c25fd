package dev.rosetta.benchmarks.endtoend;

/** The real Kafka broker every target ends at. */
interface Broker extends AutoCloseable {

    /** {@code host:port} to bootstrap from directly. */
    String bootstrapServers();

    /** The broker's CPU, or {@link CpuMeter#NONE} when it shares this JVM and cannot be told apart. */
    CpuMeter cpu();

    /** Where it runs, for the report. */
    String description();

    @Override
    void close();
}
