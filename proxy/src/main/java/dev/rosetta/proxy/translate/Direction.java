package dev.rosetta.proxy.translate;

/** Which way records go through the proxy: to a consumer (Fetch) or to the broker (Produce). */
enum Direction {
    CONSUME("consume"), PRODUCE("produce");

    private final String tag;

    Direction(String tag) {
        this.tag = tag;
    }

    /** The value of the {@code direction} tag on metrics. */
    String tag() {
        return tag;
    }
}
