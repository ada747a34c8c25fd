package dev.rosetta.proxy.protocol;

import io.netty.util.ReferenceCounted;

/** What a {@link RequestFilter} may know and keep about the request it is looking at. */
public interface RequestExchange {

    ProxyConnection connection();

    /** State a filter keeps across the runs of one request (e.g. the look-ups it waits for); empty at first. */
    Attachments attachments();

    /**
     * Context for the response filters of this request's response
     * ({@link ResponseExchange#fromRequest()}), e.g. partitions the proxy answered itself.
     */
    Attachments forResponse();

    /**
     * Keeps {@code buffer} (which the changed message points into) until the message is encoded
     * or dropped, then releases it. For pooled buffers a filter puts into the message.
     */
    void releaseWhenDone(ReferenceCounted buffer);
}
