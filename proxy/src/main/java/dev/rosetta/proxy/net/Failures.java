package dev.rosetta.proxy.net;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/** How the proxy names failures and addresses in its log lines. */
public final class Failures {
    private Failures() {}

    /** The innermost cause's message (or its type when it has none): what a reader of the log can act on. */
    public static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    /** Whether {@code cause} comes from TLS (a handshake, a certificate), anywhere in its chain. */
    static boolean isTls(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** {@code host:port}, without the {@code /<unresolved>} of an unresolved address. */
    static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
