package dev.rosetta.proxy.net;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.protocol.ApiKeys;

import dev.rosetta.proxy.protocol.ResponseFilter;

/**
 * The response filters that apply to each (api key, version), computed once so that deciding
 * whether a response must be decoded is an array look-up.
 */
final class ResponseFilters {
    static final ResponseFilter[] NONE = new ResponseFilter[0];

    private final ResponseFilter[][][] byKeyAndVersion;

    ResponseFilters(List<ResponseFilter> filters) {
        int maxKey = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxKey = Math.max(maxKey, key.id);
        }
        byKeyAndVersion = new ResponseFilter[maxKey + 1][][];
        for (ApiKeys key : ApiKeys.values()) {
            ResponseFilter[][] versions = new ResponseFilter[key.latestVersion(true) + 1][];
            for (short v = 0; v < versions.length; v++) {
                List<ResponseFilter> applicable = new ArrayList<>();
                for (ResponseFilter filter : filters) {
                    if (filter.appliesTo(key, v)) {
                        applicable.add(filter);
                    }
                }
                versions[v] = applicable.isEmpty() ? NONE : applicable.toArray(NONE);
            }
            byKeyAndVersion[key.id] = versions;
        }
    }

    ResponseFilter[] forResponse(ApiKeys key, short version) {
        ResponseFilter[][] versions = byKeyAndVersion[key.id];
        return version >= 0 && version < versions.length ? versions[version] : NONE;
    }
}
