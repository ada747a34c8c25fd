package dev.rosetta.proxy.translate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.Record;
import org.jspecify.annotations.Nullable;

/**
 * The records of one batch being rewritten, in order, each with the key, value and headers it is to
 * be written with; what {@link BatchCodec#rebuild(org.apache.kafka.common.record.RecordBatch, RecordEdits)}
 * takes. The {@link Edit} holders are reused from batch to batch, so rewriting a record allocates no
 * holder; {@link #clear()} drops the references to the records and their buffers, so an instance
 * kept per thread does not keep a batch alive. Not thread-safe.
 */
final class RecordEdits {
    /** Translated keys and values kept up to this many bytes are written into the arena, reused from batch to batch. */
    private static final int ARENA_RETAINED = 8 << 20;

    private static final int ARENA_INITIAL = 64 << 10;

    private @Nullable Edit[] edits = new Edit[16];
    private int size;
    /** Where {@link #keep} writes; a full arena is replaced by a larger one (buffers already handed out keep the old). */
    private byte[] arena = new byte[ARENA_INITIAL];

    private int arenaUsed;

    /** Adds {@code record} as it is: its own key, value and headers, until a change is made to the returned edit. */
    Edit add(Record record) {
        return next().reset(record, record.key(), record.value(), null);
    }

    /** Adds {@code record} with another value and, unless null, other headers. */
    Edit add(Record record, @Nullable ByteBuffer value, Header @Nullable [] headers) {
        return next().reset(record, record.key(), value, headers);
    }

    private Edit next() {
        if (size == edits.length) {
            edits = Arrays.copyOf(edits, size * 2);
        }
        Edit edit = edits[size];
        if (edit == null) {
            edit = new Edit();
            edits[size] = edit;
        }
        size++;
        return edit;
    }

    int size() {
        return size;
    }

    Edit get(int index) {
        return Objects.requireNonNull(edits[index]);
    }

    /**
     * A copy of {@code bytes[off, off+len)} that stays valid until {@link #clear()}: the new key or
     * value of a record of this batch. Copies into an arena reused from batch to batch, so a
     * translated record allocates no array of its own.
     */
    ByteBuffer keep(byte[] bytes, int off, int len) {
        if (len > arena.length - arenaUsed) {
            // the old arena stays alive as long as the buffers already taken from it
            arena = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(len, arena.length * 2L))];
            arenaUsed = 0;
        }
        System.arraycopy(bytes, off, arena, arenaUsed, len);
        ByteBuffer kept = ByteBuffer.wrap(arena, arenaUsed, len); // position to limit: all a reader uses
        arenaUsed += len;
        return kept;
    }

    /** Drops the batch's records and the buffers of {@link #keep}, whose bytes the arena reuses from now on. */
    void clear() {
        for (int i = 0; i < size; i++) {
            get(i).clear();
        }
        size = 0;
        arenaUsed = 0;
        if (arena.length > ARENA_RETAINED) {
            arena = new byte[ARENA_INITIAL];
        }
    }

    /** One record and what it becomes. Keys and values are read from position to limit, never consumed. */
    static final class Edit {
        /** Null only while the holder is unused. */
        private @Nullable Record record;

        private @Nullable ByteBuffer key;
        private @Nullable ByteBuffer value;
        /** Null: the record's own. */
        private Header @Nullable [] headers;

        private boolean changed;

        private Edit reset(
                Record record, @Nullable ByteBuffer key, @Nullable ByteBuffer value, Header @Nullable [] headers) {
            this.record = record;
            this.key = key;
            this.value = value;
            this.headers = headers;
            this.changed = false;
            return this;
        }

        /** Drops the references, so a holder kept per thread does not keep a batch alive. */
        private void clear() {
            record = null;
            key = null;
            value = null;
            headers = null;
        }

        Record record() {
            return Objects.requireNonNull(record, "an edit in use has a record");
        }

        /** The key to write (null for none): the record's own until {@link #translated}. */
        @Nullable
        ByteBuffer key() {
            return key;
        }

        /** The value to write (null for none): the record's own until {@link #translated}. */
        @Nullable
        ByteBuffer value() {
            return value;
        }

        Header[] headers() {
            return headers == null ? record().headers() : headers;
        }

        /** Whether the record is written differently from how it was read. */
        boolean changed() {
            return changed;
        }

        /** The record translated whole: both parts replaced at once, never one without the other. */
        void translated(@Nullable ByteBuffer newKey, @Nullable ByteBuffer newValue) {
            key = newKey;
            value = newValue;
            changed = true;
        }

        /** Adds a header saying why the record is delivered untranslated (the route's failure header). */
        void explain(String header, String reason) {
            Header[] own = record().headers();
            Header[] explained = Arrays.copyOf(own, own.length + 1);
            explained[own.length] = new RecordHeader(header, reason.getBytes(StandardCharsets.UTF_8));
            headers = explained;
            changed = true;
        }
    }
}
