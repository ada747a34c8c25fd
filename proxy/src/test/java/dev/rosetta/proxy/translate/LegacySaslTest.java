package dev.rosetta.proxy.translate;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.rosetta.config.ListenerConfig;

import io.kroxylicious.testing.kafka.api.KafkaCluster;
import io.kroxylicious.testing.kafka.common.SaslMechanism;
import io.kroxylicious.testing.kafka.common.SaslMechanism.Principal;
import io.kroxylicious.testing.kafka.junit5ext.KafkaClusterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy SASL exchange of old clients: SaslHandshake v0, then bare length-prefixed tokens with no Kafka
 * header, then Kafka requests again. Spoken byte by byte against a real broker through Rosetta, which must pass
 * the tokens (an empty one included) and learn the principal.
 */
@ExtendWith(KafkaClusterExtension.class)
class LegacySaslTest {

    @Test
    void unframedPlainTokensPassAndThePrincipalIsLearned(
            @SaslMechanism(
                            value = "PLAIN",
                            principals = {@Principal(user = "bob", password = "bob-secret")})
                    KafkaCluster cluster)
            throws Exception {
        try (TranslatingProxy fixture = new TranslatingProxy(
                        cluster.getBootstrapServers(),
                        RecordTranslation.Options.DEFAULTS,
                        Map.of(
                                "security.protocol",
                                "SASL_PLAINTEXT",
                                "sasl.mechanism",
                                "PLAIN",
                                "sasl.jaas.config",
                                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\""
                                        + " password=\"bob-secret\";"),
                        new ListenerConfig(
                                "127.0.0.1", 0, 0, "127.0.0.1", ListenerConfig.DEFAULT_MAX_FRAME_BYTES, null));
                Socket socket = new Socket("127.0.0.1", port(fixture.proxy.bootstrapServers()))) {
            socket.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());

            send(
                    out,
                    new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                            .build((short) 0)
                            .serializeWithHeader(
                                    new RequestHeader(ApiKeys.SASL_HANDSHAKE, (short) 0, "old-client", 1)));
            ByteBuffer handshake = receive(in);
            assertThat(handshake.getInt()).as("correlation id").isEqualTo(1);
            assertThat(new SaslHandshakeResponseData(new ByteBufferAccessor(handshake), (short) 0).errorCode())
                    .isZero();

            send(out, ByteBuffer.wrap("\u0000bob\u0000bob-secret".getBytes(StandardCharsets.UTF_8)));
            assertThat(receive(in).remaining())
                    .as("the broker's empty token: authenticated")
                    .isZero();

            send(
                    out,
                    new MetadataRequest.Builder(new MetadataRequestData().setTopics(List.of()))
                            .build((short) 12)
                            .serializeWithHeader(new RequestHeader(ApiKeys.METADATA, (short) 12, "old-client", 2)));
            ByteBuffer metadata = receive(in);
            assertThat(metadata.getInt()).as("correlation id").isEqualTo(2);
            metadata.get(); // response header v1: empty tagged fields
            MetadataResponseData answer = new MetadataResponseData(new ByteBufferAccessor(metadata), (short) 12);
            assertThat(answer.brokers())
                    .as("Kafka requests flow again after the exchange, through Rosetta's filters")
                    .allSatisfy(b -> assertThat(b.host()).isEqualTo("127.0.0.1"));

            assertThat(fixture.meters
                            .find("rosetta.proxy.authentications")
                            .tags("mechanism", "PLAIN", "outcome", "principal_learned")
                            .counter()
                            .count())
                    .isEqualTo(1);
            assertThat(fixture.meters
                            .find("rosetta.proxy.connections.active")
                            .tag("principal_known", "true")
                            .gauge()
                            .value())
                    .isEqualTo(1);
        }
    }

    private static int port(String bootstrap) {
        return Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
    }

    private static void send(DataOutputStream out, ByteBuffer payload) throws Exception {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static ByteBuffer receive(DataInputStream in) throws Exception {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return ByteBuffer.wrap(bytes);
    }
}
