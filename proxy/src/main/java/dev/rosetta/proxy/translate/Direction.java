package dev.rosetta.proxy.translate;

/**
 * Which way records pass through the proxy. It decides the version records are rewritten to, the
 * failure policies that apply (REJECT refuses records only on produce) and the {@code direction}
 * tag of the translation meters.
 */
public enum Direction {
    /** Records of a fetch response, rewritten to the version the consuming client reads. */
    CONSUME("consume"),
    /** Records of a produce request, rewritten to the version the topic stores. */
    PRODUCE("produce");

    /** The {@code direction} tag value of the meters; dashboards and tests read it, so it never changes. */
    final String tag;

    Direction(String tag) {
        this.tag = tag;
    }
}
