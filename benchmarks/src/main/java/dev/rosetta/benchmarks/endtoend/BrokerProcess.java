package dev.rosetta.benchmarks.endtoend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import dev.rosetta.proxy.embedded.EmbeddedKafka;

/**
 * A single-node KRaft broker in its own JVM ({@code kafka.Kafka} from this JVM's class path), so
 * the broker's CPU, JIT and GC are not shared with the proxy and the clients, and its CPU can be
 * read per process. Its configuration is {@link EmbeddedKafka#singleNodeConfig}'s, storage is
 * formatted from here, the data directory is deleted on close.
 */
public final class BrokerProcess implements Broker {
    private final Path dir;
    private final Process process;
    private final String bootstrapServers;
    private final Thread killOnExit;
    private final List<String> jvmOptions;
    private final int relayedListenerPort;

    private BrokerProcess(
            Path dir, Process process, String bootstrapServers, List<String> jvmOptions, int relayedListenerPort) {
        this.dir = dir;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.jvmOptions = jvmOptions;
        this.relayedListenerPort = relayedListenerPort;
        // an interrupted harness must not leave a broker running or gigabytes of topic data in /tmp
        this.killOnExit = new Thread(
                () -> {
                    process.destroyForcibly();
                    try {
                        process.waitFor(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    deleteRecursively(dir);
                },
                "broker-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * @param relayPort when positive, the broker gets a second listener that it advertises at
     *                  {@code 127.0.0.1:relayPort}, for a {@link TcpRelay} forwarding to
     *                  {@link #relayedListenerPort()}
     */
    public static BrokerProcess start(List<String> jvmOptions, Duration timeout, int relayPort) {
        Path dir;
        try {
            dir = Files.createTempDirectory("rosetta-bench-broker-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's data directory", e);
        }
        int port = freePort();
        int controllerPort = freePort();
        String logDir = dir.resolve("data").toString();
        Properties props = EmbeddedKafka.singleNodeConfig(port, controllerPort, logDir);
        int relayedPort = relayPort > 0 ? freePort() : -1;
        if (relayPort > 0) {
            props.put("listeners", props.get("listeners") + ",RELAYED://127.0.0.1:" + relayedPort);
            props.put("advertised.listeners", props.get("advertised.listeners") + ",RELAYED://127.0.0.1:" + relayPort);
            props.put(
                    "listener.security.protocol.map",
                    props.get("listener.security.protocol.map") + ",RELAYED:PLAINTEXT");
        }
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        Path propsFile = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(propsFile)) {
            props.store(out, "rosetta end-to-end benchmark broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + propsFile, e);
        }
        EmbeddedKafka.formatStorage(logDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("kafka.Kafka");
        command.add(propsFile.toString());
        Path log = dir.resolve("broker.log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker JVM: " + command, e);
        }
        BrokerProcess broker = new BrokerProcess(dir, process, "127.0.0.1:" + port, jvmOptions, relayedPort);
        try {
            broker.awaitReady(timeout, log);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private void awaitReady(Duration timeout, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        while (!accepts(port)) { // before the admin client, which logs a warning per refused connection
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the broker JVM exited with code " + process.exitValue() + "; its log:\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker did not listen on " + bootstrapServers + " within "
                        + timeout + "; its log:\n" + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the broker", e);
            }
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "the broker JVM exited with code " + process.exitValue() + "; its log:\n" + tail(log));
                }
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                } catch (Exception notYet) {
                    // not listening yet
                }
            }
        }
        throw new IllegalStateException(
                "the broker at " + bootstrapServers + " did not answer within " + timeout + "; its log:\n" + tail(log));
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The port of the listener advertised at the relay's port, -1 when started without one. */
    int relayedListenerPort() {
        return relayedListenerPort;
    }

    @Override
    public CpuMeter cpu() {
        return CpuMeter.process(process.toHandle());
    }

    @Override
    public String description() {
        return "own JVM (kafka.Kafka " + String.join(" ", jvmOptions) + ")";
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the broker's own shutdown hook stops it cleanly
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete the broker's data in " + dir + ": " + e.getMessage());
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on the loopback interface", e);
        }
    }
}
