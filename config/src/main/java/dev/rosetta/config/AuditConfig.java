package dev.rosetta.config;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * Where route revisions are appended as JSON lines (who, when, why, and the routes before and
 * after each change).
 *
 * @param file the audit log (resolved against the config file's directory; its directory is
 *             created when missing), or null for no audit log. YAML default:
 *             {@value #DEFAULT_FILE_NAME} next to the configuration file.
 */
public record AuditConfig(@Nullable Path file) {

    public static final String DEFAULT_FILE_NAME = "rosetta-audit.jsonl";

    public static AuditConfig none() {
        return new AuditConfig(null);
    }

    public boolean enabled() {
        return file != null;
    }
}
