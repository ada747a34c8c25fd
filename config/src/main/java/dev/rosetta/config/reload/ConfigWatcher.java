package dev.rosetta.config.reload;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.ConfigException;
import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RosettaConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteRevision;

/**
 * Hot reload: watches a sidecar's YAML file and, when it is saved with a changed {@code routes} section, loads it
 * again and submits its routes as one {@link RouteChange.ReplaceAll} (actor {@code "file"}). An edit that leaves
 * the routes section as it was applies nothing, so it never undoes changes made through the admin API since; a
 * changed routes section replaces them, and says which. An invalid edit is
 * rejected with its reason logged, and the running routes stay. Only routes are hot: a change
 * to any other section is logged as needing a restart.
 *
 * <p>Saves are debounced (editors write in several steps). Change detection uses the
 * platform {@link WatchService} on the file's directory (so atomic rename-saves are seen)
 * and, as a fallback for file systems without events, polls the file's size and
 * modification time.
 *
 * <p>Runs on one daemon thread named {@code rosetta-config-watcher}; {@link #close()} stops
 * it. Thread-safe.
 */
public final class ConfigWatcher implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    /**
     * The outcome of one reload attempt: exactly one of {@code revision} (applied; the current
     * revision if nothing changed) and {@code error} is non-null.
     */
    public record Reload(
            Instant time,
            @Nullable RouteRevision revision,
            @Nullable Throwable error) {}

    private final Path file;
    private final Path directory;
    private final RouteChanges target;
    private final Duration debounce;
    private final Duration pollInterval;
    private final Function<String, String> env;
    private final Consumer<Reload> onReload;
    private final Thread thread;
    private final @Nullable WatchService watchService;
    private volatile boolean closed;
    private volatile @Nullable RosettaConfig running;
    private @Nullable String lastText;
    /** The revision the file's routes last became (its initial routes: the store's revision at start). */
    private volatile long lastApplied;

    private @Nullable FileTime lastModified;
    private long lastSize;

    private ConfigWatcher(Builder b) {
        this.file = b.file.toAbsolutePath().normalize();
        this.directory =
                Objects.requireNonNull(file.getParent(), () -> "the config file " + file + " must be in a directory");
        this.target = b.target;
        this.debounce = b.debounce;
        this.pollInterval = b.pollInterval;
        this.env = b.env;
        this.onReload = b.onReload;
        this.running = b.initial;
        WatchService ws = null;
        if (b.fileEvents) {
            try {
                ws = FileSystems.getDefault().newWatchService();
                directory.register(
                        ws,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            } catch (IOException | UnsupportedOperationException e) { // e.g. a file system without watch support
                LOG.info("no file events for {} ({}); polling every {}", directory, e.toString(), pollInterval);
                closeQuietly(ws);
                ws = null;
            }
        } else {
            LOG.info("file events turned off for {}; polling every {}", directory, pollInterval);
        }
        this.watchService = ws;
        snapshot();
        this.lastText = readQuietly();
        this.lastApplied = target.store().current().number();
        this.thread = new Thread(this::run, "rosetta-config-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts building a watcher of {@code file} that submits route changes to {@code target}. */
    public static Builder builder(Path file, RouteChanges target) {
        return new Builder(file, target);
    }

    /** Options for a {@link ConfigWatcher}. */
    public static final class Builder {
        private final Path file;
        private final RouteChanges target;
        private Duration debounce = Duration.ofMillis(200);
        private Duration pollInterval = Duration.ofSeconds(1);
        private Function<String, String> env = System::getenv;
        private Consumer<Reload> onReload = r -> {};
        private @Nullable RosettaConfig initial;
        private boolean fileEvents = true;

        private Builder(Path file, RouteChanges target) {
            this.file = Objects.requireNonNull(file);
            this.target = Objects.requireNonNull(target);
        }

        /** Quiet time after the last change before the file is read (default 200ms). */
        public Builder debounce(Duration value) {
            debounce = value;
            return this;
        }

        /** How often size and modification time are checked when no event came (default 1s). */
        public Builder pollInterval(Duration value) {
            pollInterval = value;
            return this;
        }

        /** Where {@code ${VAR}} values come from (default: the process environment). */
        public Builder environment(Function<String, String> value) {
            env = value;
            return this;
        }

        /** The configuration the sidecar started with, to warn about edits that need a restart. */
        public Builder initial(RosettaConfig value) {
            initial = value;
            return this;
        }

        /** Whether to use the platform's file events (default true); false polls only. */
        public Builder fileEvents(boolean value) {
            fileEvents = value;
            return this;
        }

        /** Told about every reload attempt, on the watcher thread. */
        public Builder onReload(Consumer<Reload> value) {
            onReload = value;
            return this;
        }

        /** Starts watching; the file's current content is the baseline (not re-applied). */
        public ConfigWatcher start() {
            ConfigWatcher watcher = new ConfigWatcher(this);
            watcher.thread.start();
            LOG.info("watching {} for route changes", watcher.file);
            return watcher;
        }
    }

    public Path file() {
        return file;
    }

    private void run() {
        long dueAt = Long.MAX_VALUE;
        while (!closed) {
            try {
                long now = System.nanoTime();
                long waitNanos = Math.min(pollInterval.toNanos(), Math.max(0, dueAt - now));
                WatchService ws = watchService;
                boolean event = ws != null ? awaitEvent(ws, waitNanos) : parkFor(waitNanos);
                now = System.nanoTime();
                if (event || changedOnDisk()) {
                    dueAt = now + debounce.toNanos();
                    continue;
                }
                if (now >= dueAt) {
                    dueAt = Long.MAX_VALUE;
                    reload();
                }
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("config watcher for {} failed; retrying", file, e);
            }
        }
    }

    private boolean awaitEvent(WatchService ws, long waitNanos) throws InterruptedException {
        WatchKey key = ws.poll(waitNanos, TimeUnit.NANOSECONDS);
        if (key == null) {
            return false;
        }
        boolean ours = false;
        for (var e : key.pollEvents()) {
            Object context = e.context();
            ours |= e.kind() == StandardWatchEventKinds.OVERFLOW
                    || context instanceof Path p
                            && p.getFileName()
                                    .toString()
                                    .equals(file.getFileName().toString());
        }
        key.reset();
        if (ours) {
            snapshot();
        }
        return ours;
    }

    private boolean parkFor(long nanos) throws InterruptedException {
        synchronized (this) {
            if (!closed && nanos > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, nanos);
            }
        }
        return false;
    }

    private boolean changedOnDisk() {
        FileTime modified = null;
        long size = -1;
        try {
            modified = Files.getLastModifiedTime(file);
            size = Files.size(file);
        } catch (IOException e) {
            // missing while an editor replaces it: the next check sees the new file
        }
        boolean changed = !Objects.equals(modified, lastModified) || size != lastSize;
        lastModified = modified;
        lastSize = size;
        return changed;
    }

    private void snapshot() {
        changedOnDisk();
    }

    private @Nullable String readQuietly() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the file now and applies its routes if the content changed. Called on the watcher thread. */
    private void reload() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("config reload of {} skipped: cannot read it ({}); running routes stay", file, e.toString());
            return;
        }
        if (text.equals(lastText)) {
            return;
        }
        lastText = text;
        RosettaConfig next;
        try {
            next = ConfigLoader.parse(text, file.toString(), directory, env);
        } catch (ConfigException e) {
            LOG.warn(
                    "config reload of {} rejected, running routes stay (revision {}): {}",
                    file,
                    target.store().current().number(),
                    e.getMessage());
            report(new Reload(Instant.now(), null, e));
            return;
        }
        RosettaConfig before = running;
        if (before != null) {
            warnAboutRestartOnly(before, next);
        }
        running = next;
        long current = target.store().current().number();
        if (before != null && before.routes().equals(next.routes())) {
            // The file owns its routes section only: an edit elsewhere (a comment, a timeout) must not undo the
            // rollouts and rollbacks made since through the admin API, on this sidecar or any of the fleet.
            LOG.info(
                    "config reload of {}: its routes did not change, so the routes in force (revision {}) stay",
                    file,
                    current);
            report(new Reload(Instant.now(), null, null));
            return;
        }
        long applied = lastApplied;
        if (current > applied) {
            List<RouteRevision> newer = target.store().history().stream()
                    .filter(r -> r.number() > applied)
                    .toList();
            LOG.warn(
                    "config reload of {}: its changed routes replace every route in force, including {} change(s)"
                            + " made since the file was last applied: {}",
                    file,
                    newer.size(),
                    newer.stream()
                            .map(r -> "revision " + r.number() + " by " + r.actor() + " ("
                                    + r.change().describe() + ")")
                            .collect(java.util.stream.Collectors.joining("; ")));
        }
        target.submit(new RouteChange.ReplaceAll(next.routes(), "file", "reload of " + file.getFileName()))
                .whenComplete((revision, error) -> {
                    if (error != null) {
                        LOG.warn("config reload of {} rejected, running routes stay: {}", file, error.getMessage());
                    } else {
                        lastApplied = revision.number();
                    }
                    report(new Reload(Instant.now(), revision, error));
                });
    }

    private void warnAboutRestartOnly(RosettaConfig before, RosettaConfig next) {
        StringBuilder sections = new StringBuilder();
        if (!before.listener().equals(next.listener())) {
            sections.append(" listener");
        }
        if (!before.upstream().equals(next.upstream())) {
            sections.append(" upstream");
        }
        if (!before.registry().equals(next.registry())) {
            sections.append(" registry");
        }
        if (!before.translators().equals(next.translators())) {
            sections.append(" translators");
        }
        if (!before.admin().equals(next.admin())) {
            sections.append(" admin");
        }
        if (!before.distribution().equals(next.distribution())) {
            sections.append(" distribution");
        }
        if (!before.audit().equals(next.audit())) {
            sections.append(" audit");
        }
        if (sections.length() > 0) {
            LOG.warn(
                    "config reload of {}: changes to{} take effect only after a restart; routes are applied now",
                    file,
                    sections);
        }
    }

    private void report(Reload reload) {
        try {
            onReload.accept(reload);
        } catch (RuntimeException e) {
            LOG.warn("reload listener failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(watchService);
        synchronized (this) {
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(@Nullable WatchService ws) {
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                LOG.debug("closing watch service", e);
            }
        }
    }
}
