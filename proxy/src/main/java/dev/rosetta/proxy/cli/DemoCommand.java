package dev.rosetta.proxy.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.rosetta.proxy.embedded.Demo;

/** {@code rosetta demo}: the narrated migration scenario on embedded defaults. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole story on this machine, nothing to install: an in-process Kafka broker, an embedded",
            "schema registry serving config/examples/contracts, Rosetta, a v1 producer, a v1 consumer and a v2",
            "consumer on one topic. It ramps the produce side from v1 to v2 (0, 50, 100%%) and rolls back through",
            "the admin API, narrating what changes and where to look. Then Rosetta keeps running for your own",
            "clients until Ctrl-C (or exits with --once)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every consumer received only its own version",
            "1:a consumer received another version",
            "2:invalid command line or missing contracts"
        })
final class DemoCommand implements Callable<Integer> {

    @Option(
            names = "--contracts",
            defaultValue = "config/examples/contracts",
            paramLabel = "DIR",
            description =
                    "Contracts folder served by the embedded registry, <subject>/v<N>.avsc (default: ${DEFAULT-VALUE}).")
    Path contracts;

    @Option(
            names = "--translators",
            defaultValue = "config/examples/translators",
            paramLabel = "DIR",
            description = "Declarative translator steps, <subject>/<from>-<to>.yaml (default: ${DEFAULT-VALUE}).")
    Path translators;

    @Option(
            names = "--port",
            defaultValue = "19092",
            paramLabel = "PORT",
            description = "Bootstrap port for Kafka clients (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Mixin
    BrokerPortOptions brokerPorts;

    @Option(
            names = "--admin-port",
            defaultValue = "19080",
            paramLabel = "PORT",
            description = "Admin API port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int adminPort;

    @Option(
            names = "--phase-seconds",
            defaultValue = "6",
            paramLabel = "SECONDS",
            description = "How long each step of the story runs (default: ${DEFAULT-VALUE}).")
    int phaseSeconds;

    @Option(names = "--once", description = "Exit when the story is told instead of keeping Rosetta running.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(contracts)) {
            System.err.println("rosetta demo: contracts folder " + contracts.toAbsolutePath()
                    + " not found; run from the repository root or pass --contracts DIR");
            return 2;
        }
        Demo demo = new Demo(
                new Demo.Options(
                        contracts,
                        Files.isDirectory(translators) ? translators : null,
                        "127.0.0.1",
                        port,
                        brokerPorts.brokerPortBase,
                        adminPort,
                        Duration.ofSeconds(phaseSeconds)),
                System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                demo.close();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            stopped.countDown();
                        },
                        "rosetta-demo-shutdown"));
        boolean ok;
        try {
            ok = demo.run();
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        if (once) {
            demo.close();
            return ok ? 0 : 1;
        }
        System.out.printf(
                "%nRosetta keeps running: point any Kafka client at bootstrap.servers=%s. Stop with Ctrl-C.%n",
                demo.bootstrapServers());
        stopped.await();
        return ok ? 0 : 1;
    }
}
