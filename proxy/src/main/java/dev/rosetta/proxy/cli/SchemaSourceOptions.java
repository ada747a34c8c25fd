package dev.rosetta.proxy.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.rosetta.translators.TranslatorCache;
import dev.rosetta.translators.chain.StepCatalog;
import dev.rosetta.translators.chain.TranslatorChain;
import dev.rosetta.translators.registry.CachingSchemaRegistry;
import dev.rosetta.translators.registry.RegistryClient;
import dev.rosetta.translators.registry.RegistryClientConfig;
import dev.rosetta.translators.registry.SchemaRegistry;
import dev.rosetta.translators.registry.StaticSchemaRegistry;

/**
 * Options shared by {@code rosetta check} and {@code rosetta verify}: where schemas come from
 * (a registry or local files), which subject and versions, which translator directory, which
 * output format. Loads everything the library calls need.
 */
final class SchemaSourceOptions {
    /** Output formats. */
    enum Format {
        text,
        json
    }

    static final class Source {
        @Option(
                names = "--registry",
                paramLabel = "URL",
                description = "Confluent-API schema registry base URL, path prefix included "
                        + "(e.g. http://localhost:8081 or http://apicurio:8080/apis/ccompat/v7).")
        @Nullable
        String registry;

        @Option(
                names = "--schemas",
                paramLabel = "DIR",
                description = "Local schema files instead of a registry: DIR/<subject>/v<N>.avsc is version N of "
                        + "<subject>; an optional v<N>.ruleset.json holds a Data Contract ruleSet "
                        + "(migrationRules).")
        @Nullable
        Path schemas;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--registry-user", paramLabel = "USER", description = "User for HTTP basic auth.")
    @Nullable
    String user;

    @Option(
            names = "--registry-password",
            paramLabel = "PASSWORD",
            defaultValue = "${env:ROSETTA_REGISTRY_PASSWORD}",
            description = "Password for HTTP basic auth (default: $ROSETTA_REGISTRY_PASSWORD).")
    @Nullable
    String password;

    @Option(
            names = "--registry-token",
            paramLabel = "TOKEN",
            defaultValue = "${env:ROSETTA_REGISTRY_TOKEN}",
            description = "Bearer token (default: $ROSETTA_REGISTRY_TOKEN).")
    @Nullable
    String token;

    @Option(
            names = "--registry-timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Timeout of each registry request, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = {"-s", "--subject"},
            required = true,
            paramLabel = "SUBJECT",
            description = "The subject, e.g. orders-value.")
    String subject;

    @Option(
            names = {"-v", "--versions"},
            split = ",",
            paramLabel = "N",
            description = "Versions to look at, e.g. 1,2,3 (default: every version of the subject).")
    @Nullable
    List<Integer> versions;

    @Option(
            names = {"-t", "--translators"},
            paramLabel = "DIR",
            description = "Translator directory with YAML step files: DIR/<subject>/<a>-<b>.yaml. Custom Java "
                    + "translators on the class path are found with ServiceLoader either way.")
    @Nullable
    Path translators;

    @Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "text|json",
            description = "Output format: text for people, json for tools (default: ${DEFAULT-VALUE}).")
    Format format;

    /** The command these options are mixed into, whose name and error stream a failed load reports on. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Everything loaded for one run. */
    record Loaded(
            String subject,
            List<Integer> versions,
            Map<Integer, TranslatorChain.Version> schemas,
            StepCatalog catalog) {}

    /**
     * {@link #load}, or null once the reason it failed is printed on the command's error stream as
     * {@code rosetta <command>: <message>}; the command then exits with 2.
     */
    @Nullable
    Loaded loadOrReport() {
        try {
            return load();
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            mixee.commandLine().getErr().println("rosetta " + mixee.name() + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * Loads the catalog and the schemas.
     *
     * @throws IllegalArgumentException with a message for the user (bad directory, unknown version,
     *                                  unreachable registry)
     */
    private Loaded load() {
        StepCatalog.Builder cb =
                StepCatalog.builder().serviceLoader(Thread.currentThread().getContextClassLoader());
        if (translators != null) {
            cb.directory(translators);
        }
        StepCatalog catalog = cb.build();
        SchemaRegistry registry;
        Path schemaDir = source.schemas;
        if (schemaDir != null) {
            registry = StaticSchemaRegistry.loadDirectory(schemaDir);
        } else {
            // the options are exclusive and one is required: without --schemas there is --registry
            RegistryClientConfig.Builder rb = RegistryClientConfig.builder(
                            Objects.requireNonNull(source.registry, "--registry"))
                    .requestTimeout(Duration.ofSeconds(timeoutSeconds))
                    .retries(2, Duration.ofMillis(200), Duration.ofSeconds(2));
            if (token != null && !token.isEmpty()) {
                rb.bearerToken(token);
            } else if (user != null) {
                rb.basicAuth(user, password);
            }
            registry = new CachingSchemaRegistry(new RegistryClient(rb.build()));
        }
        TranslatorCache cache =
                TranslatorCache.builder(registry).catalog(catalog).build();
        long wait = timeoutSeconds * 4L;
        List<Integer> all = await(registry.versions(subject), wait, "versions of subject " + subject);
        List<Integer> chosen = new ArrayList<>(versions == null || versions.isEmpty() ? all : versions);
        chosen.sort(null);
        Map<Integer, TranslatorChain.Version> schemas = new TreeMap<>();
        for (int v : chosen) {
            if (!all.contains(v)) {
                throw new IllegalArgumentException(
                        "subject " + subject + " has no version " + v + " (it has " + all + ")");
            }
            schemas.put(v, await(cache.version(subject, v), wait, "version " + v + " of subject " + subject));
        }
        return new Loaded(subject, List.copyOf(chosen), schemas, catalog);
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, long seconds, String what) {
        try {
            return f.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("cannot load " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalArgumentException("cannot load " + what + ": no answer within " + seconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while loading " + what);
        }
    }
}
