package dev.rosetta.proxy.net;

import java.util.ArrayDeque;

import org.jspecify.annotations.Nullable;

import io.netty.util.ReferenceCountUtil;

/**
 * Messages of one direction of a connection that must leave in the order they arrived, though a
 * later one may be ready first (an earlier one is deferred). Only the ready messages at the head
 * leave. Confined to the connection's event loop.
 */
final class InOrder<M extends PendingMessage<?>> {
    private final ArrayDeque<M> held = new ArrayDeque<>();

    boolean isEmpty() {
        return held.isEmpty();
    }

    void add(M message) {
        held.add(message);
    }

    /** Removes and returns the first message when it is ready to leave; null when there is none, or it is not ready. */
    @Nullable
    M pollReady() {
        M head = held.peek();
        return head != null && head.isReady() ? held.poll() : null;
    }

    /**
     * Gives up on every held message (the connection closes): releases the bytes of the ready ones;
     * a deferred one releases its frame itself when its stage completes.
     */
    void releaseAll() {
        for (M message : held) {
            if (message.isReady()) {
                ReferenceCountUtil.release(message.out());
            }
        }
        held.clear();
    }
}
