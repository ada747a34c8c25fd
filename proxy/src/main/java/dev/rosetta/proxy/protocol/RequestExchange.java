package dev.rosetta.proxy.protocol;

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
}
