package dev.rosetta.proxy.protocol;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** A {@link ResponseExchange} for filter unit tests: records deferrals, keeps attachments and connection state. */
public final class TestExchange implements ResponseExchange, ProxyConnection {
    public CompletionStage<?> deferredUntil;
    private Object attachment;
    private final String clientId;
    private final Map<Object, Object> state = new HashMap<>();

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
    @SuppressWarnings("unchecked")
    public <T> T state(Object key, Supplier<T> create) {
        return (T) state.computeIfAbsent(key, k -> create.get());
    }

    @Override
    public void deferUntil(CompletionStage<?> stage) {
        deferredUntil = stage;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public void attach(Object value) {
        attachment = value;
    }

    @Override
    public Object requestContext() {
        return null;
    }
}
