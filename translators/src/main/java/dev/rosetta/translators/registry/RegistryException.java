package dev.rosetta.translators.registry;

import org.jspecify.annotations.Nullable;

/**
 * A registry request that failed: an HTTP error answer (with the registry's {@code error_code}
 * and {@code message} when the body carried them), a timeout, or an I/O failure.
 *
 * <p>Immutable, thread-safe.
 */
public class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: invalid schema. */
    public static final int INVALID_SCHEMA = 42201;

    private final String method;
    private final String url;
    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public RegistryException(
            String method,
            String url,
            int httpStatus,
            int errorCode,
            String registryMessage,
            @Nullable Throwable cause) {
        super(describe(method, url, httpStatus, errorCode, registryMessage), cause);
        this.method = method;
        this.url = url;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    private static String describe(String method, String url, int status, int code, String msg) {
        StringBuilder sb = new StringBuilder("registry ")
                .append(method)
                .append(' ')
                .append(url)
                .append(" failed: ");
        if (status > 0) {
            sb.append("HTTP ").append(status);
            if (code > 0) {
                sb.append(", error_code ").append(code);
            }
        } else {
            sb.append("no answer");
        }
        if (msg != null && !msg.isEmpty()) {
            sb.append(", ").append(msg);
        }
        return sb.toString();
    }

    /** HTTP method of the failed request. */
    public String method() {
        return method;
    }

    /** Full URL of the failed request. */
    public String url() {
        return url;
    }

    /** HTTP status, or 0 when no answer arrived (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40403), or the HTTP status if the body had none, or 0. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's {@code message}, or a transport error description. */
    public String registryMessage() {
        return registryMessage;
    }

    /** True for "does not exist" answers (HTTP 404): nothing to retry, nothing wrong with the registry. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }

    /** True when a retry may succeed: no answer, HTTP 5xx, or HTTP 429. */
    public boolean isRetryable() {
        return httpStatus == 0 || httpStatus >= 500 || httpStatus == 429;
    }
}
