package dev.rosetta.proxy.protocol;

import java.util.Objects;

/**
 * The typed name of a value a filter keeps in {@link Attachments}: state across the runs of one
 * exchange, context a request leaves for its response, or per-connection state. Keys compare by
 * identity: a filter holds its keys in constants.
 *
 * @param <T> the type of the value stored under this key
 */
public final class AttachmentKey<T> {
    private final String name;

    private AttachmentKey(String name) {
        this.name = name;
    }

    /** A new key; {@code name} is only for diagnostics. */
    public static <T> AttachmentKey<T> named(String name) {
        return new AttachmentKey<>(Objects.requireNonNull(name, "name"));
    }

    @Override
    public String toString() {
        return name;
    }
}
