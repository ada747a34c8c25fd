package dev.rosetta.proxy.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rosetta probe URL}: a health check for images without curl (a container's {@code
 * HEALTHCHECK}, an exec probe). GETs the URL, e.g. the admin API's {@code /healthz} or
 * {@code /readyz}, and exits 0 on a 2xx answer.
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = {
            "Checks a URL with one GET, for health checks where no curl is installed (a container's HEALTHCHECK):"
                    + " e.g. rosetta probe http://127.0.0.1:19080/readyz. Prints the status and, on failure, the body."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the URL answered 2xx",
            "1:it answered otherwise, or could not be reached within the timeout",
            "2:invalid command line"
        })
final class ProbeCommand implements Callable<Integer> {
    /** Longest body printed on failure (a /readyz body lists the reasons). */
    private static final int BODY_CHARS = 2000;

    @Parameters(
            index = "0",
            paramLabel = "URL",
            description = "The http(s) URL to GET, e.g. http://127.0.0.1:19080/healthz.")
    URI url;

    @Option(
            names = "--timeout",
            defaultValue = "PT3S",
            paramLabel = "DURATION",
            description = "How long to wait for the connection and the answer, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (url.getScheme() == null || !url.getScheme().startsWith("http")) {
            err.println("probe: " + url + " is not an http(s) URL");
            return 2;
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                out.println("probe: " + url + " answered " + status);
                return 0;
            }
            String body = response.body();
            err.println("probe: " + url + " answered " + status + ": "
                    + (body.length() > BODY_CHARS ? body.substring(0, BODY_CHARS) + "..." : body));
            return 1;
        } catch (java.io.IOException e) {
            err.println("probe: cannot reach " + url + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("probe: interrupted");
            return 1;
        }
    }
}
