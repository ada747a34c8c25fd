package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import dev.rosetta.translators.compat.CompatibilityChecker;
import dev.rosetta.translators.compat.CompatibilityReport;

/**
 * {@code rosetta check}: compatibility report between versions of a subject, usable as a CI gate.
 * Library API: {@link CompatibilityChecker}.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks whether consumers of each version can read every other version of a subject. "
                    + "For each pair of adjacent versions, in both directions (old data read as new, new data "
                    + "read as old), it lists every Avro incompatibility with its JSON-pointer location in the "
                    + "reader schema and a typed reason, plus logical-type changes Avro would copy silently "
                    + "(timestamp-millis read as micros, a decimal changing scale).",
            "",
            "Each one is marked COVERED when a translator step translates across it (YAML operations, a "
                    + "custom Java translator, or Confluent migration rules on the newer schema), or BREAKING "
                    + "when a consumer would fail.",
            "",
            "Use it as a CI gate: the exit code is non-zero when a change would break a consumer that no step "
                    + "covers."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every difference is covered by a step, or the versions are compatible",
            "1:at least one incompatibility would break a consumer and no step covers it",
            "2:invalid command line, unreadable files, or registry unavailable"
        },
        footer = {
            "",
            "Examples:",
            "  rosetta check --registry http://localhost:8081 --subject orders-value --translators translators/",
            "  rosetta check --schemas schemas/ --subject orders-value --versions 1,2 --format json"
        })
public final class CheckCommand implements Callable<Integer> {
    @Mixin
    SchemaSourceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SchemaSourceOptions.Loaded loaded = options.loadOrReport();
        if (loaded == null) {
            return 2;
        }
        if (loaded.versions().size() < 2) {
            err.println("rosetta check: subject " + loaded.subject() + " needs at least two versions to compare, got "
                    + loaded.versions());
            return 2;
        }
        List<CompatibilityReport> reports = new ArrayList<>();
        List<Integer> vs = loaded.versions();
        for (int i = 0; i + 1 < vs.size(); i++) {
            // the versions were chosen among the loaded schemas
            reports.add(CompatibilityChecker.check(
                    loaded.subject(),
                    Objects.requireNonNull(loaded.schemas().get(vs.get(i))),
                    Objects.requireNonNull(loaded.schemas().get(vs.get(i + 1))),
                    vs,
                    loaded.schemas(),
                    loaded.catalog()));
        }
        int exit =
                reports.stream().mapToInt(CompatibilityReport::exitCode).max().orElse(0);
        if (options.format == SchemaSourceOptions.Format.json) {
            ObjectNode root = new ObjectMapper().createObjectNode();
            root.put("subject", loaded.subject()).put("exitCode", exit);
            ArrayNode list = root.putArray("reports");
            reports.forEach(r -> list.add(r.toJson()));
            out.println(root.toPrettyString());
        } else {
            reports.forEach(r -> out.print(r.toText()));
        }
        out.flush();
        return exit;
    }
}
