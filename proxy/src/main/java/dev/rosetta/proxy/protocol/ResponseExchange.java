package dev.rosetta.proxy.protocol;

import org.jspecify.annotations.Nullable;

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
}
