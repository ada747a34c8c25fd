package dev.rosetta.proxy.auth;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import dev.rosetta.config.PrincipalConfig;
import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.Attachments;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.TestExchange;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/** The SASL exchanges a connection may go through, message by message, as the broker answers them. */
class SaslPrincipalsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SaslPrincipals filter = new SaslPrincipals(PrincipalConfig.DEFAULTS, new ProxyMetrics(meters));
    private final TestExchange connection = new TestExchange();

    private final RequestExchange request = new RequestExchange() {
        private final Attachments attachments = new Attachments();

        @Override
        public ProxyConnection connection() {
            return connection;
        }

        @Override
        public Attachments attachments() {
            return attachments;
        }

        @Override
        public Attachments forResponse() {
            return attachments;
        }

        @Override
        public void releaseWhenDone(io.netty.util.ReferenceCounted buffer) {
            buffer.release();
        }
    };

    private void handshake(String mechanism, Errors answer) {
        filter.onRequest(
                ApiKeys.SASL_HANDSHAKE,
                (short) 1,
                new RequestHeaderData(),
                new SaslHandshakeRequestData().setMechanism(mechanism),
                request);
        filter.onResponse(
                ApiKeys.SASL_HANDSHAKE,
                (short) 1,
                new SaslHandshakeResponseData().setErrorCode(answer.code()),
                connection);
    }

    private void authenticate(String clientMessage, Errors answer, String serverMessage) {
        filter.onRequest(
                ApiKeys.SASL_AUTHENTICATE,
                (short) 2,
                new RequestHeaderData(),
                new SaslAuthenticateRequestData().setAuthBytes(clientMessage.getBytes(StandardCharsets.UTF_8)),
                request);
        filter.onResponse(
                ApiKeys.SASL_AUTHENTICATE,
                (short) 2,
                new SaslAuthenticateResponseData()
                        .setErrorCode(answer.code())
                        .setAuthBytes(serverMessage.getBytes(StandardCharsets.UTF_8)),
                connection);
    }

    @Test
    void scramBindsOnlyAfterTheServersFinalMessage() {
        handshake("SCRAM-SHA-512", Errors.NONE);
        authenticate("n,,n=bob,r=abc", Errors.NONE, "r=abcdef,s=salt,i=4096");
        assertThat(connection.principal())
                .as("after server-first: not yet authenticated")
                .isNull();
        authenticate("c=biws,r=abcdef,p=proof", Errors.NONE, "v=signature");
        assertThat(connection.principal()).isEqualTo("User:bob");
    }

    @Test
    void aFailedExchangeBindsNothing() {
        handshake("SCRAM-SHA-256", Errors.NONE);
        authenticate("n,,n=mallory,r=abc", Errors.NONE, "r=abcdef,s=salt,i=4096");
        authenticate("c=biws,r=abcdef,p=wrong", Errors.SASL_AUTHENTICATION_FAILED, "");
        assertThat(connection.principal()).isNull();
        assertThat(meters.find("rosetta.proxy.authentications")
                        .tags("outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void reauthenticationBindsTheNewExchangesNameAndAFailedOneKeepsTheOld() {
        handshake("PLAIN", Errors.NONE);
        authenticate("\u0000bob\u0000pw", Errors.NONE, "");
        assertThat(connection.principal()).isEqualTo("User:bob");

        handshake("PLAIN", Errors.NONE); // KIP-368: the same connection authenticates again
        authenticate("\u0000bob\u0000pw", Errors.NONE, "");
        assertThat(connection.principal()).isEqualTo("User:bob");

        handshake("PLAIN", Errors.NONE);
        authenticate("\u0000bob\u0000wrong", Errors.SASL_AUTHENTICATION_FAILED, "");
        assertThat(connection.principal())
                .as("a failed re-authentication changes nothing here; the broker closes the connection")
                .isEqualTo("User:bob");
    }

    @Test
    void anOauthBearerErrorChallengeIsNotASuccess() {
        handshake("OAUTHBEARER", Errors.NONE);
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"sub\":\"dave\"}".getBytes(StandardCharsets.UTF_8));
        authenticate(
                "n,,\u0001auth=Bearer eyJhbGciOiJub25lIn0." + payload + ".\u0001\u0001",
                Errors.NONE,
                "{\"status\":\"invalid_token\"}");
        assertThat(connection.principal()).isNull();

        handshake("OAUTHBEARER", Errors.NONE);
        authenticate("n,,\u0001auth=Bearer eyJhbGciOiJub25lIn0." + payload + ".\u0001\u0001", Errors.NONE, "");
        assertThat(connection.principal()).isEqualTo("User:dave");
    }

    @Test
    void gssapiGivesNoPrincipalAndIsCountedOnce() {
        handshake("GSSAPI", Errors.NONE);
        authenticate("kerberos-token", Errors.NONE, "");
        authenticate("kerberos-token-2", Errors.NONE, "");
        assertThat(connection.principal()).isNull();
        assertThat(meters.find("rosetta.proxy.authentications")
                        .tags("mechanism", "GSSAPI", "outcome", "no_principal")
                        .counter()
                        .count())
                .isEqualTo(1);
    }
}
