package dev.rosetta.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SaslNamesTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainNamesTheAuthorizationIdWhenGivenElseTheAuthenticationId() {
        assertThat(SaslNames.plain(bytes("\u0000bob\u0000s3cret"))).isEqualTo("bob");
        assertThat(SaslNames.plain(bytes("bob\u0000bob\u0000s3cret"))).isEqualTo("bob");
        assertThat(SaslNames.plain(bytes("no separators"))).isNull();
        assertThat(SaslNames.plain(bytes("\u0000\u0000pw"))).isNull();
    }

    @Test
    void scramReadsTheUnescapedUserOfTheClientFirstMessage() {
        assertThat(SaslNames.scramClientFirst(bytes("n,,n=carol,r=fyko+d2lbbFgONRv9qkxdawL")))
                .isEqualTo("carol");
        assertThat(SaslNames.scramClientFirst(bytes("n,a=carol,n=carol,r=abc"))).isEqualTo("carol");
        assertThat(SaslNames.scramClientFirst(bytes("y,,n=a=2Cb=3Dc,r=abc,tokenauth=true")))
                .isEqualTo("a,b=c");
        assertThat(SaslNames.scramClientFirst(bytes("c=biws,r=abc,p=proof"))).isNull();
        assertThat(SaslNames.scramClientFirst(bytes("garbage"))).isNull();
    }

    @Test
    void oauthBearerReadsTheConfiguredClaimOfTheTokenWithoutVerifyingIt() {
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(bytes("{\"sub\":\"dave\",\"client_id\":\"app-7\",\"exp\":1}"));
        String jwt = "eyJhbGciOiJub25lIn0." + payload + ".";
        byte[] message = bytes("n,,\u0001auth=Bearer " + jwt + "\u0001\u0001");

        assertThat(SaslNames.oauthBearer(message, "sub")).isEqualTo("dave");
        assertThat(SaslNames.oauthBearer(message, "client_id")).isEqualTo("app-7");
        assertThat(SaslNames.oauthBearer(message, "missing")).isNull();
        assertThat(SaslNames.oauthBearer(bytes("n,,\u0001auth=Bearer not-a-jwt\u0001\u0001"), "sub"))
                .isNull();
        assertThat(SaslNames.oauthBearer(bytes("n,,\u0001\u0001"), "sub")).isNull();
    }
}
