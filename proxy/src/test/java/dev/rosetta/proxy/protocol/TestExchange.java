package dev.rosetta.proxy.protocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** A {@link ResponseExchange} for filter unit tests: keeps attachments and connection state. */
public final class TestExchange implements ResponseExchange, ProxyConnection {
    private final Attachments attachments = new Attachments();
    private final Attachments state = new Attachments();
    private final String clientId;

    public TestExchange(String clientId) {
        this.clientId = clientId;
    }

    public TestExchange() {
        this("test-client");
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public ProxyConnection connection() {
        return this;
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public Attachments state() {
        return state;
    }

    private @org.jspecify.annotations.Nullable String principal;

    @Override
    public @org.jspecify.annotations.Nullable String principal() {
        return principal;
    }

    @Override
    public void authenticated(String name, String how) {
        principal = name;
    }

    private @org.jspecify.annotations.Nullable UnframedSasl unframedSasl;

    @Override
    public void startUnframedSasl(UnframedSasl exchange) {
        unframedSasl = exchange;
    }

    /** The legacy SASL exchange a filter started, or null. */
    public @org.jspecify.annotations.Nullable UnframedSasl unframedSasl() {
        return unframedSasl;
    }

    @Override
    public Attachments attachments() {
        return attachments;
    }

    @Override
    public Attachments fromRequest() {
        return Attachments.NONE;
    }

    /** Releases right away: a filter unit test does not encode the message. */
    @Override
    public void releaseWhenDone(io.netty.util.ReferenceCounted buffer) {
        buffer.release();
    }
}
