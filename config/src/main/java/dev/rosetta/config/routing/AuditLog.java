package dev.rosetta.config.routing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Append-only audit trail of route revisions: one JSON object per line (see
 * {@link RouteJson#toJson(RouteRevision)}), plus the routes of changed topics before the
 * change under {@code "before"}. Lines are flushed as written.
 *
 * <p>Thread-safe (appends are serialised). Cost: one small write per route change.
 */
public final class AuditLog implements Closeable {

    private final Path file;
    private final Writer writer;

    public AuditLog(Path file) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            this.writer = Files.newBufferedWriter(
                    file,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            // the default file sits next to the configuration, which a container often mounts read-only (a ConfigMap)
            throw new UncheckedIOException(
                    "cannot open audit log " + file + " (" + e + "): set audit.file to a path on a writable volume"
                            + " (e.g. /var/lib/rosetta/audit.jsonl on an emptyDir), or audit.enabled: false",
                    e);
        }
    }

    public Path file() {
        return file;
    }

    /** Appends {@code current} with the changed topics' previous routes. */
    public synchronized void append(@Nullable RouteRevision previous, RouteRevision current) {
        ObjectNode line = RouteJson.toJson(current);
        var before = line.putArray("before");
        if (previous != null) {
            for (String topic : current.changed()) {
                var route = previous.table().route(topic);
                if (route != null) {
                    before.add(RouteJson.toJson(route));
                }
            }
        }
        try {
            writer.write(RouteJson.write(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit log " + file, e);
        }
    }

    /** Every revision recorded in {@code file}, oldest first. */
    public static List<RouteRevision> read(Path file) throws IOException {
        List<RouteRevision> revisions = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                revisions.add(RouteJson.revision(RouteJson.read(line)));
            }
        }
        return revisions;
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
