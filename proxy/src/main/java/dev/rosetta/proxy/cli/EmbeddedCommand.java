package dev.rosetta.proxy.cli;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.Sidecar;
import dev.rosetta.proxy.admin.AdminServer;
import dev.rosetta.proxy.embedded.EmbeddedKafka;

/** {@code rosetta embedded}: an in-process Kafka broker with Rosetta in front of it, for trying Rosetta out. */
@Command(
        name = "embedded",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a single-node Kafka broker inside this JVM and the Rosetta proxy in front of it,",
            "so any Kafka client can be pointed at Rosetta right away. Data is temporary and deleted on exit.",
            "Stop with Ctrl-C."
        })
final class EmbeddedCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            defaultValue = "19092",
            paramLabel = "PORT",
            description = "Bootstrap port clients connect to (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Mixin
    BrokerPortOptions brokerPorts;

    @Option(
            names = "--admin-port",
            defaultValue = "19080",
            paramLabel = "PORT",
            description = "Admin API port: /healthz, /readyz, /metrics (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int adminPort;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            paramLabel = "HOST",
            description = "Address to listen on and advertise to clients (default: ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        RosettaConfig config = RosettaConfig.defaults(List.of(kafka.bootstrapServers()))
                .withListener(new ListenerConfig(
                        host, port, brokerPorts.brokerPortBase, host, ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                .withAdmin(new AdminConfig(true, host, adminPort, null));
        Sidecar sidecar = new Sidecar(config);
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            sidecar.start();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            sidecar.close();
                            kafka.close();
                            stopped.countDown();
                        },
                        "rosetta-shutdown"));
        String bootstrap = sidecar.proxy().bootstrapServers();
        AdminServer admin = Objects.requireNonNull(sidecar.admin(), "embedded mode turns the admin API on");
        System.out.printf("""

                Rosetta is running in front of an in-process Kafka broker.
                  Kafka clients:  bootstrap.servers=%s
                  Admin API:      %s/healthz  %s/metrics
                  Try:            kcat -b %s -t demo -P   (then)   kcat -b %s -t demo -C
                Stop with Ctrl-C.
                %n""", bootstrap, admin.baseUrl(), admin.baseUrl(), bootstrap, bootstrap);
        stopped.await();
        return 0;
    }
}
