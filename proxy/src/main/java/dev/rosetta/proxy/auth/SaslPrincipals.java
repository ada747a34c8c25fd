package dev.rosetta.proxy.auth;

import java.util.Locale;
import java.util.Set;

import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.rosetta.config.PrincipalConfig;
import dev.rosetta.proxy.metrics.ProxyMetrics;
import dev.rosetta.proxy.protocol.AttachmentKey;
import dev.rosetta.proxy.protocol.FilterResult;
import dev.rosetta.proxy.protocol.ProxyConnection;
import dev.rosetta.proxy.protocol.RequestExchange;
import dev.rosetta.proxy.protocol.RequestFilter;
import dev.rosetta.proxy.protocol.ResponseExchange;
import dev.rosetta.proxy.protocol.ResponseFilter;

/**
 * Learns who a connection is from the SASL exchange it passes through to the broker, without
 * terminating or changing it: the name from the client's first message (PLAIN's authentication id,
 * SCRAM's user, a claim of OAUTHBEARER's token), bound as {@code User:<name>} only once the broker
 * answers the exchange with success. A failed exchange binds nothing and the broker's answer reaches
 * the client unchanged; a re-authentication (KIP-368) binds its own name when it succeeds. GSSAPI and
 * unknown mechanisms give no principal (said once per connection at debug level, and counted).
 *
 * <p>Passwords, tokens and proofs are never kept, logged or counted: only the parsed name is.
 * Exchanges are rare (once per connection, plus re-authentications), so decoding them costs nothing
 * that matters.
 */
public final class SaslPrincipals implements RequestFilter, ResponseFilter {
    private static final Logger LOG = LoggerFactory.getLogger(SaslPrincipals.class);
    private static final AttachmentKey<Exchange> KEY = AttachmentKey.named("sasl exchange");
    /** Mechanisms named in metrics as they are; anything else is counted as "other" (bounded tags). */
    private static final Set<String> KNOWN_MECHANISMS =
            Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI");

    private final PrincipalConfig config;
    private final ProxyMetrics metrics;

    public SaslPrincipals(PrincipalConfig config, ProxyMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** One connection's SASL exchange in progress. Confined to the connection's event loop. */
    private static final class Exchange {
        String mechanism = "";
        int sent;
        int answered;

        @Nullable
        String name;

        boolean noPrincipalNoted;
    }

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.SASL_HANDSHAKE || apiKey == ApiKeys.SASL_AUTHENTICATE;
    }

    @Override
    public FilterResult onRequest(
            ApiKeys apiKey, short apiVersion, RequestHeaderData header, ApiMessage request, RequestExchange exchange) {
        Exchange state = exchange.connection().state().computeIfAbsent(KEY, Exchange::new);
        if (request instanceof SaslHandshakeRequestData handshake) {
            state.mechanism = handshake.mechanism().toUpperCase(Locale.ROOT);
            state.sent = 0;
            state.answered = 0;
            state.name = null;
        } else if (request instanceof SaslAuthenticateRequestData authenticate) {
            state.sent++;
            if (state.sent == 1) {
                state.name = nameIn(state.mechanism, authenticate.authBytes());
            }
        }
        return FilterResult.UNCHANGED;
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        ProxyConnection connection = exchange.connection();
        Exchange state = connection.state().computeIfAbsent(KEY, Exchange::new);
        if (response instanceof SaslHandshakeResponseData handshake) {
            if (handshake.errorCode() == 0 && apiVersion == 0) {
                // legacy exchange: bare tokens follow, no SaslAuthenticate
                connection.startUnframedSasl(new Unframed(connection, state));
            }
            if (handshake.errorCode() != 0) {
                state.mechanism = "";
            } else if (!readable(state.mechanism) && !state.noPrincipalNoted) {
                state.noPrincipalNoted = true;
                metrics.authentication(metricName(state.mechanism), "no_principal");
                LOG.debug(
                        "{} authenticates with SASL {}: Rosetta cannot read a principal from it, so routes'"
                                + " principal overrides do not apply to this connection",
                        connection.remoteAddress(),
                        state.mechanism);
            }
        } else if (response instanceof SaslAuthenticateResponseData authenticate) {
            state.answered++;
            if (!readable(state.mechanism)) {
                return FilterResult.UNCHANGED;
            }
            if (authenticate.errorCode() != 0) {
                state.name = null;
                metrics.authentication(metricName(state.mechanism), "failed");
                LOG.debug(
                        "{}: the broker refused SASL {} authentication (error code {}); no principal bound",
                        connection.remoteAddress(),
                        state.mechanism,
                        authenticate.errorCode());
                return FilterResult.UNCHANGED;
            }
            String name = state.name;
            if (name != null && completes(state, authenticate)) {
                state.name = null;
                connection.authenticated("User:" + name, state.mechanism);
                metrics.authentication(metricName(state.mechanism), "principal_learned");
            }
        }
        return FilterResult.UNCHANGED;
    }

    /**
     * The legacy exchange after SaslHandshake v0: the same messages as SaslAuthenticate carries, as bare
     * length-prefixed tokens. The broker has no way to say "failed" there but to close the connection, so its
     * answer is a success; PLAIN and OAUTHBEARER end with the first answer (an empty one, for OAUTHBEARER), SCRAM
     * with the second. GSSAPI and unknown mechanisms end when the client sends a Kafka request again.
     */
    private final class Unframed implements ProxyConnection.UnframedSasl {
        private final ProxyConnection connection;
        private final Exchange state;
        private boolean over;

        Unframed(ProxyConnection connection, Exchange state) {
            this.connection = connection;
            this.state = state;
        }

        @Override
        public boolean isClientToken(io.netty.buffer.ByteBuf frame) {
            if (readable(state.mechanism)) {
                return !over;
            }
            return !looksLikeRequest(frame);
        }

        @Override
        public void clientToken(io.netty.buffer.ByteBuf frame) {
            state.sent++;
            if (state.sent == 1 && readable(state.mechanism)) {
                byte[] token = new byte[frame.readableBytes() - 4];
                frame.getBytes(frame.readerIndex() + 4, token);
                state.name = nameIn(state.mechanism, token);
                java.util.Arrays.fill(token, (byte) 0); // the copy held a password: do not leave it lying around
            }
        }

        @Override
        public boolean brokerToken(io.netty.buffer.ByteBuf frame) {
            state.answered++;
            if (!readable(state.mechanism)) {
                return false;
            }
            boolean empty = frame.readableBytes() == 4;
            boolean complete = state.mechanism.startsWith("SCRAM-")
                    ? state.answered == 2
                    : state.answered == 1 && (empty || !state.mechanism.equals("OAUTHBEARER"));
            String name = state.name;
            if (complete && name != null) {
                state.name = null;
                connection.authenticated("User:" + name, state.mechanism);
                metrics.authentication(metricName(state.mechanism), "principal_learned");
            }
            over = complete;
            return complete;
        }
    }

    /** A frame whose header reads as a Kafka request this version of Kafka knows (a GSSAPI token never does). */
    private static boolean looksLikeRequest(io.netty.buffer.ByteBuf frame) {
        if (frame.readableBytes() < 4 + 8) {
            return false;
        }
        int at = frame.readerIndex() + 4;
        short apiKey = frame.getShort(at);
        short version = frame.getShort(at + 2);
        return ApiKeys.hasId(apiKey)
                && version >= ApiKeys.forId(apiKey).oldestVersion()
                && version <= ApiKeys.forId(apiKey).latestVersion();
    }

    /** Whether this successful answer ends the exchange, so the broker has accepted the client. */
    private static boolean completes(Exchange state, SaslAuthenticateResponseData response) {
        if (state.mechanism.startsWith("SCRAM-")) {
            return state.answered == 2; // server-first, then server-final
        }
        if (state.mechanism.equals("OAUTHBEARER")) {
            // an empty answer is success; a JSON error challenge precedes a refusal
            return state.answered == 1 && response.authBytes().length == 0;
        }
        return state.answered == 1; // PLAIN
    }

    private @Nullable String nameIn(String mechanism, byte[] message) {
        if (mechanism.equals("PLAIN")) {
            return SaslNames.plain(message);
        }
        if (mechanism.startsWith("SCRAM-")) {
            return SaslNames.scramClientFirst(message);
        }
        if (mechanism.equals("OAUTHBEARER")) {
            return SaslNames.oauthBearer(message, config.oauthbearerClaim());
        }
        return null;
    }

    private static boolean readable(String mechanism) {
        return mechanism.equals("PLAIN") || mechanism.equals("OAUTHBEARER") || mechanism.startsWith("SCRAM-");
    }

    private static String metricName(String mechanism) {
        return KNOWN_MECHANISMS.contains(mechanism) ? mechanism : "other";
    }
}
