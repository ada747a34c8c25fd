package dev.rosetta.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The user name in a client's first SASL message, read the way the broker reads it, without
 * verifying anything (the broker verifies; Rosetta only learns who succeeded). Secrets (passwords,
 * token signatures, proofs) are skipped over, never copied out. Each method returns null when the
 * message is not what the mechanism expects.
 */
public final class SaslNames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SaslNames() {}

    /**
     * PLAIN (RFC 4616): {@code [authzid] NUL authcid NUL passwd}. Kafka authenticates {@code authcid}
     * and accepts an authorization id only when it equals it, so the name is the authorization id
     * when given, else the authentication id.
     */
    public static @Nullable String plain(byte[] message) {
        int first = indexOf(message, (byte) 0, 0);
        int second = first < 0 ? -1 : indexOf(message, (byte) 0, first + 1);
        if (second < 0) {
            return null;
        }
        String authzid = new String(message, 0, first, StandardCharsets.UTF_8);
        String authcid = new String(message, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String name = authzid.isEmpty() ? authcid : authzid;
        return name.isEmpty() ? null : name;
    }

    /**
     * SCRAM (RFC 5802) client-first message: {@code gs2-header n=user,r=nonce[,extensions]}, where
     * the GS2 header is {@code n,,} / {@code y,,} / {@code p=cb,} optionally with {@code a=authzid}.
     * The name is {@code user} with {@code =2C} and {@code =3D} unescaped (Kafka's SCRAM
     * user names are escaped that way).
     */
    public static @Nullable String scramClientFirst(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        int afterGs2 = gs2HeaderEnd(text);
        if (afterGs2 < 0 || !text.startsWith("n=", afterGs2)) {
            return null;
        }
        int end = text.indexOf(',', afterGs2);
        String user = text.substring(afterGs2 + 2, end < 0 ? text.length() : end);
        if (user.isEmpty()) {
            return null;
        }
        return user.replace("=2C", ",").replace("=3D", "=");
    }

    /**
     * OAUTHBEARER (RFC 7628) initial client response: {@code gs2-header ^A auth=Bearer <jwt> ^A ... ^A^A}.
     * The name is {@code claim} of the JWT's payload (Kafka's default {@code sub}); the signature is
     * not looked at.
     */
    public static @Nullable String oauthBearer(byte[] message, String claim) {
        String text = new String(message, StandardCharsets.UTF_8);
        int afterGs2 = gs2HeaderEnd(text);
        if (afterGs2 < 0) {
            return null;
        }
        for (String pair : text.substring(afterGs2).split("\u0001")) {
            if (!pair.regionMatches(true, 0, "auth=Bearer ", 0, "auth=Bearer ".length())) {
                continue;
            }
            String[] jwt = pair.substring("auth=Bearer ".length()).trim().split("\\.");
            if (jwt.length < 2) {
                return null;
            }
            try {
                JsonNode payload = JSON.readTree(Base64.getUrlDecoder().decode(padded(jwt[1])));
                JsonNode value = payload.path(claim);
                return value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
            } catch (IllegalArgumentException | java.io.IOException e) {
                return null; // not a JWT: the broker will refuse it
            }
        }
        return null;
    }

    /** Where the message after the GS2 header starts: after {@code cbind-flag,[a=authzid],}, or -1. */
    private static int gs2HeaderEnd(String text) {
        int flagEnd = text.indexOf(',');
        if (flagEnd < 0) {
            return -1;
        }
        String flag = text.substring(0, flagEnd);
        if (!flag.equals("n") && !flag.equals("y") && !flag.startsWith("p=")) {
            return -1;
        }
        int authzEnd = text.indexOf(',', flagEnd + 1);
        return authzEnd < 0 ? -1 : authzEnd + 1;
    }

    private static String padded(String base64url) {
        int pad = (4 - base64url.length() % 4) % 4;
        return base64url + "=".repeat(pad);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
