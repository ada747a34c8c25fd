package dev.rosetta.proxy.protocol;

import org.jspecify.annotations.Nullable;

import io.netty.util.ReferenceCounted;

/** What a {@link ResponseFilter} may know and keep about the request/response exchange it is looking at. */
public interface ResponseExchange {

    /** The client id from the request header, or {@code null}. */
    @Nullable
    String clientId();

    /** The connection this exchange belongs to. */
    ProxyConnection connection();

    /** State a filter keeps across the runs of one exchange (e.g. the look-ups it waits for); empty at first. */
    Attachments attachments();

    /** What the request filters left for this response ({@link RequestExchange#forResponse()}); often empty. */
    Attachments fromRequest();

    /**
     * Keeps {@code buffer} (which the changed message points into) until the message is encoded
     * or dropped, then releases it. For pooled buffers a filter puts into the message.
     */
    void releaseWhenDone(ReferenceCounted buffer);
}
