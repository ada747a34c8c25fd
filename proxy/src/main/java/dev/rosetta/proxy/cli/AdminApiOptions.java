package dev.rosetta.proxy.cli;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.Option;

import dev.rosetta.proxy.admin.AdminApiClient;

/** How the route commands reach a running sidecar's admin API; shared by {@code routes}, {@code rollout}, {@code rollback}. */
final class AdminApiOptions {

    @Option(
            names = "--admin",
            defaultValue = "${env:ROSETTA_ADMIN_URL:-http://127.0.0.1:19080}",
            paramLabel = "URL",
            description = "Base URL of a sidecar's admin API (default: ${DEFAULT-VALUE}; env ROSETTA_ADMIN_URL).")
    String adminUrl;

    @Option(
            names = "--token",
            defaultValue = "${env:ROSETTA_ADMIN_TOKEN}",
            paramLabel = "TOKEN",
            description = "Bearer token, when the sidecar sets admin.bearerToken (default: env ROSETTA_ADMIN_TOKEN).")
    @Nullable
    String token;

    @Option(
            names = "--actor",
            defaultValue = "${env:USER:-cli}",
            paramLabel = "NAME",
            description =
                    "Who makes the change, recorded in the revision and the audit log (default: $USER, here '${DEFAULT-VALUE}').")
    String actor;

    @Option(
            names = "--timeout",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "How long to wait for the admin API to answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print the admin API's JSON answer instead of a summary.")
    boolean json;

    AdminApiClient client() {
        return new AdminApiClient(adminUrl, token, actor, java.time.Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    }
}
