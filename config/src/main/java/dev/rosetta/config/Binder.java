package dev.rosetta.config;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.rosetta.config.ConfigTree.Entry;
import dev.rosetta.config.ConfigTree.ListNode;
import dev.rosetta.config.ConfigTree.MapNode;
import dev.rosetta.config.ConfigTree.Node;
import dev.rosetta.config.ConfigTree.ScalarNode;

/**
 * Reads typed values out of a {@link ConfigTree} while collecting every problem with its line
 * and key path. After a problem a reader returns the default so binding can go on and report
 * the next mistake too; the caller throws once at the end if anything was wrong.
 */
final class Binder {

    private static final Pattern ENV = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_.]*)(?::-([^}]*))?}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    final String source;
    final Path baseDir;
    private final Function<String, String> env;
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    Binder(String source, Path baseDir, Function<String, String> env) {
        this.source = source;
        this.baseDir = baseDir;
        this.env = env;
    }

    void problem(int line, String path, @Nullable String value, String reason) {
        problems.add(new ConfigException.Problem(source, line, path, value, reason));
    }

    /**
     * Throws the problems found so far, if any; otherwise returns {@code value}, which a binding
     * that found no problem always produces.
     */
    <T> T result(@Nullable T value) {
        throwIfProblems();
        return Objects.requireNonNull(value, "a binding without problems produced no value");
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    int problemCount() {
        return problems.size();
    }

    void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** A map reader for {@code node}, or null (with a problem) when it is not a mapping. */
    @Nullable
    MapReader map(@Nullable Node node, String path, int line) {
        if (node == null || node instanceof ScalarNode s && s.text() == null) {
            return new MapReader(new MapNode(java.util.Map.of(), line), path);
        }
        if (node instanceof MapNode m) {
            return new MapReader(m, path);
        }
        problem(node.line(), path, shown(node, false), "expected a mapping of keys to values");
        return null;
    }

    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    private static @Nullable String shown(Node node, boolean secret) {
        if (node instanceof ScalarNode s) {
            return secret ? "****" : s.text();
        }
        return node instanceof ListNode ? "[list]" : "{mapping}";
    }

    /** The scalar's text after {@code ${VAR}} / {@code ${VAR:-default}} substitution; null for YAML null. */
    @Nullable
    String text(ScalarNode node, String path, boolean secret) {
        String raw = node.text();
        if (raw == null || raw.indexOf('$') < 0) {
            return raw;
        }
        Matcher m = ENV.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String name = m.group(1);
                String value = env.apply(name);
                if (value == null || value.isEmpty() && m.group(2) != null) {
                    value = m.group(2);
                }
                if (value == null) {
                    problem(
                            node.line(),
                            path,
                            secret ? "****" : raw,
                            "environment variable " + name + " is not set; set it or give a default with ${" + name
                                    + ":-default}");
                    return null;
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Reads one mapping; remembers which keys were asked for so {@link #finish()} can name unknown ones. */
    final class MapReader {
        final MapNode node;
        final String path;
        private final Set<String> known = new LinkedHashSet<>();

        MapReader(MapNode node, String path) {
            this.node = node;
            this.path = path;
        }

        int line() {
            return node.line();
        }

        String path(String key) {
            return join(path, key);
        }

        boolean has(String key) {
            known.add(key);
            Entry e = node.entries().get(key);
            return e != null && !(e.value() instanceof ScalarNode s && s.text() == null);
        }

        @Nullable
        Entry entry(String key) {
            known.add(key);
            Entry e = node.entries().get(key);
            if (e == null || e.value() instanceof ScalarNode s && s.text() == null) {
                return null;
            }
            return e;
        }

        /** Scalar text of {@code key} after substitution, or null when absent (or on a problem). */
        @Nullable
        String scalar(String key, String expected, boolean secret) {
            Entry e = entry(key);
            if (e == null) {
                return null;
            }
            if (!(e.value() instanceof ScalarNode s)) {
                problem(e.value().line(), path(key), shown(e.value(), secret), "expected " + expected);
                return null;
            }
            return text(s, path(key), secret);
        }

        int lineOf(String key) {
            Entry e = node.entries().get(key);
            return e == null ? node.line() : e.value().line();
        }

        void missing(String key, String expected) {
            problem(node.line(), path(key), null, "is required: " + expected);
        }

        void invalid(String key, @Nullable String value, String expected) {
            problem(lineOf(key), path(key), value, expected);
        }

        String string(String key, String defaultValue) {
            return string(key, defaultValue, false);
        }

        String string(String key, String defaultValue, boolean secret) {
            String text = optionalString(key, secret);
            if (text == null) {
                return defaultValue;
            }
            return text;
        }

        /** The string under {@code key}, or null when absent (or on a problem). */
        @Nullable
        String optionalString(String key) {
            return optionalString(key, false);
        }

        /**
         * The string under {@code key}, or null when absent, blank (so that {@code ${VAR:-}} with VAR
         * unset leaves an optional setting unset, as an image's environment-driven configuration
         * needs), or on a problem.
         */
        @Nullable
        String optionalString(String key, boolean secret) {
            String text = scalar(key, "a string", secret);
            return text == null || text.isBlank() ? null : text;
        }

        int integer(String key, int defaultValue, long min, long max) {
            String text = scalar(key, "an integer from " + min + " to " + max, false);
            if (text == null) {
                return defaultValue;
            }
            try {
                long v = Long.parseLong(text.trim().replace("_", ""));
                if (v < min || v > max) {
                    invalid(key, text, "must be an integer from " + min + " to " + max);
                    return defaultValue;
                }
                return (int) v;
            } catch (NumberFormatException e) {
                invalid(key, text, "must be an integer from " + min + " to " + max);
                return defaultValue;
            }
        }

        /** A required integer; returns {@code min - 1} when missing or invalid. */
        int requiredInteger(String key, int min, int max) {
            if (!has(key)) {
                missing(key, "an integer from " + min + " to " + max);
                return min - 1;
            }
            return integer(key, min - 1, min, max);
        }

        boolean bool(String key, boolean defaultValue) {
            String text = scalar(key, "true or false", false);
            if (text == null) {
                return defaultValue;
            }
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> {
                    invalid(key, text, "must be true or false");
                    yield defaultValue;
                }
            };
        }

        /** A percentage 0..100 with at most three decimals (one rollout bucket is 0.001%). */
        double percent(String key) {
            String expected = "a percentage from 0 to 100 with at most 3 decimals (e.g. 5, 12.5, 0.125)";
            if (!has(key)) {
                missing(key, expected);
                return 0;
            }
            String text = scalar(key, expected, false);
            if (text == null) {
                return 0;
            }
            try {
                BigDecimal v = new BigDecimal(
                        text.trim().endsWith("%")
                                ? text.trim().substring(0, text.trim().length() - 1)
                                : text.trim());
                if (v.signum() < 0
                        || v.compareTo(BigDecimal.valueOf(100)) > 0
                        || v.stripTrailingZeros().scale() > 3) {
                    invalid(key, text, "must be " + expected);
                    return 0;
                }
                return v.doubleValue();
            } catch (NumberFormatException e) {
                invalid(key, text, "must be " + expected);
                return 0;
            }
        }

        Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
            String expected = "a duration from " + format(min) + " to " + format(max)
                    + " such as 500ms, 10s, 2m, 1h (or ISO-8601 like PT10S)";
            String text = scalar(key, expected, false);
            if (text == null) {
                return defaultValue;
            }
            Duration d = parseDuration(text.trim());
            if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                invalid(key, text, "must be " + expected);
                return defaultValue;
            }
            return d;
        }

        <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) {
                allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name());
            }
            String text = scalar(key, "one of " + allowed, false);
            if (text == null) {
                return defaultValue;
            }
            String normal = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E c : type.getEnumConstants()) {
                if (c.name().equals(normal)) {
                    return c;
                }
            }
            invalid(key, text, "must be one of " + allowed);
            return defaultValue;
        }

        /** A file path resolved against the config file's directory; the file must exist and be readable. */
        @Nullable
        Path file(String key) {
            return path(
                    key,
                    "a file path",
                    p -> Files.isRegularFile(p) && Files.isReadable(p)
                            ? null
                            : "file " + p + " does not exist or is not readable (relative paths resolve against "
                                    + baseDir + ")");
        }

        /** A path Rosetta writes to, resolved against the config file's directory; need not exist yet. */
        @Nullable
        Path outputFile(String key) {
            return path(
                    key, "a file path", p -> Files.isDirectory(p) ? p + " is a directory; name a file in it" : null);
        }

        /** A directory path resolved against the config file's directory; must exist. */
        @Nullable
        Path directory(String key) {
            return path(
                    key,
                    "a directory path",
                    p -> Files.isDirectory(p)
                            ? null
                            : "directory " + p + " does not exist (relative paths resolve against " + baseDir + ")");
        }

        /**
         * The path at {@code key} resolved against the config file's directory, or null when absent or
         * not a valid path. What {@code problem} finds wrong with it is reported, and the path still
         * returned, so that one run lists every problem of the file.
         */
        private @Nullable Path path(String key, String expected, Function<Path, @Nullable String> problem) {
            String text = scalar(key, expected, false);
            if (text == null || text.isBlank()) {
                return null; // "${VAR:-}" with VAR unset: the path is not given
            }
            Path p;
            try {
                p = baseDir.resolve(text.trim()).normalize();
            } catch (InvalidPathException e) {
                invalid(key, text, "is not a valid path: " + e.getReason());
                return null;
            }
            String why = problem.apply(p);
            if (why != null) {
                invalid(key, text, why);
            }
            return p;
        }

        /** The nested mapping under {@code key}, or null when absent or not a mapping. */
        @Nullable
        MapReader map(String key) {
            Entry e = entry(key);
            if (e == null) {
                return null;
            }
            return Binder.this.map(e.value(), path(key), e.keyLine());
        }

        /** Items of the list under {@code key}; empty when absent. */
        List<Node> list(String key) {
            Entry e = entry(key);
            if (e == null) {
                return List.of();
            }
            if (e.value() instanceof ListNode l) {
                return l.items();
            }
            problem(e.value().line(), path(key), shown(e.value(), false), "expected a list");
            return List.of();
        }

        @Nullable
        Node raw(String key) {
            Entry e = entry(key);
            return e == null ? null : e.value();
        }

        /** Reports every key that no reader asked for, with the allowed keys and a likely intended one. */
        void finish() {
            for (Entry e : node.entries().values()) {
                if (!known.contains(e.key())) {
                    String suggestion = closest(e.key(), known);
                    problem(
                            e.keyLine(),
                            path(e.key()),
                            null,
                            "unknown key '" + e.key() + "'"
                                    + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                                    + "; allowed here: " + String.join(", ", known));
                }
            }
        }
    }

    static @Nullable Duration parseDuration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                Duration d = Duration.parse(text);
                return d.isNegative() ? null : d;
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    static String format(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return (s / 3600) + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return (s / 60) + "m";
        }
        return s + "s";
    }

    private static @Nullable String closest(String key, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(key.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
