package dev.rosetta.translators.compat;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The compatibility of two versions of a subject in both directions (old data read as new, new
 * data read as old), with every incompatibility located and marked as covered by a step or not.
 *
 * <p>Exit-code semantics for CI ({@link #exitCode()}): 0 when every incompatibility is covered (or
 * there are none), 1 when at least one would break a consumer and no step covers it. (2 is left to
 * callers for usage and I/O errors.) Immutable.
 *
 * @param subject           subject
 * @param olderVersion      the lower version
 * @param newerVersion      the higher version
 * @param upcast            description of the compiled translation older to newer, or the reason it cannot compile
 * @param downcast          description of the compiled translation newer to older, or the reason it cannot compile
 * @param incompatibilities every incompatibility found, both directions
 */
public record CompatibilityReport(
        String subject,
        int olderVersion,
        int newerVersion,
        String upcast,
        String downcast,
        List<Incompatibility> incompatibilities) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CompatibilityReport {
        incompatibilities = List.copyOf(incompatibilities);
    }

    /** True when some incompatibility is not covered by any step. */
    public boolean breaksConsumers() {
        return incompatibilities.stream().anyMatch(i -> !i.covered());
    }

    /** 0: safe (compatible, or every difference covered); 1: a change would break a consumer. */
    public int exitCode() {
        return breaksConsumers() ? 1 : 0;
    }

    /** A report for people. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Subject ")
                .append(subject)
                .append(": v")
                .append(olderVersion)
                .append(" <-> v")
                .append(newerVersion)
                .append('\n');
        sb.append("  upcast   v")
                .append(olderVersion)
                .append(" -> v")
                .append(newerVersion)
                .append(": ")
                .append(upcast)
                .append('\n');
        sb.append("  downcast v")
                .append(newerVersion)
                .append(" -> v")
                .append(olderVersion)
                .append(": ")
                .append(downcast)
                .append('\n');
        if (incompatibilities.isEmpty()) {
            sb.append("  Compatible in both directions: plain Avro resolution reads each version as the other.\n");
        }
        for (Incompatibility i : incompatibilities) {
            sb.append(i.covered() ? "  COVERED  " : "  BREAKING ")
                    .append("v")
                    .append(i.writerVersion())
                    .append(" data read as v")
                    .append(i.readerVersion())
                    .append(" at ")
                    .append(i.location())
                    .append(": ")
                    .append(i.reason())
                    .append(" - ")
                    .append(i.message());
            if (i.covered()) {
                sb.append(" [covered by ").append(i.coveredBy()).append(']');
            }
            sb.append('\n');
        }
        sb.append(
                breaksConsumers()
                        ? "Result: BREAKING (a consumer would fail and no step covers it)\n"
                        : "Result: OK\n");
        return sb.toString();
    }

    /** The same content as JSON. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("subject", subject)
                .put("olderVersion", olderVersion)
                .put("newerVersion", newerVersion)
                .put("upcast", upcast)
                .put("downcast", downcast)
                .put("breaking", breaksConsumers())
                .put("exitCode", exitCode());
        ArrayNode list = o.putArray("incompatibilities");
        for (Incompatibility i : incompatibilities) {
            ObjectNode n = list.addObject();
            n.put("writerVersion", i.writerVersion())
                    .put("readerVersion", i.readerVersion())
                    .put("location", i.location())
                    .put("reason", i.reason())
                    .put("message", i.message())
                    .put("covered", i.covered());
            if (i.covered()) {
                n.put("coveredBy", i.coveredBy());
            }
        }
        return o;
    }
}
