package dev.rosetta.proxy.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.handler.codec.http.HttpResponseStatus;

/** One admin API answer before it becomes Netty objects (so it can be built on any thread). */
record ApiResponse(
        HttpResponseStatus status, String body, String contentType, List<Map.Entry<String, String>> headers) {

    /**
     * Pretty, and numbers as people write them: a rollout at 100% reads 100, not the 1E+2 a stripped BigDecimal
     * prints. (Route records in the routes topic keep their established bytes; only this API's answers change.)
     */
    private static final ObjectWriter JSON = new ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .with(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN);

    static ApiResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            return new ApiResponse(
                    status, JSON.writeValueAsString(body) + "\n", AdminServer.jsonContentType(), List.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": message}} */
    static ApiResponse error(HttpResponseStatus status, String message) {
        return json(status, errorBody(message));
    }

    static ObjectNode errorBody(String message) {
        return JsonNodeFactory.instance.objectNode().put("error", message);
    }

    ApiResponse withHeader(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new ApiResponse(status, body, contentType, List.copyOf(h));
    }
}
