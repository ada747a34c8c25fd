package dev.rosetta.proxy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code rosetta} command line: {@code java -jar proxy/target/rosetta.jar <subcommand> ...}. */
@Command(
        name = "rosetta",
        mixinStandardHelpOptions = true,
        versionProvider = Rosetta.Version.class,
        description = {
            "Rosetta: a schema-aware Kafka sidecar. Point any Kafka client's bootstrap.servers at it;",
            "it forwards the Kafka protocol to the real cluster."
        },
        subcommands = {
            ProxyCommand.class,
            EmbeddedCommand.class,
            DemoCommand.class,
            RoutesCommand.class,
            RolloutCommand.class,
            RollbackCommand.class,
            CheckCommand.class,
            VerifyCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'rosetta help <subcommand>' for the options of a subcommand."})
public final class Rosetta implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new Rosetta()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Rosetta.class.getPackage().getImplementationVersion();
            return new String[] {"rosetta " + (version == null ? "development build" : version)};
        }
    }
}
