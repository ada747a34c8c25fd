package dev.rosetta.proxy.embedded;

/**
 * A Confluent-API error answer of the {@link EmbeddedRegistry}: HTTP status plus the body
 * {@code {"error_code":...,"message":...}}, with the codes Confluent's registry uses so that
 * every Confluent client reacts to them as it would to the real thing.
 */
final class RegistryError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final int SUBJECT_NOT_FOUND = 40401;
    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;
    static final int INCOMPATIBLE = 409;
    static final int INVALID_SCHEMA = 42201;
    static final int INVALID_VERSION = 42202;
    static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int status;
    private final int errorCode;

    RegistryError(int status, int errorCode, String message) {
        super(message, null, false, false); // an answer, not a fault: no stack trace
        this.status = status;
        this.errorCode = errorCode;
    }

    int status() {
        return status;
    }

    int errorCode() {
        return errorCode;
    }
}
