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
            DemoClientCommand.class,
            RoutesCommand.class,
            RolloutCommand.class,
            RollbackCommand.class,
            CheckCommand.class,
            VerifyCommand.class,
            ProbeCommand.class,
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

    /** {@code rosetta 0.1.0 (commit 1a2b3c4)}, from the build's {@code rosetta-build.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rosetta " + describe()};
        }

        /** The project version and commit the running build was made from. */
        static String describe() {
            java.util.Properties build = new java.util.Properties();
            try (java.io.InputStream in = Rosetta.class.getResourceAsStream("/rosetta-build.properties")) {
                if (in != null) {
                    build.load(in);
                }
            } catch (java.io.IOException e) {
                // described as unknown below
            }
            String version = known(build.getProperty("version"));
            String commit = known(build.getProperty("commit"));
            boolean dirty = "true".equals(build.getProperty("dirty"));
            return (version == null ? "(version unknown)" : version) + " (commit "
                    + (commit == null ? "unknown" : commit + (dirty ? ", with uncommitted changes" : "")) + ")";
        }

        /** Null for a value the build did not fill in (still a ${...} placeholder) or left empty. */
        private static @org.jspecify.annotations.Nullable String known(
                @org.jspecify.annotations.Nullable String value) {
            return value == null || value.isBlank() || value.startsWith("${") ? null : value.trim();
        }
    }
}
