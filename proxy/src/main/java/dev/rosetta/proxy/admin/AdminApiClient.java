package dev.rosetta.proxy.admin;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small client of the admin API (JDK HttpClient), for the CLI's route commands and the demo.
 * Every failure becomes an {@link AdminApiException} whose message is what the user should read:
 * the server's own error text and problems for a 4xx/5xx, or why the server could not be reached.
 *
 * <p>Thread-safe; each call blocks for at most the timeout given at construction.
 */
public final class AdminApiClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI base;
    private final @Nullable String token;
    private final @Nullable String actor;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * A successful answer: the body as text and as JSON, and the route revision the server named
     * in its {@code X-Rosetta-Revision} header (null when it named none).
     */
    public record Answer(
            int status,
            String body,
            JsonNode json,
            @Nullable String revision) {}

    /** A failed call; the message is meant for the user. */
    public static final class AdminApiException extends Exception {
        private static final long serialVersionUID = 1L;

        AdminApiException(String message) {
            super(message);
        }
    }

    /**
     * @param baseUrl the admin API's base URL, e.g. {@code http://127.0.0.1:19080}
     * @param token   bearer token, or null/blank when the admin API needs none
     * @param actor   who makes changes, sent as {@code X-Rosetta-Actor}, or null
     * @param timeout for connecting and for each answer
     */
    public AdminApiClient(String baseUrl, @Nullable String token, @Nullable String actor, Duration timeout) {
        String b = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(b);
        this.token = token == null || token.isBlank() ? null : token;
        this.actor = actor;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The path of {@code topic}'s route, {@code /routes/<topic>} with the topic URL-encoded. */
    public static String topicPath(String topic) {
        return "/routes/" + URLEncoder.encode(topic, StandardCharsets.UTF_8);
    }

    /** GETs {@code path} (relative to the base URL); fails unless the answer is a 2xx/3xx JSON document. */
    public Answer get(String path) throws AdminApiException {
        return send(request(path).GET(), "GET", path);
    }

    /** POSTs {@code body} as JSON to {@code path}; fails unless the answer is a 2xx/3xx JSON document. */
    public Answer post(String path, JsonNode body) throws AdminApiException {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                "POST",
                path);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (actor != null && !actor.isBlank()) {
            b.header("X-Rosetta-Actor", actor);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder request, String method, String path) throws AdminApiException {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new AdminApiException(
                    "cannot reach the admin API at " + base + " (is the sidecar running? use --admin URL)");
        } catch (HttpTimeoutException e) {
            throw new AdminApiException("the admin API at " + base + " did not answer " + method + " " + path
                    + " within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            throw new AdminApiException("calling " + method + " " + base + path + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminApiException("interrupted while calling " + method + " " + base + path);
        }
        JsonNode json = null;
        try {
            json = MAPPER.readTree(response.body());
        } catch (IOException e) {
            // not JSON: reported below if it matters
        }
        if (response.statusCode() >= 400) {
            throw new AdminApiException(errorMessage(response.statusCode(), json, response.body()));
        }
        if (json == null) {
            throw new AdminApiException(method + " " + base + path + " answered " + response.statusCode()
                    + " with a body that is not JSON; is " + base + " a Rosetta admin API?");
        }
        return new Answer(
                response.statusCode(),
                response.body(),
                json,
                response.headers().firstValue("X-Rosetta-Revision").orElse(null));
    }

    private static String errorMessage(int status, @Nullable JsonNode json, String body) {
        if (json == null || !json.hasNonNull("error")) {
            return "HTTP " + status + ": " + body.strip();
        }
        StringBuilder sb = new StringBuilder();
        JsonNode problems = json.get("problems");
        if (problems != null && problems.isArray() && !problems.isEmpty()) {
            sb.append(problems.size() == 1 ? "rejected: " : "rejected (" + problems.size() + " problems):");
            for (JsonNode p : problems) {
                sb.append(problems.size() == 1 ? "" : "\n  ")
                        .append(p.path("message").asText());
            }
        } else {
            sb.append(json.get("error").asText());
        }
        return sb.append(" (HTTP ").append(status).append(')').toString();
    }
}
