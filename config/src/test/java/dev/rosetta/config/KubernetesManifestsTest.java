package dev.rosetta.config;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kubernetes manifests of {@code docker/k8s}, checked without a cluster: they parse into the
 * Kubernetes model with no field the model does not know (a typo would be silently dropped by a
 * lenient reader), Rosetta runs as a native sidecar whose probes name its ports and paths its admin
 * API serves, as the Dockerfile's user, with a writable volume wherever it writes, and the
 * ConfigMap's configuration loads with Rosetta's own loader.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("..", "docker", "k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** What the admin API serves without a token: the probes' paths. */
    private static final List<String> PROBE_PATHS = List.of("/healthz", "/readyz");

    private static <T> T parse(String file, Class<T> type) throws Exception {
        T parsed = YAML.readValue(K8S.resolve(file).toFile(), type);
        List<String> unknown = new ArrayList<>();
        unknownFields(parsed, file, unknown);
        assertThat(unknown)
                .as("fields of %s the Kubernetes model does not know", file)
                .isEmpty();
        return parsed;
    }

    /** Collects the paths of every additionalProperties entry: fields the model did not bind. */
    private static void unknownFields(Object node, String path, List<String> found) throws Exception {
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), found);
            }
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(value, path + "." + getter.getName().substring(3), found);
        }
    }

    private static Deployment deployment() throws Exception {
        return parse("deployment.yaml", Deployment.class);
    }

    private static Container rosetta(PodSpec pod) {
        return pod.getInitContainers().stream()
                .filter(c -> c.getName().equals("rosetta"))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theKustomizationsNameFilesThatExist() throws Exception {
        for (Path kustomization :
                List.of(K8S.resolve("kustomization.yaml"), K8S.resolve("pre-1.29/kustomization.yaml"))) {
            JsonNode tree = YAML.readTree(kustomization.toFile());
            for (JsonNode resource : tree.path("resources")) {
                assertThat(kustomization.getParent().resolve(resource.asText()))
                        .as("%s", kustomization)
                        .isRegularFile();
            }
            for (JsonNode patch : tree.path("patches")) {
                assertThat(kustomization.getParent().resolve(patch.path("path").asText()))
                        .isRegularFile();
            }
        }
        JsonNode ops =
                YAML.readTree(K8S.resolve("pre-1.29/sidecar-as-container.yaml").toFile());
        assertThat(ops).extracting(op -> op.path("op").asText()).containsExactly("move", "remove", "remove");
        assertThat(ops.get(0).path("from").asText()).isEqualTo("/spec/template/spec/initContainers/0");
    }

    @Test
    void rosettaIsANativeSidecarWhoseProbesNameItsPortsAndPaths() throws Exception {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container rosetta = rosetta(pod);

        assertThat(rosetta.getRestartPolicy())
                .as("a native sidecar (Kubernetes 1.29+)")
                .isEqualTo("Always");
        List<String> ports =
                rosetta.getPorts().stream().map(ContainerPort::getName).toList();
        for (Probe probe :
                List.of(rosetta.getStartupProbe(), rosetta.getLivenessProbe(), rosetta.getReadinessProbe())) {
            assertThat(probe).isNotNull();
            assertThat(ports).contains(probe.getHttpGet().getPort().getStrVal());
            assertThat(PROBE_PATHS).contains(probe.getHttpGet().getPath());
        }
        assertThat(rosetta.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(rosetta.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        Container app = pod.getContainers().get(0);
        assertThat(app.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092"));
    }

    @Test
    void itRunsAsTheImagesUserLockedDownWithAWritableVolumeWhereItWrites() throws Exception {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container rosetta = rosetta(pod);
        Matcher user =
                Pattern.compile("(?m)^USER (\\d+)").matcher(Files.readString(Path.of("..", "docker", "Dockerfile")));
        assertThat(user.find()).isTrue();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(Long.parseLong(user.group(1)));
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(rosetta.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(rosetta.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(rosetta.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        List<String> writable = rosetta.getVolumeMounts().stream()
                .filter(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .filter(m -> volumes.get(m.getName()).getEmptyDir() != null)
                .map(VolumeMount::getMountPath)
                .toList();
        // what Rosetta writes: the audit log, and (the image's entrypoint) Netty's native library and java.io.tmpdir
        RosettaConfig config = configMapConfig();
        assertThat(config.audit().file()).isNotNull();
        assertThat(writable)
                .as("a writable volume holds the audit log %s", config.audit().file())
                .anyMatch(dir -> config.audit().file().startsWith(Path.of(dir)));
        assertThat(writable).contains("/var/lib/rosetta");
        assertThat(rosetta.getResources().getRequests()).containsKeys("cpu", "memory");
    }

    /** The ConfigMap's rosetta.yaml with the container's environment, loaded as Rosetta loads it. */
    private static RosettaConfig configMapConfig() throws Exception {
        ConfigMap map = parse("configmap.yaml", ConfigMap.class);
        Map<String, String> env = new HashMap<>();
        rosetta(deployment().getSpec().getTemplate().getSpec())
                .getEnv()
                .forEach(e -> env.put(e.getName(), e.getValue()));
        // the admin token is a file of the mounted Secret: stand in for it where this test can write
        Path secret = java.nio.file.Files.createTempDirectory("rosetta-admin-secret");
        env.put(
                "ROSETTA_ADMIN_TOKEN_FILE",
                java.nio.file.Files.writeString(secret.resolve("admin-token"), "t0ken\n")
                        .toString());
        return ConfigLoader.parse(
                map.getData().get("rosetta.yaml"), "configmap rosetta.yaml", Path.of("/etc/rosetta"), env::get);
    }

    @Test
    void theAdminTokenComesFromAMountedSecret() throws Exception {
        ConfigMap map = parse("configmap.yaml", ConfigMap.class);
        String yaml = map.getData().get("rosetta.yaml");
        java.util.regex.Matcher file = java.util.regex.Pattern.compile("bearerTokenFile: \\$\\{[A-Z_]+:-([^}]+)}")
                .matcher(yaml);
        assertThat(file.find())
                .as("the ConfigMap reads the admin token from a file")
                .isTrue();
        Path tokenFile = Path.of(file.group(1));
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        String mountedFrom = rosetta(pod).getVolumeMounts().stream()
                .filter(m -> tokenFile.startsWith(Path.of(m.getMountPath())))
                .map(m -> m.getName())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume is mounted at " + tokenFile.getParent()));
        assertThat(pod.getVolumes()).as("the token's volume is a Secret").anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(mountedFrom);
            assertThat(v.getSecret()).isNotNull();
        });
        assertThat(configMapConfig().admin().bearerToken()).isEqualTo("t0ken");
    }

    @Test
    void theConfigMapsConfigurationLoadsWithTheContainersEnvironment() throws Exception {
        RosettaConfig config = configMapConfig();

        assertThat(config.upstream().bootstrapServers()).containsExactly("kafka.kafka.svc:9092");
        assertThat(config.listener().advertisedHost()).isEqualTo("localhost");
        assertThat(config.listener().bootstrapPort()).isEqualTo(19092);
        assertThat(config.registry().enabled()).isTrue();
        assertThat(config.routes()).extracting(RouteConfig::topic).containsExactly("orders");
    }
}
