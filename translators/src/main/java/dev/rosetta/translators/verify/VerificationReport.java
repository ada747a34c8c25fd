package dev.rosetta.translators.verify;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The result of verifying every translation of a subject on synthetic records. Immutable.
 *
 * @param subject   subject
 * @param checked   per translation ("v1 -> v2"), the number of records run
 * @param failures  failures, grouped by translation, kind and field path, each with a minimal example
 */
public record VerificationReport(String subject, List<Checked> checked, List<VerificationFailure> failures) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param translation e.g. {@code v1 -> v2}
     * @param steps       the compiled steps, described
     * @param records     records translated
     * @param roundTrip   whether a lossless round trip was checked
     */
    public record Checked(String translation, String steps, int records, boolean roundTrip) {}

    public VerificationReport {
        checked = List.copyOf(checked);
        failures = List.copyOf(failures);
    }

    /** True when nothing failed. */
    public boolean passed() {
        return failures.isEmpty();
    }

    /** 0 when every translation passed, 1 otherwise. */
    public int exitCode() {
        return passed() ? 0 : 1;
    }

    /** A report for people. */
    public String toText() {
        StringBuilder sb =
                new StringBuilder("Verification of subject ").append(subject).append('\n');
        for (Checked c : checked) {
            sb.append("  ")
                    .append(c.translation())
                    .append(": ")
                    .append(c.records())
                    .append(" records")
                    .append(c.roundTrip() ? ", round trip checked" : "")
                    .append(" (")
                    .append(c.steps())
                    .append(")\n");
        }
        for (VerificationFailure f : failures) {
            sb.append("  FAIL ").append(f.translation()).append(' ').append(f.kind());
            if (!f.fieldPath().isEmpty()) {
                sb.append(" at ").append(f.fieldPath());
            }
            sb.append(" (")
                    .append(f.occurrences())
                    .append(" records): ")
                    .append(f.message())
                    .append('\n')
                    .append("       minimal example: ")
                    .append(f.minimalExample())
                    .append('\n');
        }
        sb.append(passed() ? "Result: OK\n" : "Result: FAILED (" + failures.size() + " distinct failures)\n");
        return sb.toString();
    }

    /** The same content as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("subject", subject).put("passed", passed()).put("exitCode", exitCode());
        ArrayNode cs = o.putArray("checked");
        for (Checked c : checked) {
            cs.addObject()
                    .put("translation", c.translation())
                    .put("steps", c.steps())
                    .put("records", c.records())
                    .put("roundTrip", c.roundTrip());
        }
        ArrayNode fs = o.putArray("failures");
        for (VerificationFailure f : failures) {
            fs.addObject()
                    .put("translation", f.translation())
                    .put("kind", f.kind())
                    .put("fieldPath", f.fieldPath())
                    .put("message", f.message())
                    .put("minimalExample", f.minimalExample())
                    .put("occurrences", f.occurrences());
        }
        return o;
    }
}
