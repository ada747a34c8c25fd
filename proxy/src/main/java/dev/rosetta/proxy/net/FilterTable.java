package dev.rosetta.proxy.net;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;

import dev.rosetta.proxy.protocol.MessageFilter;

/**
 * The filters that apply to each (api key, version), computed once so that deciding whether a
 * message must be decoded is an array look-up. One table for requests, one for responses.
 *
 * @param <F> {@code RequestFilter} or {@code ResponseFilter}
 */
final class FilterTable<F extends MessageFilter> {
    private final F[] none;
    private final F[][][] byKeyAndVersion;

    /** @param newArray makes an {@code F[]} of a size (e.g. {@code ResponseFilter[]::new}) */
    @SuppressWarnings("unchecked") // arrays of F[] made through newArray
    FilterTable(List<? extends F> filters, IntFunction<F[]> newArray) {
        none = newArray.apply(0);
        int maxKey = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxKey = Math.max(maxKey, key.id);
        }
        byKeyAndVersion = (F[][][]) new MessageFilter[maxKey + 1][][];
        for (ApiKeys key : ApiKeys.values()) {
            F[][] versions = (F[][]) new MessageFilter[key.latestVersion(true) + 1][];
            for (short v = 0; v < versions.length; v++) {
                List<F> applicable = new ArrayList<>();
                for (F filter : filters) {
                    if (filter.appliesTo(key, v)) {
                        applicable.add(filter);
                    }
                }
                versions[v] = applicable.isEmpty() ? none : applicable.toArray(none);
            }
            byKeyAndVersion[key.id] = versions;
        }
    }

    /** The filters for {@code key} at {@code version}, in registration order; empty for an unknown key or version. */
    F[] forMessage(@Nullable ApiKeys key, short version) {
        if (key == null) {
            return none;
        }
        F[][] versions = byKeyAndVersion[key.id];
        return version >= 0 && version < versions.length ? versions[version] : none;
    }
}
