package dev.rosetta.proxy.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.rosetta.config.ConfigLoader;
import dev.rosetta.config.RouteConfig;
import dev.rosetta.config.routing.RouteChange;
import dev.rosetta.config.routing.RouteChanges;
import dev.rosetta.config.routing.RouteJson;
import dev.rosetta.config.routing.RouteRevision;
import dev.rosetta.config.routing.RouteStore;
import dev.rosetta.proxy.admin.InMemoryAdmin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests to the admin API's routes resource, through its real connection pipeline (Netty's HTTP codec,
 * the aggregator, the routes API) on an in-memory channel. Each input is up to four HTTP requests as text,
 * separated by lines {@code ###}: a request line ({@code METHOD /path}), header lines, a blank line, the body; the
 * harness sets {@code content-length} itself, so every body arrives whole. Every run starts from the same three
 * routes (orders, payments, keyed) and sends its requests in order, each on its own connection.
 *
 * <p>What must hold: exactly one answer; never a 5xx; a JSON body, with an {@code error} for every 4xx; a refused
 * change changes nothing (same revision, same routes); and every route in force afterwards reads back from its own
 * JSON (what {@code GET /routes/{topic}} shows and the routes topic carries) as the same route.
 */
class AdminFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The routes every run starts from. In a holder, not a field of the test class: the test class is loaded before
     * the fuzzer instruments classes, and product classes must be loaded after (a record loaded before is
     * re-instrumented into one whose accessors fail).
     */
    private static final class Initial {
        static final List<RouteConfig> ROUTES = ConfigLoader.parseRoutes("""
                - topic: orders
                  consume:
                    version: 1
                    overrides:
                      - clientId: "legacy-*"
                        version: 1
                      - principal: "User:analytics"
                        version: 2
                    rollout: {version: 2, percent: 12.5}
                  produce: {version: 1}
                - topic: payments
                  produce: {version: 3}
                  failure: {mode: DEAD_LETTER, deadLetterTopic: payments.dlq}
                - topic: keyed
                  keySubject: keyed-key
                  keyVersions: {1: 1}
                  produceKeys: translate
                  consume: {version: 1}
                """, "initial routes");
    }

    /** Hands the admin API a fresh store for each run, so runs do not depend on each other. */
    private static final class FreshRoutes implements RouteChanges {
        RouteStore store = RouteStore.of(Initial.ROUTES);

        @Override
        public CompletableFuture<RouteRevision> submit(RouteChange change) {
            return store.submit(change);
        }

        @Override
        public RouteStore store() {
            return store;
        }
    }

    private static QuietLogs quiet;

    private final FreshRoutes routes = new FreshRoutes();
    private final InMemoryAdmin admin = new InMemoryAdmin(routes);

    @BeforeAll
    static void quiet() {
        quiet = new QuietLogs("dev.rosetta.config.routing", "dev.rosetta.proxy.admin");
    }

    @AfterAll
    static void loud() {
        quiet.close();
    }

    @FuzzTest(maxDuration = "10s")
    @DictionaryEntries({
        "\"consume\"",
        "\"produce\"",
        "\"version\"",
        "\"rollout\"",
        "\"percent\"",
        "\"overrides\"",
        "\"clientId\"",
        "\"principal\"",
        "\"failure\"",
        "\"mode\"",
        "\"DEAD_LETTER\"",
        "\"REJECT\"",
        "\"PASS_THROUGH\"",
        "\"deadLetterTopic\"",
        "\"header\"",
        "\"keySubject\"",
        "\"keyVersions\"",
        "\"produceKeys\"",
        "\"translate\"",
        "\"valueSubject\"",
        "\"topic\"",
        "\"side\"",
        "\"reason\"",
        "PUT /routes/",
        "POST /routes/",
        "DELETE /routes/",
        "GET /routes/",
        "/rollout",
        "/rollback",
        "/history",
        "/overrides",
        "X-Rosetta-Actor: ",
        "X-Rosetta-Reason: ",
        "content-type: ",
        "expect: ",
        "\\x0a###\\x0a" // libFuzzer dictionary syntax: the request separator
    })
    void routeRequestsAreAnsweredOrRefusedWithA4xx(byte[] input) throws Exception {
        routes.store = RouteStore.of(Initial.ROUTES);
        for (byte[] part : requests(input)) {
            answerOrRefuse(Request.parse(part));
        }
    }

    private void answerOrRefuse(Request request) throws Exception {
        RouteRevision before = routes.store.current();

        List<Answer> answers = Answer.parseAll(admin.exchange(request.bytes()));

        assertThat(answers).as("answers to %s", request).hasSize(1);
        Answer answer = answers.get(0);
        assertThat(answer.status()).as("%s answered %s", request, answer).isBetween(200, 499);
        if (!answer.contentType().startsWith("text/plain")) { // all but /metrics answer JSON
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.isObject())
                    .as("%s answered %s: not a JSON object", request, answer)
                    .isTrue();
            if (answer.status() >= 400) {
                assertThat(body.path("error").isTextual())
                        .as("%s answered %s without an error message", request, answer)
                        .isTrue();
            }
        }
        if (answer.status() >= 300) {
            assertThat(routes.store.current())
                    .as("%s was refused (%s) but changed the routes", request, answer)
                    .isSameAs(before);
        }
        if (routes.store.current() == before) {
            return;
        }
        for (RouteConfig route : routes.store.table().routes()) { // changed: what is in force reads back as it is
            JsonNode json = RouteJson.toJson(route);
            assertThat(RouteJson.route(json))
                    .as("route %s after %s, read back from its JSON", route, request)
                    .isEqualTo(route);
            assertThat(ConfigLoader.parseRoute(RouteJson.write(json), "GET /routes/" + route.topic(), route.topic()))
                    .as("route %s after %s, put back as GET shows it", route, request)
                    .isEqualTo(route);
        }
    }

    /** The input cut at lines {@code ###}: up to four requests sent one after the other (a rollout, then its rollback). */
    private static List<byte[]> requests(byte[] input) {
        byte[] separator = "\n###\n".getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        while (parts.size() < 3) {
            int at = indexOf(input, separator, from);
            if (at < 0) {
                break;
            }
            parts.add(java.util.Arrays.copyOfRange(input, from, at));
            from = at + separator.length;
        }
        parts.add(java.util.Arrays.copyOfRange(input, from, input.length));
        return parts;
    }

    /** One HTTP request as the fuzzer wrote it: request line, headers, body. */
    record Request(String line, List<String> headers, byte[] body) {
        static Request parse(byte[] input) {
            int split = indexOf(input, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            int bodyAt = split < 0 ? -1 : split + 4;
            if (split < 0) {
                split = indexOf(input, "\n\n".getBytes(StandardCharsets.ISO_8859_1));
                bodyAt = split < 0 ? input.length : split + 2;
            }
            String head = new String(input, 0, split < 0 ? input.length : split, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r?\n", -1);
            List<String> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].split(":", 2)[0].trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !name.equals("content-length") && !name.equals("transfer-encoding")) {
                    headers.add(lines[i]); // the harness frames the body itself
                }
            }
            byte[] body = java.util.Arrays.copyOfRange(input, Math.min(bodyAt, input.length), input.length);
            return new Request(lines[0], headers, body);
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(line).append(" HTTP/1.1\r\n");
            for (String h : headers) {
                head.append(h).append("\r\n");
            }
            head.append("content-length: ").append(body.length).append("\r\n\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return line + " " + headers + " " + new String(body, StandardCharsets.UTF_8);
        }
    }

    /** One HTTP response as the server wrote it. */
    record Answer(int status, Map<String, String> headers, String body) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }

        /** Every response in {@code bytes}, interim (1xx) ones left out. */
        static List<Answer> parseAll(byte[] bytes) {
            List<Answer> answers = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), at);
                assertThat(end)
                        .as("a complete response head in %s", text(bytes))
                        .isNotNegative();
                String[] lines = new String(bytes, at, end - at, StandardCharsets.ISO_8859_1).split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    String[] kv = lines[i].split(":", 2);
                    headers.put(kv[0].trim().toLowerCase(Locale.ROOT), kv.length > 1 ? kv[1].trim() : "");
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                at = end + 4;
                assertThat(bytes.length - at).as("the body of %s", text(bytes)).isGreaterThanOrEqualTo(length);
                String body = new String(bytes, at, length, StandardCharsets.UTF_8);
                at += length;
                if (status >= 200) {
                    answers.add(new Answer(status, headers, body));
                }
            }
            return answers;
        }

        private static String text(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static int indexOf(byte[] bytes, byte[] what) {
        return indexOf(bytes, what, 0);
    }

    private static int indexOf(byte[] bytes, byte[] what, int from) {
        outer:
        for (int i = from; i <= bytes.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (bytes[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
