package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;

/**
 * A request forwarded to the broker whose response has not yet arrived. Only the request carries
 * the api key and version, so the proxy needs this to interpret the response.
 *
 * @param apiKey      {@code null} when the client used an api key this proxy does not know; such a
 *                    response is forwarded untouched
 * @param clientId    the request header's client id, or null
 * @param forResponse what request filters left for the response filters; {@link Attachments#NONE} when none
 */
public record InFlightRequest(
        int correlationId,
        @Nullable ApiKeys apiKey,
        short apiVersion,
        @Nullable String clientId,
        Attachments forResponse) {}
