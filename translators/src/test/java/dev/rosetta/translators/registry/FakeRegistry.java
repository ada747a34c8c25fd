package dev.rosetta.translators.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny in-process registry stand-in: answers configured (method, path) pairs with a status and
 * body, records every request, can be made slow (blocks until released) or down (HTTP 503).
 */
final class FakeRegistry implements AutoCloseable {
    record Answer(int status, String body) {}

    record Request(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final String prefix;
    final Map<String, Answer> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile boolean down;
    volatile CountDownLatch slow;

    FakeRegistry(String prefix) {
        this.prefix = prefix;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-registry");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix;
    }

    FakeRegistry on(String method, String pathAndQuery, int status, String body) {
        answers.put(method + " " + pathAndQuery, new Answer(status, body));
        return this;
    }

    long count(String method, String pathStart) {
        return requests.stream()
                .filter(r -> r.method().equals(method) && r.path().startsWith(pathStart))
                .count();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String query = ex.getRequestURI().getRawQuery();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String rel = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        requests.add(new Request(ex.getRequestMethod(), rel, Map.copyOf(ex.getRequestHeaders()), body));
        CountDownLatch s = slow;
        if (s != null) {
            try {
                s.await(10, TimeUnit.SECONDS); // the server side stalls, simulating a slow registry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Answer a;
        if (down) {
            a = new Answer(503, "{\"error_code\":50301,\"message\":\"registry unavailable\"}");
        } else {
            a = answers.get(ex.getRequestMethod() + " " + rel + (query == null ? "" : "?" + query));
            if (a == null) {
                a = answers.get(ex.getRequestMethod() + " " + rel);
            }
            if (a == null) {
                a = new Answer(404, "{\"error_code\":40401,\"message\":\"Subject not found: " + rel + "\"}");
            }
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    @Override
    public void close() {
        CountDownLatch s = slow;
        if (s != null) {
            s.countDown();
        }
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
