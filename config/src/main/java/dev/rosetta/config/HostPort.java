package dev.rosetta.config;

import org.jspecify.annotations.Nullable;

/** Validation of {@code host:port} strings, shared by the binder and the records. */
final class HostPort {

    private HostPort() {}

    /** Null when {@code value} is a usable {@code host:port}; otherwise what is wrong. */
    static @Nullable String problem(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return "must be host:port, e.g. kafka-1:9092";
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf("]:");
            if (close < 0) {
                return "must be [ipv6]:port, e.g. [::1]:9092";
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                return "has no port; must be host:port, e.g. kafka-1:9092";
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                return "IPv6 addresses need brackets: [::1]:9092";
            }
        }
        if (host.isEmpty()
                || !host.chars()
                        .allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':')) {
            return "host '" + host + "' is not a valid host name or address";
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) {
                return "port " + port + " must be from 1 to 65535";
            }
        } catch (NumberFormatException e) {
            return "port '" + port + "' must be a number from 1 to 65535";
        }
        return null;
    }
}
