package dev.rosetta.proxy.net;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.protocol.ApiKeys;

import dev.rosetta.proxy.protocol.RequestFilter;

/**
 * The request filters that apply to each (api key, version), computed once so that deciding
 * whether a request must be decoded is an array look-up.
 */
final class RequestFilters {
    static final RequestFilter[] NONE = new RequestFilter[0];

    private final RequestFilter[][][] byKeyAndVersion;

    RequestFilters(List<RequestFilter> filters) {
        int maxKey = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxKey = Math.max(maxKey, key.id);
        }
        byKeyAndVersion = new RequestFilter[maxKey + 1][][];
        for (ApiKeys key : ApiKeys.values()) {
            RequestFilter[][] versions = new RequestFilter[key.latestVersion(true) + 1][];
            for (short v = 0; v < versions.length; v++) {
                List<RequestFilter> applicable = new ArrayList<>();
                for (RequestFilter filter : filters) {
                    if (filter.appliesTo(key, v)) {
                        applicable.add(filter);
                    }
                }
                versions[v] = applicable.isEmpty() ? NONE : applicable.toArray(NONE);
            }
            byKeyAndVersion[key.id] = versions;
        }
    }

    RequestFilter[] forRequest(ApiKeys key, short version) {
        RequestFilter[][] versions = byKeyAndVersion[key.id];
        return version >= 0 && version < versions.length ? versions[version] : NONE;
    }
}
