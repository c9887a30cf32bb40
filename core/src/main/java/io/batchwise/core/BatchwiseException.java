package io.batchwise.core;

import java.util.Optional;

import io.batchwise.core.spi.Arguments;

/**
 * The one exception type of Batchwise: a walk failed for a reason the library can explain.
 * The message names the cause and the way out for a person; {@link #reason()} says the same for
 * code, {@link #getCause()} keeps the driver's or the ORM's own exception, {@link #rowsRead()}
 * how far the walk had come and {@link #resumeToken()} where a keyset walk can pick up again.
 *
 * <p>Bad arguments are refused with {@link IllegalArgumentException} and lifecycle misuse with
 * {@link IllegalStateException} before any SQL runs; JDBC and ORM exceptions that Batchwise
 * cannot explain better pass through unwrapped.
 *
 * <p>Retrying without parsing messages:
 * <pre>{@code
 * String token = savedToken;
 * while (true) {
 *     try {
 *         pager.forEachPage(token, work);
 *         break;
 *     } catch (BatchwiseException e) {
 *         if (!e.reason().isTransient() || e.resumeToken().isEmpty()) {
 *             throw e;
 *         }
 *         token = e.resumeToken().get();   // the pages before it are committed
 *     }
 * }
 * }</pre>
 */
public class BatchwiseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Why a walk failed, for code that decides whether to retry. Recognised from SQLStates, vendor
     * error codes and exception types in the cause chain, never from message text.
     */
    public enum Reason {
        /**
         * The connection is gone: killed (KILL CONNECTION), closed by the server after
         * {@code wait_timeout}, or cut by the network or a proxy. A new connection can carry on.
         */
        CONNECTION_LOST(true),
        /** The server was shutting down or restarting; the connection is gone. Retry once it is back. */
        SERVER_SHUTDOWN(true),
        /**
         * The server closed a streaming walk's connection because the code taking the rows paused
         * longer than {@code net_write_timeout}. Retrying with the same pauses fails the same way:
         * raise {@code netWriteTimeout} for the walk, or walk with a keyset pager.
         */
        NET_WRITE_TIMEOUT(false),
        /** The query was stopped ({@code KILL QUERY}, a JDBC query timeout, {@code Statement.cancel()}). */
        QUERY_KILLED(true),
        /**
         * The server's statement time limit ran out (MariaDB {@code max_statement_time}, MySQL
         * {@code max_execution_time}); the same statement would run into it again.
         */
        QUERY_TIMEOUT(false),
        /** A lock was not granted within {@code innodb_lock_wait_timeout}; the transaction may retry. */
        LOCK_WAIT_TIMEOUT(true),
        /** InnoDB chose the transaction as a deadlock victim and rolled it back; it may retry. */
        DEADLOCK(true),
        /** No connection could be had: the pool had none free in time, or the server did not answer. */
        NO_CONNECTION(true),
        /** The driver ran out of heap reading a whole result into memory: the fetch must change. */
        OUT_OF_HEAP(false),
        /**
         * A statement needed the connection a streaming result holds (a lazy load, a flush, another
         * query), or a walk was refused up front because it would have: the code or the fetch must
         * change.
         */
        STREAM_BLOCKED(false),
        /** A value did not fit or could not be read (SQLState class 22, a mapper failure, a key that is not unique). */
        BAD_DATA(false),
        /**
         * {@code IndexCheck.STRICT} found no index that serves the key order: add the index the
         * message names, or order by indexed columns.
         */
        NO_INDEX(false),
        /** Anything else; see the message and the cause. */
        OTHER(false);

        private final boolean isTransient;

        Reason(boolean isTransient) {
            this.isTransient = isTransient;
        }

        /**
         * Whether running the same work again, from {@link BatchwiseException#resumeToken()} where the
         * failure has one, can succeed without a change to the code or the configuration.
         */
        public boolean isTransient() {
            return isTransient;
        }
    }

    private final Reason reason;
    private final long rowsRead;
    private final String resumeToken;

    /** A failure whose reason is {@link Reason#OTHER}, with no resume token. */
    public BatchwiseException(String message, long rowsRead, Throwable cause) {
        this(Reason.OTHER, message, rowsRead, null, cause);
    }

    /**
     * @param reason      why the walk failed; not null
     * @param message     what happened and the fix, for a person
     * @param rowsRead    rows handed to the caller (or committed) before the failure; -1 before the walk opened
     * @param resumeToken where a keyset walk can continue, or null
     * @param cause       the driver's or ORM's exception, or null
     */
    public BatchwiseException(Reason reason, String message, long rowsRead, String resumeToken, Throwable cause) {
        super(message, cause);
        this.reason = Arguments.notNull("reason", reason, "pass a BatchwiseException.Reason, Reason.OTHER if none fits");
        this.rowsRead = rowsRead;
        this.resumeToken = resumeToken;
    }

    /** Why the walk failed; {@link Reason#isTransient()} says whether a retry can succeed. */
    public Reason reason() {
        return reason;
    }

    /** Rows the walk had handed to the caller when it failed; -1 when it failed before opening. */
    public long rowsRead() {
        return rowsRead;
    }

    /**
     * The token to resume from after this failure: for a keyset walk, the position after the last
     * row handed to the caller (pass it to {@code walk(token)}); for {@code forEachPage}, the
     * position after the last committed page (pass it to {@code forEachPage(token, work)}). Empty
     * when the failed run had not got past the point it started from (resume with the token it was
     * started with, or from the start), and for streaming walks, which cannot resume: re-run them.
     */
    public Optional<String> resumeToken() {
        return Optional.ofNullable(resumeToken);
    }
}
