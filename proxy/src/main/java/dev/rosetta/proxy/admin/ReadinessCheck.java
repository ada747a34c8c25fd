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

    /**
     * Null unless the sidecar, though ready to serve, runs without something it normally has (e.g. it keeps the
     * last routes while the routes topic is unavailable): {@code /readyz} stays 200 and says why.
     */
    default @org.jspecify.annotations.Nullable String degradedReason() {
        return null;
    }

    /** A check named {@code name} whose supplier returns null when ready, else the reason. */
    static ReadinessCheck of(String name, Supplier<String> notReadyReason) {
        return of(name, notReadyReason, () -> null);
    }

    /** A check that may also be {@linkplain #degradedReason() degraded}: {@code degradedReason} returns null when not. */
    static ReadinessCheck of(
            String name,
            Supplier<String> notReadyReason,
            Supplier<@org.jspecify.annotations.Nullable String> degradedReason) {
        Objects.requireNonNull(degradedReason, "degradedReason");
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
            public @org.jspecify.annotations.Nullable String degradedReason() {
                return degradedReason.get();
            }

            @Override
            public String toString() {
                return "ReadinessCheck[" + name + "]";
            }
        };
    }
}
