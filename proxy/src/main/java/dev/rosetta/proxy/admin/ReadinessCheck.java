package dev.rosetta.proxy.admin;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * One condition {@code GET /readyz} requires: the sidecar is ready when every check is. Checks
 * run on the admin thread for each request, so they must be quick and never block (read a
 * flag or a completed future).
 */
public interface ReadinessCheck {

    /** Short name shown in the {@code /readyz} body, e.g. {@code routes}. */
    String name();

    /** Null when ready, otherwise why not, in words an operator can act on. */
    String notReadyReason();

    /** A check named {@code name} whose supplier returns null when ready, else the reason. */
    static ReadinessCheck of(String name, Supplier<String> notReadyReason) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(notReadyReason, "notReadyReason");
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String notReadyReason() {
                return notReadyReason.get();
            }

            @Override
            public String toString() {
                return "ReadinessCheck[" + name + "]";
            }
        };
    }
}
