package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import static org.assertj.core.api.Assertions.assertThat;

class ApiVersionsIntersectionTest {

    static final ResponseExchange NO_EXCHANGE = new TestExchange();

    @Test
    void unknownKeysAreDroppedAndVersionsNarrowedToWhatTheProxyCanEncode() {
        ApiVersionsResponseData broker = new ApiVersionsResponseData();
        broker.apiKeys()
                .add(new ApiVersion()
                        .setApiKey(ApiKeys.FETCH.id)
                        .setMinVersion((short) 0)
                        .setMaxVersion((short) 999));
        broker.apiKeys()
                .add(new ApiVersion()
                        .setApiKey(ApiKeys.METADATA.id)
                        .setMinVersion((short) 0)
                        .setMaxVersion((short) 1));
        broker.apiKeys()
                .add(new ApiVersion()
                        .setApiKey((short) 31000)
                        .setMinVersion((short) 0)
                        .setMaxVersion((short) 3));

        FilterResult result =
                new ApiVersionsIntersection().onResponse(ApiKeys.API_VERSIONS, (short) 3, broker, NO_EXCHANGE);

        assertThat(result).isEqualTo(FilterResult.CHANGED);
        assertThat(broker.apiKeys()).hasSize(2);
        ApiVersion fetch = broker.apiKeys().find(ApiKeys.FETCH.id);
        assertThat(fetch.minVersion()).isEqualTo(ApiKeys.FETCH.oldestVersion());
        assertThat(fetch.maxVersion()).isEqualTo(ApiKeys.FETCH.latestVersion());
        assertThat(broker.apiKeys().find(ApiKeys.METADATA.id).maxVersion()).isEqualTo((short) 1);
        assertThat(broker.apiKeys().find((short) 31000)).isNull();
    }

    @Test
    void aResponseWithinTheProxysRangeIsLeftUntouched() {
        ApiVersionsResponseData broker = new ApiVersionsResponseData();
        broker.apiKeys()
                .add(new ApiVersion()
                        .setApiKey(ApiKeys.PRODUCE.id)
                        .setMinVersion(ApiKeys.PRODUCE.oldestVersion())
                        .setMaxVersion(ApiKeys.PRODUCE.latestVersion()));
        assertThat(new ApiVersionsIntersection().onResponse(ApiKeys.API_VERSIONS, (short) 3, broker, NO_EXCHANGE))
                .isEqualTo(FilterResult.UNCHANGED);
    }

    @Test
    void tooNewApiVersionsRequestGetsAV0UnsupportedVersionAnswer() {
        ByteBuf frame = ApiVersionsIntersection.unsupportedVersionResponse(ByteBufAllocator.DEFAULT, 5);
        try {
            assertThat(RequestHeaderView.responseCorrelationId(frame)).isEqualTo(5);
            ApiVersionsResponseData body =
                    (ApiVersionsResponseData) KafkaMessages.decodeResponse(frame, ApiKeys.API_VERSIONS, (short) 0);
            assertThat(body.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(body.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion())
                    .isEqualTo(ApiKeys.API_VERSIONS.latestVersion());
        } finally {
            frame.release();
        }
    }
}
