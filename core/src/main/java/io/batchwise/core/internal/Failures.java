package io.batchwise.core.internal;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.Walk;

/**
 * The one place where a driver's failure becomes what the caller of a walk reads: recognises
 * failures from the SQLStates, vendor error codes and exception types in the cause chain (not from
 * message text, where the drivers allow it) and explains them with the cause and the fix.
 */
public final class Failures {
    /** A failure Batchwise recognises. */
    public enum Fault {
        /**
         * The server stopped the walk's query (KILL QUERY, a statement time limit, a JDBC query
         * timeout); the connection itself is still usable.
         */
        QUERY_INTERRUPTED,
        /**
         * The connection is gone: killed, closed by the server (restart, wait_timeout,
         * net_write_timeout), or cut by the network. Nothing more can be read from it.
         */
        CONNECTION_LOST,
        /** A statement ran on a connection that a MySQL Connector/J stream still held. */
        STREAM_BUSY,
        /** The driver ran out of heap buffering a whole result. */
        DRIVER_OUT_OF_MEMORY
    }

    /** What a walk knew when it failed, for the message. */
    public record Context(long rowsRead, int chunkSize, long slowestChunkMillis, FetchPlan plan,
            int netWriteTimeoutSeconds) {
    }

    // Server error codes (both servers unless noted) and client codes some drivers and proxies report.
    static final int ER_SERVER_SHUTDOWN = 1053;
    static final int ER_QUERY_INTERRUPTED = 1317;
    static final int ER_CONNECTION_KILLED = 1927; // MariaDB
    static final int ER_STATEMENT_TIMEOUT = 1969; // MariaDB max_statement_time
    static final int CR_SERVER_GONE_ERROR = 2006;
    static final int CR_SERVER_LOST = 2013;
    static final int ER_QUERY_TIMEOUT = 3024; // MySQL MAX_EXECUTION_TIME
    static final int ER_SESSION_WAS_KILLED = 3169; // MySQL
    static final int ER_CLIENT_INTERACTION_TIMEOUT = 4031; // MySQL 8.0.24+: wait_timeout

    private static final String KEYSET = "the keyset pager (JdbcKeysetPager, or EntityPager for entities), which holds"
            + " nothing open between pages and resumes from its last token";

    private Failures() {
    }

    /** The recognised fault behind {@code failure}, or null. */
    public static Fault classify(Throwable failure) {
        if (failure == null) {
            return null;
        }
        if (causedByBusyStream(failure)) {
            return Fault.STREAM_BUSY;
        }
        if (causedByDriverOutOfMemory(failure)) {
            return Fault.DRIVER_OUT_OF_MEMORY;
        }
        // before the interruption check: MariaDB reports 1927 "Connection was killed" with SQLState 70100
        if (serverReport(failure) != null) {
            return Fault.CONNECTION_LOST;
        }
        if (interruption(failure) != null) {
            return Fault.QUERY_INTERRUPTED;
        }
        if (connectionLoss(failure)) {
            return Fault.CONNECTION_LOST;
        }
        return null;
    }

    /** Whether the server may still be sending a result after a walk ended with {@code fault} (null: none, or unrecognised). */
    public static boolean streamMayStillRun(Fault fault) {
        return fault != Fault.CONNECTION_LOST && fault != Fault.QUERY_INTERRUPTED;
    }

    /**
     * A {@link RuntimeException} carrying a driver failure while the walk was doing {@code doing}
     * (e.g. "Reading row 12"); {@link #explainRead} explains it, or reports it with that description.
     */
    public static RuntimeException unchecked(String doing, SQLException failure) {
        return new SqlFailure(doing, failure);
    }

    /**
     * {@code failure} explained when it is one Batchwise recognises (a statement issued while a
     * Connector/J stream held the connection), else {@code failure} itself. For failures of the
     * caller's own code inside a walk.
     */
    public static RuntimeException explain(RuntimeException failure, Walk<?> walk) {
        if (failure instanceof BatchwiseException) {
            return failure;
        }
        if (causedByBusyStream(failure)) {
            return busyStream(failure, walk == null ? -1 : walk.rowsRead());
        }
        return failure;
    }

    /**
     * The exception the caller of a walk sees for {@code failure} while the walk opened or read
     * rows: recognised faults explained with their cause and fix, driver failures the walk wrapped
     * with {@link #unchecked} reported as a {@link BatchwiseException}, anything else unchanged.
     */
    public static RuntimeException explainRead(RuntimeException failure, Context context) {
        if (failure instanceof BatchwiseException) {
            return failure;
        }
        Throwable cause = failure instanceof SqlFailure wrapped ? wrapped.getCause() : failure;
        Fault fault = classify(failure);
        if (fault == null) {
            if (failure instanceof SqlFailure wrapped) {
                return new BatchwiseException(wrapped.doing + " failed: " + firstLine(cause.getMessage()),
                        context.rowsRead(), cause);
            }
            return failure;
        }
        return switch (fault) {
            case STREAM_BUSY -> busyStream(cause, context.rowsRead());
            case DRIVER_OUT_OF_MEMORY -> context.plan() == null ? failure : driverOutOfMemory(cause, context);
            case QUERY_INTERRUPTED -> queryInterrupted(cause, context);
            case CONNECTION_LOST -> connectionLost(cause, context);
        };
    }

    /**
     * {@code failure} explained when the driver ran out of heap buffering a result (it reports that
     * as an {@link SQLException} "Java heap space", not as {@link OutOfMemoryError}), else itself.
     */
    public static RuntimeException explainBuffering(RuntimeException failure, FetchPlan plan, long rowsRead) {
        if (failure instanceof BatchwiseException || !causedByDriverOutOfMemory(failure)) {
            return failure;
        }
        return driverOutOfMemory(failure, new Context(rowsRead, 0, 0, plan, 0));
    }

    /** Why a walk could not get a connection from its {@link javax.sql.DataSource}, and what to do. */
    public static BatchwiseException cannotBorrow(SQLException failure, String walk) {
        String why;
        if (unreachable(failure)) {
            why = " The server did not answer: check that it is running and reachable at the data source's URL.";
        } else if (hasCause(failure, SQLTransientConnectionException.class)) {
            why = " The pool had no free connection within its timeout. Every open walk holds one connection"
                    + " until it is closed: close the walks you are done with (try-with-resources, or close the"
                    + " Stream), run fewer at the same time, or give the pool more connections than the walks"
                    + " that run at once plus the rest of the application's work; a pool's leak detection (HikariCP:"
                    + " leakDetectionThreshold) names the code that holds a connection too long.";
        } else {
            why = "";
        }
        return new BatchwiseException("Could not get a connection for " + walk + " from the DataSource: "
                + firstLine(failure.getMessage()) + driverCodes(failure) + "." + why, -1, failure);
    }

    private static BatchwiseException busyStream(Throwable cause, long rowsRead) {
        return new BatchwiseException("A statement ran on the walk's connection while it was streaming rows"
                + " (MySQL Connector/J, fetchSize=Integer.MIN_VALUE): a lazy association or an EAGER association"
                + " not fetched by the query, a flush, or another query on the same session. Streaming blocks"
                + " the connection until the walk is closed. Fix: fetch what the loop needs in the query (join"
                + " fetch, or make the association LAZY and leave it untouched), or add useCursorFetch=true to"
                + " the JDBC URL and open the walk with ConnectionUse.SHARED, or use the keyset pager.",
                rowsRead, cause);
    }

    private static BatchwiseException driverOutOfMemory(Throwable cause, Context context) {
        return new BatchwiseException("The JDBC driver ran out of heap reading the result into memory: the fetch was "
                + context.plan().describe() + ", which buffers every row before the first one is returned. Fix: leave"
                + " fetchSize unset so Batchwise streams (MySQL Connector/J: fetchSize=Integer.MIN_VALUE, or"
                + " useCursorFetch=true with a positive fetchSize; MariaDB Connector/J: a positive fetchSize).",
                context.rowsRead(), cause);
    }

    private static BatchwiseException queryInterrupted(Throwable cause, Context context) {
        SQLException interruption = interruption(cause);
        int code = interruption.getErrorCode();
        boolean timeLimit = code == ER_STATEMENT_TIMEOUT || code == ER_QUERY_TIMEOUT;
        String why = switch (code) {
            case ER_STATEMENT_TIMEOUT -> "MariaDB's statement time limit (max_statement_time) ran out";
            case ER_QUERY_TIMEOUT -> "MySQL's statement time limit (MAX_EXECUTION_TIME / max_execution_time) ran out";
            case ER_QUERY_INTERRUPTED -> "someone ran KILL QUERY on the walk's connection, or a JDBC query"
                    + " timeout or Statement.cancel() stopped it";
            default -> "a query timeout or a cancel stopped it";
        };
        return new BatchwiseException("The server interrupted the walk's query " + progress(context) + " ("
                + serverError(interruption) + "): " + why + ". The connection is still usable; the walk's result"
                + " set and statement are closed. A streaming walk cannot resume where it stopped. Fix: re-run the"
                + " walk from the start, or walk with " + KEYSET
                + (timeLimit ? ", or raise the time limit for the walk's session" : "") + ".",
                context.rowsRead(), cause);
    }

    private static BatchwiseException connectionLost(Throwable cause, Context context) {
        SQLException server = serverReport(cause);
        int code = server == null ? 0 : server.getErrorCode();
        FetchPlan plan = context.plan();
        boolean streaming = plan != null && plan.mode() == FetchPlan.Mode.STREAM;
        boolean cursor = plan != null && plan.mode() == FetchPlan.Mode.CURSOR;
        // A pause of the caller shorter than the whole slowest chunk cannot have outlasted net_write_timeout (>= 1 s).
        boolean slowLoop = streaming && context.slowestChunkMillis() >= 1_000;
        int timeout = context.netWriteTimeoutSeconds();
        boolean likely = slowLoop && timeout > 0 && context.slowestChunkMillis() >= timeout * 1_000L;
        String evidence = "the slowest chunk of this walk (" + context.chunkSize() + " rows) took "
                + seconds(context.slowestChunkMillis()) + " s" + (timeout > 0 ? " and its net_write_timeout was " + timeout + " s" : "");
        StringBuilder message = new StringBuilder("The walk lost its connection to the server ")
                .append(progress(context)).append(" (").append(driverReport(cause)).append("). ");
        switch (code) {
            case ER_CONNECTION_KILLED, ER_SESSION_WAS_KILLED ->
                    message.append("The server reports that the connection was killed (KILL CONNECTION). ");
            case ER_SERVER_SHUTDOWN -> message.append("The server is shutting down. ");
            case ER_CLIENT_INTERACTION_TIMEOUT ->
                    message.append("The server closed the connection after it sat idle longer than wait_timeout. ");
            default -> {
                if (likely) {
                    message.append("The server most likely gave up writing to the walk while the loop was busy"
                            + " (net_write_timeout): ").append(evidence).append(". Other causes: ");
                } else {
                    message.append("The server closed it without an error the driver could read: ");
                }
                message.append("the connection was killed (KILL CONNECTION, by an operator, a monitoring tool or a"
                        + " proxy), the server stopped or restarted, or the network dropped it");
                if (slowLoop && !likely) {
                    message.append(", or the server gave up writing to a walk that had stopped reading"
                            + " (net_write_timeout; ").append(evidence).append(')');
                } else if (cursor) {
                    message.append(", or the connection sat idle between two cursor fetches longer than wait_timeout");
                }
                message.append(". ");
            }
        }
        message.append("Batchwise closed the dead connection so that a pool does not hand it out again; a transaction"
                + " open on it was rolled back by the server, so a rollback() on your side may report that it cannot"
                + " reach the connection: that is expected, close the session or connection and start again. A"
                + " streaming walk cannot resume: its result, snapshot and position went with the connection. Fix:"
                + " re-run the walk from the start (on a new connection), or walk with ").append(KEYSET).append('.');
        if (slowLoop) {
            message.append(" While a walk streams, the server writes rows as your code takes them and closes the"
                    + " connection when it cannot write for net_write_timeout seconds (server default 60; MySQL"
                    + " Connector/J raises it to netTimeoutForStreamingResults, default 600, while it streams). For a"
                    + " loop that pauses that long: walk with the keyset pager, raise the limit for this walk with"
                    + " netWriteTimeout(Duration), or read through a server-side cursor (MySQL Connector/J with"
                    + " useCursorFetch=true), which net_write_timeout does not limit between fetches.");
        }
        return new BatchwiseException(message.toString(), context.rowsRead(), cause);
    }

    private static String progress(Context context) {
        return context.rowsRead() < 0 ? "before the first row was read"
                : "after " + context.rowsRead() + " rows had been read";
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    /** "server error 1317, SQLState 70100: Query execution was interrupted". */
    private static String serverError(SQLException e) {
        return "server error " + e.getErrorCode() + ", SQLState " + e.getSQLState() + ": " + firstLine(e.getMessage());
    }

    /** What the driver said: its first SQLException's first line, SQLState and code, and the I/O cause under it. */
    private static String driverReport(Throwable cause) {
        SQLException first = first(cause, SQLException.class);
        StringBuilder report = new StringBuilder();
        if (first != null) {
            report.append("driver: \"").append(firstLine(first.getMessage())).append('"').append(driverCodes(first));
        }
        Throwable io = ioCause(cause);
        if (io != null && (first == null || !firstLine(first.getMessage()).contains(io.getClass().getName()))) {
            report.append(report.length() > 0 ? ", " : "").append(io.getClass().getSimpleName()).append(": ")
                    .append(firstLine(io.getMessage()));
        }
        return report.length() == 0 ? firstLine(cause.toString()) : report.toString();
    }

    private static String driverCodes(SQLException e) {
        if (e.getSQLState() == null && e.getErrorCode() == 0) {
            return "";
        }
        return " (SQLState " + e.getSQLState() + ", error " + e.getErrorCode() + ")";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip();
        int end = line.indexOf('\n');
        if (end >= 0) {
            line = line.substring(0, end).strip();
        }
        return line.length() <= 240 ? line : line.substring(0, 237) + "...";
    }

    /** The SQLException that says the query was interrupted, or null. */
    private static SQLException interruption(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                int code = e.getErrorCode();
                if (code == ER_QUERY_INTERRUPTED || code == ER_STATEMENT_TIMEOUT || code == ER_QUERY_TIMEOUT
                        || "70100".equals(e.getSQLState()) || e instanceof SQLTimeoutException) {
                    return e;
                }
            }
        }
        return null;
    }

    private static boolean connectionLoss(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                String state = e.getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
                switch (e.getErrorCode()) {
                    case ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, ER_SESSION_WAS_KILLED, ER_CLIENT_INTERACTION_TIMEOUT,
                            CR_SERVER_GONE_ERROR, CR_SERVER_LOST -> {
                        return true;
                    }
                    default -> {
                    }
                }
            }
        }
        // MySQL Connector/J reports a stream cut in the middle of a row as SQLState S1000 with the
        // socket's EOFException or SocketException as cause.
        return ioCause(failure) != null && first(failure, SQLException.class) != null;
    }

    /** The SQLException carrying a server error code for a lost connection, or null. */
    private static SQLException serverReport(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                switch (e.getErrorCode()) {
                    case ER_SERVER_SHUTDOWN, ER_CONNECTION_KILLED, ER_SESSION_WAS_KILLED, ER_CLIENT_INTERACTION_TIMEOUT -> {
                        return e;
                    }
                    default -> {
                    }
                }
            }
        }
        return null;
    }

    private static Throwable ioCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof EOFException || t instanceof SocketException) {
                return t;
            }
        }
        return null;
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    private static <E extends Throwable> E first(Throwable failure, Class<E> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        return first(failure, type) != null;
    }

    static boolean causedByBusyStream(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("Streaming result set") && message.contains("is still active")) {
                return true;
            }
        }
        return false;
    }

    static boolean causedByDriverOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage();
            if (t instanceof SQLException && message != null
                    && message.toLowerCase(Locale.ROOT).contains("java heap space")) {
                return true;
            }
        }
        return false;
    }

    // Transaction faults a migration retries (both servers).
    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    static final int ER_LOCK_DEADLOCK = 1213;

    /**
     * Why the transaction that met {@code failure} may succeed when run again, or null when it would
     * not: a deadlock (1213, SQLState 40001: the server rolled the transaction back), a lock wait
     * timeout (1205), a lost connection or an interrupted query as {@link #classify} recognises
     * them, or a pool that had no connection within its timeout (a server restarting). For
     * migrations, which roll the chunk back and run it again from its checkpoint.
     */
    public static String retryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                // by code first: MySQL Connector/J reports 1205 with SQLState 40001 too
                if (e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT) {
                    return "lock wait timeout (" + serverError(e) + ")";
                }
                if (e.getErrorCode() == ER_LOCK_DEADLOCK || "40001".equals(e.getSQLState())) {
                    return "deadlock (" + serverError(e) + ")";
                }
            }
        }
        Fault fault = classify(failure);
        if (fault == Fault.CONNECTION_LOST) {
            return "lost connection (" + driverReport(failure) + ")";
        }
        if (fault == Fault.QUERY_INTERRUPTED) {
            return "query interrupted (" + serverError(interruption(failure)) + ")";
        }
        SQLTransientConnectionException pool = first(failure, SQLTransientConnectionException.class);
        if (pool != null) {
            return "no connection available (" + firstLine(pool.getMessage()) + ")";
        }
        return null;
    }

    /** A driver failure in flight from a walk's read to {@link #explainRead}. */
    private static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String doing;

        SqlFailure(String doing, SQLException cause) {
            super(doing + " failed: " + cause.getMessage(), cause);
            this.doing = doing;
        }
    }
}
