package dev.rosetta.proxy.cli;

import picocli.CommandLine.Option;

/**
 * Where Rosetta exposes each broker of its in-process cluster; shared by {@code demo} and
 * {@code embedded} (their bootstrap and admin ports say different things in each command's help).
 */
final class BrokerPortOptions {
    @Option(
            names = "--broker-port-base",
            defaultValue = "19100",
            paramLabel = "PORT",
            description =
                    "The broker with node id N is exposed on this + N (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int brokerPortBase;
}
