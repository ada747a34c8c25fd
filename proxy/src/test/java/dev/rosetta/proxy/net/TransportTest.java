package dev.rosetta.proxy.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransportTest {

    @Test
    void onLinuxAFallbackToNioSaysWhyAndWhatToSet() {
        String why = Transport.whyNotEpoll(
                "Linux", new UnsatisfiedLinkError("/tmp/libnetty_transport_native_epoll.so: failed to map segment"));

        assertThat(why)
                .contains("native epoll transport is unavailable", "failed to map segment", "using NIO")
                .contains("-Dio.netty.native.workdir");
        assertThat(Transport.whyNotEpoll("Mac OS X", null))
                .as("no epoll to expect")
                .isNull();
    }
}
