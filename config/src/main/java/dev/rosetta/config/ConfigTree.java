package dev.rosetta.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * A YAML (or JSON) document as a tree that remembers where every node came from, so that
 * binding errors can name the line. Jackson's own {@code JsonNode} drops locations.
 */
final class ConfigTree {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private ConfigTree() {}

    sealed interface Node permits MapNode, ListNode, ScalarNode {
        int line();
    }

    /** One mapping key with the line it was written on. */
    record Entry(String key, int keyLine, Node value) {}

    record MapNode(Map<String, Entry> entries, int line) implements Node {}

    record ListNode(List<Node> items, int line) implements Node {}

    /** {@code text} is null for YAML null ({@code ~}, {@code null} or nothing). */
    record ScalarNode(@Nullable String text, int line) implements Node {}

    /** Parses YAML; returns null for an empty document. */
    static @Nullable Node parseYaml(String text, String source) {
        return parse(YAML, text, source);
    }

    static @Nullable Node parseJson(String text, String source) {
        return parse(JSON, text, source);
    }

    private static @Nullable Node parse(JsonFactory factory, String text, String source) {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return null;
            }
            Node root = read(parser, token, source);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw syntax(source, parser.currentTokenLocation(), "more than one document; expected exactly one");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            throw syntax(source, loc, e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(
                    List.of(new ConfigException.Problem(source, 0, "", null, "cannot be read: " + e.getMessage())));
        }
    }

    private static Node read(JsonParser parser, JsonToken token, String source) throws IOException {
        int line = lineOf(parser.currentTokenLocation());
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                JsonToken t;
                while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = lineOf(parser.currentTokenLocation());
                    Node value = read(parser, parser.nextToken(), source);
                    if (entries.containsKey(key)) {
                        throw new ConfigException(List.of(new ConfigException.Problem(
                                source,
                                keyLine,
                                key,
                                null,
                                "duplicate key '" + key + "' (first written on line "
                                        + entries.get(key).keyLine() + "); each key may appear once")));
                    }
                    entries.put(key, new Entry(key, keyLine, value));
                }
                return new MapNode(entries, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                JsonToken t;
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(parser, t, source));
                }
                return new ListNode(items, line);
            }
            case VALUE_NULL -> {
                return new ScalarNode(null, line);
            }
            case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> {
                return new ScalarNode(parser.getText(), line);
            }
            default -> throw syntax(source, parser.currentTokenLocation(), "unexpected " + token);
        }
    }

    private static int lineOf(@Nullable JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    private static ConfigException syntax(String source, @Nullable JsonLocation location, String message) {
        return new ConfigException(List.of(
                new ConfigException.Problem(source, lineOf(location), "", null, "is not valid YAML: " + message)));
    }
}
