package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import dev.rosetta.proxy.admin.AdminApiClient;

/** {@code rosetta routes [TOPIC] [--history]}: shows the routes a running sidecar applies. */
@Command(
        name = "routes",
        mixinStandardHelpOptions = true,
        description = {
            "Shows the routes of a running sidecar (through its admin API): per topic, the version consumers"
                    + " read, the version records are stored in, rollouts in progress and the failure policy.",
            "With TOPIC, every detail of that route; with --history, the revisions that changed it."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:shown",
            "1:the admin API refused or could not be reached (its message is printed)",
            "2:invalid command line"
        })
final class RoutesCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "TOPIC", description = "Show only this topic's route.")
    @Nullable
    String topic;

    @Option(
            names = "--history",
            description = "List the revisions that changed TOPIC's route, oldest first (needs TOPIC).")
    boolean history;

    @Mixin
    AdminApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (history && topic == null) {
            err.println("--history needs a TOPIC, e.g. rosetta routes orders --history");
            err.flush();
            return 2;
        }
        try {
            AdminApiClient client = api.client();
            AdminApiClient.Answer answer;
            if (topic == null) {
                answer = client.get("/routes");
            } else if (history) {
                answer = client.get(AdminApiClient.topicPath(topic) + "/history");
            } else {
                answer = client.get(AdminApiClient.topicPath(topic));
            }
            if (api.json) {
                out.print(answer.body());
            } else if (topic == null) {
                out.print(table(answer.json()));
            } else if (history) {
                for (JsonNode r : answer.json().path("revisions")) {
                    out.println(RouteText.revision(r));
                    JsonNode route = r.get("route");
                    out.println("    "
                            + (route == null || route.isNull()
                                    ? "no route"
                                    : "consume " + RouteText.side(route.get("consume")) + "; produce "
                                            + RouteText.side(route.get("produce"))));
                }
            } else {
                JsonNode overrides =
                        answer.json().path("consume").path("overrides").isEmpty()
                                ? null
                                : client.get(AdminApiClient.topicPath(topic) + "/overrides")
                                        .json();
                out.print(RouteText.details(answer.json(), answer.revision(), overrides));
            }
            out.flush();
            return 0;
        } catch (AdminApiClient.AdminApiException e) {
            err.println("rosetta routes: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static String table(JsonNode all) {
        StringBuilder sb = new StringBuilder();
        sb.append("Routes at ").append(RouteText.revision(all)).append('\n');
        JsonNode routes = all.path("routes");
        if (routes.isEmpty()) {
            return sb.append("No routes: every record passes unchanged.\n").toString();
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TOPIC", "CONSUME", "PRODUCE", "ON FAILURE"});
        for (JsonNode r : routes) {
            rows.add(new String[] {
                r.path("topic").asText(),
                RouteText.side(r.get("consume")),
                RouteText.side(r.get("produce")),
                RouteText.failure(r.get("failure"))
            });
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            for (int i = 0; i < 3; i++) {
                sb.append(RouteText.pad(row[i], width[i] + 2));
            }
            sb.append(row[3]).append('\n');
        }
        return sb.toString();
    }
}
