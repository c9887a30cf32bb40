package io.batchwise.core;

/**
 * The one exception type of Batchwise: a walk failed for a reason the library can explain.
 * The message names the cause and the way out; {@link #getCause()} keeps the driver's or the
 * ORM's own exception, and {@link #rowsRead()} how far the walk had come.
 *
 * <p>Bad arguments are refused with {@link IllegalArgumentException} and lifecycle misuse with
 * {@link IllegalStateException} before any SQL runs; JDBC and ORM exceptions that Batchwise
 * cannot explain better pass through unwrapped.
 */
public class BatchwiseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long rowsRead;

    public BatchwiseException(String message, long rowsRead, Throwable cause) {
        super(message, cause);
        this.rowsRead = rowsRead;
    }

    /** Rows the walk had handed to the caller when it failed; -1 when it failed before opening. */
    public long rowsRead() {
        return rowsRead;
    }
}
