package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
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

/** {@code rosetta rollback TOPIC}: the topic's route as it was before its last change. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Switches a topic's route back to what it was before its last change, on every sidecar of the"
                    + " fleet, atomically: the next request of every client sees it.",
            "Rolling back again walks further back. The rollback is itself a new revision"
                    + " (see 'rosetta routes TOPIC --history')."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:rolled back",
            "1:the admin API refused the rollback or could not be reached"
                    + " (its message is printed; nothing changed)",
            "2:invalid command line"
        })
final class RollbackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TOPIC", description = "The topic whose last route change to undo.")
    String topic;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the revision and the audit log.")
    @Nullable
    String reason;

    @Mixin
    AdminApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        try {
            AdminApiClient.Answer answer = api.client().post(AdminApiClient.topicPath(topic) + "/rollback", body);
            if (api.json) {
                out.print(answer.body());
            } else {
                JsonNode route = answer.json().path("route");
                out.println("Rolled back as " + RouteText.revision(answer.json()));
                out.println(
                        route.isNull() || route.isMissingNode()
                                ? topic + ": no route now (records pass unchanged)"
                                : topic + ": consume " + RouteText.side(route.get("consume")) + "; produce "
                                        + RouteText.side(route.get("produce")));
            }
            out.flush();
            return 0;
        } catch (AdminApiClient.AdminApiException e) {
            err.println("rosetta rollback: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
