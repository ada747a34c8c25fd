package dev.rosetta.benchmarks.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One scrape of a Prometheus text endpoint (format 0.0.4, as Micrometer writes it): every sample
 * line as a name, its labels and its value. Comment lines ({@code # HELP}, {@code # TYPE}) are
 * skipped. Immutable.
 */
final class PrometheusText {
    /** One sample line. */
    record Series(String name, Map<String, String> labels, double value) {}

    private final List<Series> series;

    private PrometheusText(List<Series> series) {
        this.series = series;
    }

    static PrometheusText parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            out.add(parseLine(line));
        }
        return new PrometheusText(List.copyOf(out));
    }

    private static Series parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = parseLabels(line, brace + 1, labels);
        } else {
            if (space < 0) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            name = line.substring(0, space);
            rest = space;
        }
        String[] valueAndTime = line.substring(rest).strip().split("\\s+");
        return new Series(name, Map.copyOf(labels), parseValue(valueAndTime[0], line));
    }

    /** Reads {@code k="v",...}} from {@code from}; returns the index after the closing brace. */
    private static int parseLabels(String line, int from, Map<String, String> labels) {
        int i = from;
        while (i < line.length() && line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("bad labels in: " + line);
            }
            String key = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    private static double parseValue(String v, String line) {
        return switch (v) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                try {
                    yield Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value in: " + line, e);
                }
            }
        };
    }

    /** The sum of every series named {@code name} whose labels pass {@code filter}; NaN when there is none. */
    double sum(String name, Predicate<Map<String, String>> filter) {
        double sum = 0;
        boolean found = false;
        for (Series s : series) {
            if (s.name().equals(name) && filter.test(s.labels())) {
                sum += s.value();
                found = true;
            }
        }
        return found ? sum : Double.NaN;
    }

    /** The sum of every series named {@code name}; NaN when there is none. */
    double sum(String name) {
        return sum(name, labels -> true);
    }

    /** The sum of the series named {@code name} whose labels include every {@code key, value} pair given. */
    double sum(String name, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("label keys and values come in pairs");
        }
        return sum(name, labels -> {
            for (int i = 0; i < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(labels.get(keyValues[i]))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The maximum over the series named {@code name}; NaN when there is none. */
    double max(String name, Predicate<Map<String, String>> filter) {
        double max = Double.NaN;
        for (Series s : series) {
            if (s.name().equals(name) && filter.test(s.labels())) {
                max = Double.isNaN(max) ? s.value() : Math.max(max, s.value());
            }
        }
        return max;
    }

    List<Series> series() {
        return series;
    }
}
