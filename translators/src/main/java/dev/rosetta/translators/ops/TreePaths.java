package dev.rosetta.translators.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/** Dotted-path access to nested record trees. */
final class TreePaths {
    static final Object ABSENT = new Object();

    private TreePaths() {}

    static String[] split(String path) {
        return path.split("\\.");
    }

    /** The value at {@code path}, or {@link #ABSENT} if a segment is missing or a parent is null. */
    static @Nullable Object get(Map<String, Object> root, String[] path) {
        Object cur = root;
        for (String seg : path) {
            if (!(cur instanceof Map<?, ?> m) || !m.containsKey(seg)) {
                return ABSENT;
            }
            cur = m.get(seg);
        }
        return cur;
    }

    /** Removes and returns the value at {@code path}, or {@link #ABSENT}. */
    static @Nullable Object remove(Map<String, Object> root, String[] path) {
        Map<String, Object> parent = parent(root, path, false);
        if (parent == null || !parent.containsKey(path[path.length - 1])) {
            return ABSENT;
        }
        return parent.remove(path[path.length - 1]);
    }

    /** Sets the value at {@code path}, creating missing (or null) parent records. */
    static void set(Map<String, Object> root, String[] path, @Nullable Object value) {
        Objects.requireNonNull(parent(root, path, true), "parent records are created")
                .put(path[path.length - 1], value);
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> parent(Map<String, Object> root, String[] path, boolean create) {
        Map<String, Object> cur = root;
        for (int i = 0; i < path.length - 1; i++) {
            Object next = cur.get(path[i]);
            if (!(next instanceof Map)) {
                if (!create) {
                    return null;
                }
                next = new LinkedHashMap<String, Object>();
                cur.put(path[i], next);
            }
            cur = (Map<String, Object>) next;
        }
        return cur;
    }
}
