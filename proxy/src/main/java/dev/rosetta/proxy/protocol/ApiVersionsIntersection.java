package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Narrows the broker's ApiVersions answer to what this proxy's kafka-clients can also encode,
 * dropping API keys the proxy does not know, so a client never uses a version the proxy could
 * not decode when it has to.
 */
public final class ApiVersionsIntersection implements ResponseFilter {

    @Override
    public boolean appliesTo(ApiKeys apiKey, short apiVersion) {
        return apiKey == ApiKeys.API_VERSIONS;
    }

    @Override
    public FilterResult onResponse(ApiKeys apiKey, short apiVersion, ApiMessage response, ResponseExchange exchange) {
        ApiVersionsResponseData data = (ApiVersionsResponseData) response;
        ApiVersionCollection narrowed = new ApiVersionCollection(data.apiKeys().size());
        boolean changed = false;
        for (ApiVersion broker : data.apiKeys()) {
            if (!ApiKeys.hasId(broker.apiKey())) {
                changed = true;
                continue;
            }
            ApiKeys known = ApiKeys.forId(broker.apiKey());
            short min = (short) Math.max(broker.minVersion(), known.oldestVersion());
            short max = (short) Math.min(broker.maxVersion(), known.latestVersion());
            if (min > max) {
                changed = true;
                continue;
            }
            changed |= min != broker.minVersion() || max != broker.maxVersion();
            narrowed.add(new ApiVersion()
                    .setApiKey(broker.apiKey())
                    .setMinVersion(min)
                    .setMaxVersion(max));
        }
        if (changed) {
            data.setApiKeys(narrowed);
        }
        return FilterResult.changedIf(changed);
    }

    /**
     * The answer to an ApiVersions request at a version newer than this proxy knows: like a broker,
     * reply at v0 with UNSUPPORTED_VERSION and the range the proxy supports, so the client retries lower.
     */
    public static ByteBuf unsupportedVersionResponse(ByteBufAllocator alloc, int correlationId) {
        ApiVersionCollection keys = new ApiVersionCollection(1);
        keys.add(new ApiVersion()
                .setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(ApiKeys.API_VERSIONS.oldestVersion())
                .setMaxVersion(ApiKeys.API_VERSIONS.latestVersion()));
        ApiVersionsResponseData body = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(keys);
        return KafkaMessages.encodeResponse(alloc, correlationId, (short) 0, (short) 0, body);
    }
}
