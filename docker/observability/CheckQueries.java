import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Checks that every PromQL expression of the Rosetta dashboard and rules returns data from a live
 * Prometheus.
 *
 * <pre>
 * java -cp rosetta.jar docker/observability/CheckQueries.java PROMETHEUS_URL docker/observability \
 *     [--wait SECONDS] [--allow-empty REGEX] [--list]
 * </pre>
 *
 * Expressions come from {@code DIR/grafana/*.json} (every panel target, also inside rows; the
 * metric selectors of {@code label_values(...)} template variables; annotation queries) and from
 * every rule file in DIR (a YAML file with {@code groups}): recording rules whole, alerts as the
 * left side of their final top-level comparison (so {@code ratio > 0.01} is checked as
 * {@code ratio}, which must return series even while the alert is quiet).
 *
 * <p>Grafana variables: in a label matcher {@code label=~"$var"} (or {@code ${var}},
 * {@code ${var:regex}}, {@code [[var]]}) the variable becomes {@code .+}, so the label must
 * exist as it would once a value is picked; {@code label="$var"} becomes {@code label=~".+"};
 * in a negative matcher it becomes a value that matches nothing. {@code $__rate_interval} is
 * {@code 1m}, {@code $__interval} {@code 15s}, {@code $__range} {@code 1h}.
 *
 * <p>Prints one line per distinct expression: {@code ok   <n> series  <source>: <expr>},
 * {@code EMPTY <source>: <expr>} or {@code ERROR <source>: <expr>  (<why>)}, then a summary.
 * Exit status: 0 when every expression returned data, 1 when one was empty (unless matched by
 * {@code --allow-empty}, a regex tried on the source and the expression) or failed, 2 on bad usage.
 * {@code --wait SECONDS} retries empty expressions (and unreachable Prometheus) until the deadline,
 * for a test that starts traffic and Prometheus just before. Only the JDK and Jackson (databind,
 * dataformat-yaml; both in rosetta.jar) are used.
 */
public final class CheckQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A distinct expression (after substituting variables) and where it was found. */
    static final class Query {
        final String expr;
        final List<String> sources = new ArrayList<>();
        Status status = Status.PENDING;
        int series;
        String error = "";

        Query(String expr) {
            this.expr = expr;
        }

        String source() {
            return String.join(" & ", sources);
        }
    }

    enum Status {
        PENDING, OK, EMPTY, ERROR, RETRYABLE_ERROR
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        Path dir = null;
        double waitSeconds = 0;
        Pattern allowEmpty = null;
        boolean list = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--wait" -> waitSeconds = Double.parseDouble(required(args, ++i, a));
                case "--allow-empty" -> allowEmpty = Pattern.compile(required(args, ++i, a));
                case "--list" -> list = true;
                case "-h", "--help" -> {
                    usage(null);
                    return;
                }
                default -> {
                    if (a.startsWith("--wait=")) {
                        waitSeconds = Double.parseDouble(a.substring("--wait=".length()));
                    } else if (a.startsWith("--allow-empty=")) {
                        allowEmpty = Pattern.compile(a.substring("--allow-empty=".length()));
                    } else if (a.startsWith("-")) {
                        usage("unknown option " + a);
                    } else if (url == null) {
                        url = a.replaceAll("/+$", "");
                    } else if (dir == null) {
                        dir = Path.of(a);
                    } else {
                        usage("unexpected argument " + a);
                    }
                }
            }
        }
        if (url == null || dir == null) {
            usage("PROMETHEUS_URL and the observability folder are required");
        }
        if (!Files.isDirectory(dir)) {
            usage(dir + " is not a folder");
        }

        Map<String, Query> queries = new LinkedHashMap<>();
        collectDashboards(dir.resolve("grafana"), queries);
        collectRules(dir, queries);
        if (queries.isEmpty()) {
            System.err.println("No expressions found under " + dir + " (grafana/*.json, rule files)");
            System.exit(2);
        }
        if (list) {
            for (Query q : queries.values()) {
                System.out.println(q.source() + ": " + q.expr);
            }
            return;
        }

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + (long) (waitSeconds * 1e9);
        while (true) {
            for (Query q : queries.values()) {
                if (q.status == Status.PENDING || q.status == Status.EMPTY || q.status == Status.RETRYABLE_ERROR) {
                    run(http, url, q);
                }
            }
            long open = queries.values().stream()
                    .filter(q -> q.status == Status.EMPTY || q.status == Status.RETRYABLE_ERROR)
                    .count();
            long left = deadline - System.nanoTime();
            if (open == 0 || left <= 0) {
                break;
            }
            System.err.printf(Locale.ROOT, "waiting: %d expressions without data yet, %.0fs left%n", open, left / 1e9);
            Thread.sleep(Math.min(2000, Math.max(1, left / 1_000_000)));
        }

        int ok = 0, empty = 0, allowed = 0, errors = 0;
        for (Query q : queries.values()) {
            String where = q.source() + ": " + q.expr;
            switch (q.status) {
                case OK -> {
                    ok++;
                    System.out.printf(Locale.ROOT, "ok   %d series  %s%n", q.series, where);
                }
                case EMPTY -> {
                    if (allowEmpty != null && (allowEmpty.matcher(where).find())) {
                        allowed++;
                        System.out.println("EMPTY (allowed) " + where);
                    } else {
                        empty++;
                        System.out.println("EMPTY " + where);
                    }
                }
                default -> {
                    errors++;
                    System.out.println("ERROR " + where + "  (" + q.error + ")");
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nSummary: %d expressions against %s: %d ok, %d empty%s, %d errors%n",
                queries.size(),
                url,
                ok,
                empty,
                allowEmpty == null ? "" : " (+" + allowed + " allowed empty)",
                errors);
        System.exit(empty == 0 && errors == 0 ? 0 : 1);
    }

    private static String required(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        if (problem != null) {
            System.err.println("CheckQueries: " + problem);
        }
        System.err.println(
                "Usage: java -cp rosetta.jar CheckQueries.java PROMETHEUS_URL OBSERVABILITY_DIR"
                        + " [--wait SECONDS] [--allow-empty REGEX] [--list]");
        if (problem != null) {
            System.exit(2);
        }
    }

    // ------------------------------------------------------------------ querying

    private static void run(HttpClient http, String url, Query q) {
        String form = "query=" + URLEncoder.encode(q.expr, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            q.status = Status.RETRYABLE_ERROR;
            q.error = "cannot reach " + url + ": " + e;
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            q.status = Status.ERROR;
            q.error = "interrupted";
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            q.status = response.statusCode() >= 500 ? Status.RETRYABLE_ERROR : Status.ERROR;
            q.error = "HTTP " + response.statusCode() + ", not a Prometheus API answer: " + abbreviate(response.body());
            return;
        }
        if (!"success".equals(body.path("status").asText())) {
            String type = body.path("errorType").asText("");
            q.status = response.statusCode() >= 500 || type.equals("timeout") || type.equals("unavailable")
                    ? Status.RETRYABLE_ERROR
                    : Status.ERROR;
            q.error = "HTTP " + response.statusCode() + " " + type + ": " + body.path("error").asText();
            return;
        }
        JsonNode data = body.path("data");
        String type = data.path("resultType").asText();
        int n = switch (type) {
            case "vector", "matrix" -> data.path("result").size();
            case "scalar", "string" -> 1;
            default -> 0;
        };
        q.series = n;
        q.status = n > 0 ? Status.OK : Status.EMPTY;
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\s+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }

    // ------------------------------------------------------------------ collecting

    private static void add(Map<String, Query> queries, String source, String rawExpr) {
        String expr = oneLine(substitute(rawExpr));
        if (expr.isEmpty()) {
            return;
        }
        queries.computeIfAbsent(expr, Query::new).sources.add(source);
    }

    private static void collectDashboards(Path grafana, Map<String, Query> queries) throws IOException {
        if (!Files.isDirectory(grafana)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(grafana)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode dashboard = root.has("dashboard") ? root.get("dashboard") : root; // API export wraps it
            String name = file.getFileName().toString();
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (!"query".equals(variable.path("type").asText())) {
                    continue;
                }
                JsonNode query = variable.path("query");
                String text = query.isObject() ? query.path("query").asText("") : query.asText("");
                String expr = variableQueryExpr(text);
                if (expr != null) {
                    add(queries, name + " variable " + variable.path("name").asText(), expr);
                }
            }
            for (JsonNode annotation : dashboard.path("annotations").path("list")) {
                String expr = annotation.path("expr").asText("");
                if (!expr.isBlank()) {
                    add(queries, name + " annotation \"" + annotation.path("name").asText() + "\"", leftOfComparison(expr));
                }
            }
            collectPanels(name, dashboard.path("panels"), queries);
        }
    }

    private static void collectPanels(String name, JsonNode panels, Map<String, Query> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (!expr.isBlank()) {
                    add(queries,
                            name + " panel " + panel.path("id").asText() + " \"" + panel.path("title").asText() + "\" "
                                    + target.path("refId").asText(),
                            expr);
                }
            }
            collectPanels(name, panel.path("panels"), queries); // collapsed rows hold their panels
        }
    }

    private static final Pattern LABEL_VALUES =
            Pattern.compile("(?s)^\\s*label_values\\s*\\(\\s*(.+?)\\s*,\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$");
    private static final Pattern QUERY_RESULT = Pattern.compile("(?s)^\\s*query_result\\s*\\((.+)\\)\\s*$");

    /** The PromQL a template variable's query runs, as a query that returns one series per value; null if none. */
    static String variableQueryExpr(String text) {
        Matcher m = LABEL_VALUES.matcher(text);
        if (m.matches()) {
            return "count by (" + m.group(2) + ") (" + m.group(1) + ")";
        }
        m = QUERY_RESULT.matcher(text);
        if (m.matches()) {
            return m.group(1);
        }
        return null; // label_values(label), label_names(), metrics(...): nothing to check
    }

    private static void collectRules(Path dir, Map<String, Query> queries) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            JsonNode root;
            try {
                root = YAML.readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException("Cannot read " + file + ": " + e.getMessage(), e);
            }
            if (root == null || !root.has("groups")) {
                continue; // prometheus.yml, rules.test.yml
            }
            String name = file.getFileName().toString();
            for (JsonNode group : root.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String expr = rule.path("expr").asText("");
                    if (rule.has("record")) {
                        add(queries, name + " record " + rule.get("record").asText(), expr);
                    } else if (rule.has("alert")) {
                        add(queries, name + " alert " + rule.get("alert").asText(), leftOfComparison(expr));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ PromQL text

    private static final Pattern INTERVAL_VARIABLE =
            Pattern.compile("\\$\\{?(__rate_interval|__interval_ms|__interval|__range_s|__range_ms|__range)\\}?");
    private static final Pattern VARIABLE =
            Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\\}|\\$([A-Za-z0-9_]+)|\\[\\[([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\\]\\]");
    private static final Pattern MATCHER =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`)");

    /** The expression Grafana would send with "All" picked, written so that labels filtered on must exist. */
    static String substitute(String expr) {
        Matcher iv = INTERVAL_VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (iv.find()) {
            String value = switch (iv.group(1)) {
                case "__rate_interval" -> "1m";
                case "__interval" -> "15s";
                case "__interval_ms" -> "15000";
                case "__range" -> "1h";
                case "__range_s" -> "3600";
                default -> "3600000"; // __range_ms
            };
            iv.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        iv.appendTail(out);
        String text = out.toString();

        Matcher m = MATCHER.matcher(text);
        out = new StringBuilder();
        while (m.find()) {
            String label = m.group(1);
            String op = m.group(2);
            String quoted = m.group(3);
            String value = quoted.substring(1, quoted.length() - 1);
            if (!VARIABLE.matcher(value).find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
                continue;
            }
            String replacement = switch (op) {
                case "=~", "=" -> ".+";
                default -> "__grafana_variable_matches_nothing__";
            };
            String newValue = VARIABLE.matcher(value).replaceAll(Matcher.quoteReplacement(replacement));
            String newOp = switch (op) {
                case "=" -> "=~";
                case "!=" -> "!~";
                default -> op;
            };
            m.appendReplacement(out, Matcher.quoteReplacement(label + newOp + "\"" + newValue + "\""));
        }
        m.appendTail(out);
        return out.toString(); // any variable left outside a matcher makes Prometheus answer bad_data: reported
    }

    private static String oneLine(String expr) {
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        boolean space = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                sb.append(c);
                if (c == '\\' && quote != '`' && i + 1 < expr.length()) {
                    sb.append(expr.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '#') { // a comment runs to the end of its line
                while (i + 1 < expr.length() && expr.charAt(i + 1) != '\n') {
                    i++;
                }
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space && sb.length() > 0) {
                sb.append(' ');
            }
            space = false;
            if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * The left operand of the final top-level comparison ({@code == != > < >= <=}), or the whole
     * expression when there is none. Comparisons bind tighter than {@code and}, {@code unless} and
     * {@code or}, so the operand starts after the last of those before the comparison.
     */
    static String leftOfComparison(String expr) {
        String e = oneLine(expr);
        int depth = 0;
        char quote = 0;
        int comparison = -1;
        List<int[]> setOperators = new ArrayList<>(); // [start, end) of top-level and/or/unless
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth--;
                default -> {
                    if (depth != 0) {
                        break;
                    }
                    if (c == '=' && i + 1 < e.length() && e.charAt(i + 1) == '=') {
                        comparison = i++;
                    } else if (c == '!' && i + 1 < e.length() && e.charAt(i + 1) == '=') {
                        comparison = i++;
                    } else if (c == '>' || c == '<') {
                        comparison = i;
                        if (i + 1 < e.length() && e.charAt(i + 1) == '=') {
                            i++;
                        }
                    } else if (Character.isLetter(c) && (i == 0 || !isIdentifierPart(e.charAt(i - 1)))) {
                        int j = i;
                        while (j < e.length() && isIdentifierPart(e.charAt(j))) {
                            j++;
                        }
                        String word = e.substring(i, j).toLowerCase(Locale.ROOT);
                        if (word.equals("and") || word.equals("or") || word.equals("unless")) {
                            setOperators.add(new int[] {i, j});
                        }
                        i = j - 1;
                    }
                }
            }
        }
        if (comparison < 0) {
            return e;
        }
        int start = 0;
        for (int[] op : setOperators) {
            if (op[1] <= comparison) {
                start = op[1];
            }
        }
        return e.substring(start, comparison).trim();
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }
}
