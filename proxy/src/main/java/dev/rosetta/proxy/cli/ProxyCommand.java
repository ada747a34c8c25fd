package dev.rosetta.proxy.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.proxy.Sidecar;

/** {@code rosetta proxy --config FILE}: runs the sidecar until stopped. */
@Command(
        name = "proxy",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Rosetta sidecar in front of a Kafka cluster until stopped (Ctrl-C or SIGTERM).",
            "Clients connect to listener.bootstrapPort; each upstream broker gets its own port",
            "(listener.brokerPortBase + node id). Saving the file applies its routes at once (hot reload).",
            "See config/examples/ for every setting."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped normally", "1:failed while running", "2:invalid configuration or command line"})
final class ProxyCommand implements Callable<Integer> {

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The sidecar's YAML configuration file. $${ENV_VAR} references are substituted.")
    Path config;

    @Override
    public Integer call() throws InterruptedException {
        RosettaConfig loaded;
        try {
            loaded = ConfigLoader.load(config);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        return runUntilStopped(new Sidecar(loaded, config));
    }

    /** Starts the sidecar, then blocks until the JVM is asked to stop. */
    static int runUntilStopped(Sidecar sidecar) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        sidecar.start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            sidecar.close();
                            stopped.countDown();
                        },
                        "rosetta-shutdown"));
        stopped.await();
        return 0;
    }
}
