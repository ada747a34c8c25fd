package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * Opens the upstream connection of one client connection. Tests replace it to pair a client
 * channel with an in-memory upstream.
 */
interface UpstreamConnector {

    /**
     * Connects to the first reachable of {@code candidates}, in order, on {@code client}'s event
     * loop, with a handler from {@code handler} last in each new channel's pipeline (after TLS and framing).
     *
     * @return completes, on the client's event loop, with the connected channel, or exceptionally
     *         with the last candidate's failure
     */
    CompletionStage<Channel> connect(
            Channel client, List<InetSocketAddress> candidates, Supplier<? extends ChannelHandler> handler);
}
