package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.rosetta.proxy.admin.AdminApiClient;

/** {@code rosetta rollout TOPIC --side consume|produce --version N --percent P}. */
// No mixinStandardHelpOptions: its -V/--version would clash with the schema --version option.
@Command(
        name = "rollout",
        description = {
            "Ramps a schema version on one side of a topic's route, on every sidecar of the fleet.",
            "Records whose rollout bucket (murmur2 of the key) is below PERCENT get VERSION; raising the"
                    + " percentage only moves more records to VERSION. A VERSION equal to the side's stable"
                    + " version ends the rollout. Undo with 'rosetta rollback TOPIC'."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:applied (or already in force)",
            "1:the admin API refused the change or could not be reached" + " (its message is printed; nothing changed)",
            "2:invalid command line"
        })
final class RolloutCommand implements Callable<Integer> {

    /** Which side of the route to ramp. */
    enum Side {
        consume,
        produce
    }

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The routed topic.")
    String topic;

    @Option(
            names = "--side",
            required = true,
            paramLabel = "consume|produce",
            description = "consume: the version consumers read; produce: the version records are stored in.")
    Side side;

    @Option(
            names = "--version",
            required = true,
            paramLabel = "N",
            description = "The schema version (of the route's subject) to roll out, >= 1.")
    int version;

    @Option(
            names = "--percent",
            required = true,
            paramLabel = "P",
            description = "Share of records that get VERSION: 0 to 100, at most 3 decimals (e.g. 5, 12.5, 100).")
    BigDecimal percent;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the revision and the audit log.")
    @Nullable
    String reason;

    @Mixin
    AdminApiOptions api;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("side", side.name());
        body.put("version", version);
        body.put("percent", percent);
        if (reason != null) {
            body.put("reason", reason);
        }
        try {
            AdminApiClient.Answer answer = api.client().post(AdminApiClient.topicPath(topic) + "/rollout", body);
            if (api.json) {
                out.print(answer.body());
            } else {
                JsonNode route = answer.json().path("route");
                out.println(topic + ": " + side.name() + " side now " + RouteText.side(route.get(side.name())));
                out.println((answer.json().path("applied").asBoolean(true) ? "Applied as " : "Already in force at ")
                        + RouteText.revision(answer.json()));
            }
            out.flush();
            return 0;
        } catch (AdminApiClient.AdminApiException e) {
            err.println("rosetta rollout: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
