package dev.rosetta.proxy.testing;

import java.nio.file.Path;
import java.util.List;

import dev.rosetta.config.AdminConfig;
import dev.rosetta.config.AuditConfig;
import dev.rosetta.config.DistributionConfig;
import dev.rosetta.config.ListenerConfig;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.RouteConfig;

/** Configurations for sidecars whose routes are under test: free ports, a routes topic per test class. */
public final class RouteSidecars {

    private RouteSidecars() {}

    /**
     * A sidecar in front of {@code bootstrap} on free ports, following {@code routesTopic} as
     * {@code sidecarId} (distribution off when {@code routesTopic} is null), auditing to
     * {@code auditFile} (none when null).
     */
    public static RosettaConfig config(
            String bootstrap,
            String routesTopic,
            String sidecarId,
            Path auditFile,
            String adminToken,
            List<RouteConfig> routes) {
        return RosettaConfig.defaults(List.of(bootstrap.split(",")))
                .withListener(new ListenerConfig(
                        "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null))
                .withAdmin(new AdminConfig(true, "127.0.0.1", 0, adminToken))
                .withDistribution(
                        routesTopic == null
                                ? DistributionConfig.disabled()
                                : new DistributionConfig(true, routesTopic, sidecarId))
                .withAudit(new AuditConfig(auditFile))
                .withRoutes(routes);
    }
}
