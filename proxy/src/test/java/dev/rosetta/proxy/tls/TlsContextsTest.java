package dev.rosetta.proxy.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.rosetta.config.ClientTlsConfig;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry's HTTPS client trusts exactly what {@code registry.tls} says, as the proxy's legs do. */
class TlsContextsTest {

    @TempDir
    static Path dir;

    static HttpsServer registry;
    static Path caPem;
    static X509Bundle ca;

    @BeforeAll
    static void start() throws Exception {
        ca = new CertificateBuilder()
                .subject("CN=Rosetta Registry Test CA")
                .setIsCertificateAuthority(true)
                .buildSelfSigned();
        X509Bundle server = new CertificateBuilder()
                .subject("CN=localhost")
                .addSanDnsName("localhost")
                .addSanIpAddress("127.0.0.1")
                .buildIssuedBy(ca);
        caPem = Files.writeString(dir.resolve("registry-ca.pem"), ca.getCertificatePEM());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(server.toKeyManagerFactory().getKeyManagers(), null, null);
        registry = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        registry.createContext("/subjects", exchange -> {
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
    }

    @AfterAll
    static void stop() {
        registry.stop(0);
    }

    private static HttpResponse<String> get(SSLContext context) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(context).build();
        URI uri = URI.create("https://127.0.0.1:" + registry.getAddress().getPort() + "/subjects");
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRegistryCertificateIssuedByTheConfiguredCaIsTrusted() throws Exception {
        SSLContext context = TlsContexts.forRegistry(new ClientTlsConfig(caPem, false, null, null, null));

        assertThat(get(context).body()).isEqualTo("[]");
    }

    @Test
    void theJdkDefaultTrustRejectsARegistryCertificateFromAnUnknownCa() {
        SSLContext context = TlsContexts.forRegistry(ClientTlsConfig.defaultTrust());

        assertThatThrownBy(() -> get(context)).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void insecureTrustAllAcceptsAnyRegistryCertificate() throws Exception {
        SSLContext context = TlsContexts.forRegistry(new ClientTlsConfig(null, true, null, null, null));

        assertThat(get(context).body()).isEqualTo("[]");
    }

    @Test
    void aRegistryThatRequiresClientCertificatesAcceptsRosettasAndRefusesNone() throws Exception {
        X509Bundle client = new CertificateBuilder()
                .subject("CN=rosetta-sidecar")
                .setKeyUsage(true, io.netty.pkitesting.CertificateBuilder.KeyUsage.digitalSignature)
                .addExtendedKeyUsageClientAuth()
                .buildIssuedBy(ca);
        Path chain = Files.writeString(dir.resolve("client-chain.pem"), client.getCertificatePathPEM());
        Path key = Files.writeString(dir.resolve("client-key.pem"), client.getPrivateKeyPEM());
        X509Bundle server = new CertificateBuilder()
                .subject("CN=localhost")
                .addSanIpAddress("127.0.0.1")
                .buildIssuedBy(ca);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(
                server.toKeyManagerFactory().getKeyManagers(),
                ca.toTrustManagerFactory().getTrustManagers(),
                null);
        HttpsServer mtls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        mtls.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters params) {
                javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        mtls.createContext("/subjects", exchange -> {
            byte[] body = "[\"mtls\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        mtls.start();
        try {
            URI uri = URI.create("https://127.0.0.1:" + mtls.getAddress().getPort() + "/subjects");
            SSLContext withCertificate = TlsContexts.forRegistry(new ClientTlsConfig(caPem, false, chain, key, null));
            assertThat(HttpClient.newBuilder()
                            .sslContext(withCertificate)
                            .build()
                            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                            .body())
                    .isEqualTo("[\"mtls\"]");

            SSLContext without = TlsContexts.forRegistry(new ClientTlsConfig(caPem, false, null, null, null));
            assertThatThrownBy(() -> HttpClient.newBuilder()
                            .sslContext(without)
                            .build()
                            .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("the registry refuses a client without a certificate")
                    .isInstanceOf(IOException.class);
        } finally {
            mtls.stop(0);
        }
    }

    @Test
    void anUnreadableTrustFileNamesTheSettingAndTheFile() {
        Path missing = dir.resolve("missing-ca.pem");

        assertThatThrownBy(() -> TlsContexts.forRegistry(new ClientTlsConfig(missing, false, null, null, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registry.tls")
                .hasMessageContaining("missing-ca.pem");
    }
}
