package dev.rosetta.proxy.protocol;

import java.util.Arrays;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A small map of typed values ({@link AttachmentKey} to value), the way filters keep state without
 * casts. Holds one or two entries in practice, so it is two arrays scanned by key identity: no
 * hashing, no boxing, and nothing is allocated until the first value is put.
 *
 * <p>Not thread-safe: an exchange's or connection's attachments are used on its event loop only.
 */
public final class Attachments {
    /** No values, and none can be put: what a message no filter looked at leaves behind. */
    public static final Attachments NONE = new Attachments(true);

    private final boolean readOnly;
    private Object[] keys = new Object[0];
    private Object[] values = new Object[0];
    private int size;

    public Attachments() {
        this(false);
    }

    private Attachments(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** The value under {@code key}, or null when none was put. */
    @SuppressWarnings("unchecked") // put() only stores a T under an AttachmentKey<T>
    public <T> @Nullable T get(AttachmentKey<T> key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return (T) values[i];
            }
        }
        return null;
    }

    /**
     * Puts {@code value} under {@code key}, replacing what was there.
     *
     * @throws UnsupportedOperationException on {@link #NONE}
     */
    public <T> void put(AttachmentKey<T> key, T value) {
        if (readOnly) {
            throw new UnsupportedOperationException("cannot put " + key + " here: these attachments are read-only");
        }
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, Math.max(2, size * 2));
            values = Arrays.copyOf(values, keys.length);
        }
        keys[size] = key;
        values[size++] = value;
    }

    /** The value under {@code key}, created with {@code create} and put on first use. */
    public <T> T computeIfAbsent(AttachmentKey<T> key, Supplier<T> create) {
        T value = get(key);
        if (value == null) {
            value = create.get();
            put(key, value);
        }
        return value;
    }

    public boolean isEmpty() {
        return size == 0;
    }
}
