package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import dev.rosetta.translators.verify.VerificationReport;
import dev.rosetta.translators.verify.Verifier;

/**
 * {@code rosetta verify}: runs every translation of a subject on synthetic records. Library API:
 * {@link Verifier}.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Runs every translation of a subject on synthetic records before they meet real traffic.",
            "",
            "For each pair of adjacent versions and each declared direct pair, in both directions, it "
                    + "generates records of the source version covering nulls, every union branch, every enum "
                    + "symbol, empty, single and large arrays and maps, empty, non-ASCII and long strings, edge "
                    + "numbers (0, -1, min, max, NaN, infinities) and logical-type edge values, plus seeded "
                    + "random records.",
            "",
            "Each record is translated; the output must be a complete, valid record of the target version; "
                    + "where a step file declares 'lossless: true', translating back must give the original "
                    + "record. Failures are grouped by field path, each with a minimal failing example."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every translation passed",
            "1:at least one translation failed on some record (see the report)",
            "2:invalid command line, unreadable files, or registry unavailable"
        },
        footer = {
            "",
            "Examples:",
            "  rosetta verify --registry http://localhost:8081 --subject orders-value --translators translators/",
            "  rosetta verify --schemas schemas/ --subject orders-value --records 1000 --seed 7 --format json"
        })
public final class VerifyCommand implements Callable<Integer> {
    @Mixin
    SchemaSourceOptions options;

    @Option(
            names = "--records",
            defaultValue = "200",
            paramLabel = "N",
            description = "Random records per translation, on top of the systematic edge cases "
                    + "(default: ${DEFAULT-VALUE}).")
    int records;

    @Option(
            names = "--seed",
            defaultValue = "1",
            paramLabel = "SEED",
            description =
                    "Seed of the random records; the same seed gives the same records (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SchemaSourceOptions.Loaded loaded = options.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        VerificationReport report =
                Verifier.verify(loaded.subject(), loaded.versions(), loaded.schemas(), loaded.catalog(), records, seed);
        out.print(
                options.format == SchemaSourceOptions.Format.json
                        ? report.toJson().toPrettyString() + "\n"
                        : report.toText());
        out.flush();
        return report.exitCode();
    }
}
