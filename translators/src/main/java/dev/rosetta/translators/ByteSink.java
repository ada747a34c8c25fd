package dev.rosetta.translators;

/**
 * Where a translated record goes: receives the complete output in one call, and only on success.
 * Fits {@code OutputStream::write}, Netty's {@code ByteBuf::writeBytes} and similar.
 */
@FunctionalInterface
public interface ByteSink {
    /** Receives {@code len} bytes of {@code b} from {@code off}. The array is reused: copy what you keep. */
    void write(byte[] b, int off, int len);
}
