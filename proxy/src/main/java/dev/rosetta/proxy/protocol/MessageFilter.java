package dev.rosetta.proxy.protocol;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * What request and response filters have in common: which messages they want to see. The proxy
 * asks once per (api key, version) and caches the answer, so a message no filter wants costs one
 * array look-up.
 */
public interface MessageFilter {

    /** Cheap, pure predicate: does this filter want messages of {@code apiKey} at {@code apiVersion}? */
    boolean appliesTo(ApiKeys apiKey, short apiVersion);
}
