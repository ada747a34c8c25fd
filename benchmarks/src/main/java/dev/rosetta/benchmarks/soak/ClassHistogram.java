package dev.rosetta.benchmarks.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live objects of Rosetta's heap per class, as {@code jcmd GC.class_histogram} prints them
 * after its full GC. Two of them, one after the warm-up and one at the end, say which classes a
 * leak would be made of.
 */
record ClassHistogram(double seconds, Map<String, long[]> classes, long totalBytes) {

    /** One class's change between two histograms. */
    record Change(String className, long instancesBefore, long instancesAfter, long bytesBefore, long bytesAfter) {
        long bytes() {
            return bytesAfter - bytesBefore;
        }
    }

    static ClassHistogram parse(double seconds, String text) {
        Map<String, long[]> classes = new HashMap<>();
        long total = 0;
        for (String line : text.split("\n")) {
            String t = line.strip();
            // "   1:         12345        6789012  [B (java.base@17.0.15)"
            int colon = t.indexOf(':');
            if (colon > 0 && t.substring(0, colon).chars().allMatch(Character::isDigit)) {
                String[] f = t.substring(colon + 1).strip().split("\\s+", 3);
                if (f.length == 3) {
                    try {
                        long instances = Long.parseLong(f[0]);
                        long bytes = Long.parseLong(f[1]);
                        classes.merge(
                                f[2], new long[] {instances, bytes}, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                    } catch (NumberFormatException notARow) {
                        // a header or a line of another shape
                    }
                }
            } else if (t.startsWith("Total")) {
                String[] f = t.split("\\s+");
                if (f.length >= 3) {
                    try {
                        total = Long.parseLong(f[2]);
                    } catch (NumberFormatException e) {
                        // leave 0
                    }
                }
            }
        }
        return new ClassHistogram(seconds, Map.copyOf(classes), total);
    }

    /** The classes whose live bytes grew most from {@code before} to this one, largest first. */
    List<Change> grownSince(ClassHistogram before, int limit) {
        List<Change> changes = new ArrayList<>();
        for (var e : classes.entrySet()) {
            long[] b = before.classes().getOrDefault(e.getKey(), new long[2]);
            changes.add(new Change(e.getKey(), b[0], e.getValue()[0], b[1], e.getValue()[1]));
        }
        changes.sort(Comparator.comparingLong(Change::bytes).reversed());
        return changes.subList(0, Math.min(limit, changes.size()));
    }
}
