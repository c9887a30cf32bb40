package io.batchwise.core.spi;

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
import io.batchwise.core.BatchwiseException.Reason;

/**
 * The one place where a driver's failure is classified and becomes what the caller of a walk
 * reads: recognises failures from the SQLStates, vendor error codes and exception types in the
 * cause chain (not from message text, where the drivers allow it), gives them a
 * {@link Reason} and explains them with the cause and the fix.
 */
public final class Failures {
    /** What a walk knew when it failed, for the message. */
    public record Context(long rowsRead, int batchSize, long slowestBatchMillis, FetchPlan plan,
            int netWriteTimeoutSeconds) {
    }

    // Server error codes (both servers unless noted) and client codes some drivers and proxies report.
    static final int ER_SERVER_SHUTDOWN = 1053;
    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    static final int ER_LOCK_DEADLOCK = 1213;
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

    /**
     * Why {@code failure} happened, from its cause chain; {@link Reason#OTHER} when nothing in it is
     * recognised. A {@link BatchwiseException} keeps the reason it was given, unless that is OTHER.
     * Never {@link Reason#NET_WRITE_TIMEOUT}: that needs what the walk knew ({@link #explainRead}).
     */
    public static Reason classify(Throwable failure) {
        if (failure == null) {
            return Reason.OTHER;
        }
        if (failure instanceof BatchwiseException known && known.reason() != Reason.OTHER) {
            return known.reason();
        }
        if (causedByBusyStream(failure)) {
            return Reason.STREAM_BLOCKED;
        }
        if (causedByDriverOutOfMemory(failure)) {
            return Reason.OUT_OF_HEAP;
        }
        Reason lock = lockConflict(failure);
        if (lock != null) {
            return lock;
        }
        // before the interruption check: MariaDB reports 1927 "Connection was killed" with SQLState 70100
        SQLException server = serverReport(failure);
        if (server != null) {
            return server.getErrorCode() == ER_SERVER_SHUTDOWN ? Reason.SERVER_SHUTDOWN : Reason.CONNECTION_LOST;
        }
        SQLException interruption = interruption(failure);
        if (interruption != null) {
            return timeLimit(interruption) ? Reason.QUERY_TIMEOUT : Reason.QUERY_KILLED;
        }
        if (connectionLoss(failure)) {
            return Reason.CONNECTION_LOST;
        }
        if (hasCause(failure, SQLTransientConnectionException.class)) {
            return Reason.NO_CONNECTION; // a pool's timeout (HikariCP, DBCP) waiting for a free connection
        }
        if (badData(failure)) {
            return Reason.BAD_DATA;
        }
        return Reason.OTHER;
    }

    /** Whether {@code reason} means the connection is gone, so it must be discarded and nothing more sent on it. */
    public static boolean connectionGone(Reason reason) {
        return reason == Reason.CONNECTION_LOST || reason == Reason.SERVER_SHUTDOWN
                || reason == Reason.NET_WRITE_TIMEOUT;
    }

    /** Whether the server may still be sending a result after a walk ended with {@code reason} (null: no failure). */
    public static boolean streamMayStillRun(Reason reason) {
        return !connectionGone(reason) && reason != Reason.QUERY_KILLED && reason != Reason.QUERY_TIMEOUT;
    }

    /**
     * A {@link BatchwiseException} with {@code message}, the reason of {@code cause} and
     * {@code resumeToken} (or null): for failures a walker reports in its own words.
     */
    public static BatchwiseException wrap(String message, long rowsRead, String resumeToken, Throwable cause) {
        return new BatchwiseException(classify(cause), message, rowsRead, resumeToken, cause);
    }

    /**
     * {@code failure} carrying {@code resumeToken} when it is a {@link BatchwiseException} (a copy,
     * with the same stack trace and suppressed exceptions), else {@code failure} itself.
     */
    public static RuntimeException withResumeToken(RuntimeException failure, String resumeToken) {
        if (!(failure instanceof BatchwiseException known) || resumeToken == null
                || known.resumeToken().isPresent()) {
            return failure;
        }
        BatchwiseException copy = new BatchwiseException(known.reason(), known.getMessage(), known.rowsRead(),
                resumeToken, known.getCause());
        copy.setStackTrace(known.getStackTrace());
        for (Throwable suppressed : known.getSuppressed()) {
            copy.addSuppressed(suppressed);
        }
        return copy;
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
     * caller's own code inside a walk that had handed out {@code rowsRead} rows.
     */
    public static RuntimeException explain(RuntimeException failure, long rowsRead) {
        if (failure instanceof BatchwiseException) {
            return failure;
        }
        if (causedByBusyStream(failure)) {
            return busyStream(failure, rowsRead);
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
        Reason reason = classify(failure);
        return switch (reason) {
            case STREAM_BLOCKED -> busyStream(cause, context.rowsRead());
            case OUT_OF_HEAP -> context.plan() == null ? failure : driverOutOfMemory(cause, context);
            case QUERY_KILLED, QUERY_TIMEOUT -> queryInterrupted(cause, context, reason);
            case CONNECTION_LOST, SERVER_SHUTDOWN, NET_WRITE_TIMEOUT -> connectionLost(cause, context, reason);
            default -> failure instanceof SqlFailure wrapped
                    ? new BatchwiseException(reason, wrapped.doing + " failed: " + firstLine(cause.getMessage()),
                            context.rowsRead(), null, cause)
                    : failure;
        };
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
        return new BatchwiseException(Reason.NO_CONNECTION, "Could not get a connection for " + walk
                + " from the DataSource: " + firstLine(failure.getMessage()) + driverCodes(failure) + "." + why, -1,
                null, failure);
    }

    private static BatchwiseException busyStream(Throwable cause, long rowsRead) {
        return new BatchwiseException(Reason.STREAM_BLOCKED, "A statement ran on the walk's connection while it was"
                + " streaming rows (MySQL Connector/J, fetchSize=Integer.MIN_VALUE): a lazy association or an EAGER"
                + " association not fetched by the query, a flush, or another query on the same session. Streaming blocks"
                + " the connection until the walk is closed. Fix: fetch what the loop needs in the query (join"
                + " fetch, or make the association LAZY and leave it untouched), or add useCursorFetch=true to"
                + " the JDBC URL and open the walk with ConnectionUse.SHARED, or use the keyset pager.",
                rowsRead, null, cause);
    }

    private static BatchwiseException driverOutOfMemory(Throwable cause, Context context) {
        return new BatchwiseException(Reason.OUT_OF_HEAP, "The JDBC driver ran out of heap reading the result into"
                + " memory: the fetch was " + context.plan().describe() + ", which buffers every row before the first one"
                + " is returned. Fix: leave"
                + " fetchSize unset so Batchwise streams (MySQL Connector/J: fetchSize=Integer.MIN_VALUE, or"
                + " useCursorFetch=true with a positive fetchSize; MariaDB Connector/J: a positive fetchSize).",
                context.rowsRead(), null, cause);
    }

    private static BatchwiseException queryInterrupted(Throwable cause, Context context, Reason reason) {
        SQLException interruption = interruption(cause);
        int code = interruption.getErrorCode();
        boolean timeLimit = reason == Reason.QUERY_TIMEOUT;
        String why = switch (code) {
            case ER_STATEMENT_TIMEOUT -> "MariaDB's statement time limit (max_statement_time) ran out";
            case ER_QUERY_TIMEOUT -> "MySQL's statement time limit (MAX_EXECUTION_TIME / max_execution_time) ran out";
            case ER_QUERY_INTERRUPTED -> "someone ran KILL QUERY on the walk's connection, or a JDBC query"
                    + " timeout or Statement.cancel() stopped it";
            default -> "a query timeout or a cancel stopped it";
        };
        return new BatchwiseException(reason, "The server interrupted the walk's query " + progress(context) + " ("
                + serverError(interruption) + "): " + why + ". The connection is still usable; the walk's result"
                + " set and statement are closed. A streaming walk cannot resume where it stopped. Fix: re-run the"
                + " walk from the start, or walk with " + KEYSET
                + (timeLimit ? ", or raise the time limit for the walk's session" : "") + ".",
                context.rowsRead(), null, cause);
    }

    private static BatchwiseException connectionLost(Throwable cause, Context context, Reason reason) {
        SQLException server = serverReport(cause);
        int code = server == null ? 0 : server.getErrorCode();
        FetchPlan plan = context.plan();
        boolean streaming = plan != null && plan.mode() == FetchPlan.Mode.STREAM;
        boolean cursor = plan != null && plan.mode() == FetchPlan.Mode.CURSOR;
        // A pause of the caller shorter than the whole slowest batch cannot have outlasted net_write_timeout (>= 1 s).
        boolean slowLoop = streaming && context.slowestBatchMillis() >= 1_000;
        int timeout = context.netWriteTimeoutSeconds();
        boolean likely = slowLoop && timeout > 0 && context.slowestBatchMillis() >= timeout * 1_000L;
        String evidence = "the slowest batch of this walk (" + context.batchSize() + " rows) took "
                + seconds(context.slowestBatchMillis()) + " s" + (timeout > 0 ? " and its net_write_timeout was " + timeout + " s" : "");
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
        return new BatchwiseException(likely ? Reason.NET_WRITE_TIMEOUT : reason, message.toString(),
                context.rowsRead(), null, cause);
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

    /** Whether the interruption was a server's statement time limit rather than a kill or a cancel. */
    private static boolean timeLimit(SQLException interruption) {
        int code = interruption.getErrorCode();
        return code == ER_STATEMENT_TIMEOUT || code == ER_QUERY_TIMEOUT;
    }

    /** {@link Reason#LOCK_WAIT_TIMEOUT} or {@link Reason#DEADLOCK} when the chain reports one, else null. */
    private static Reason lockConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                if (e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT) {
                    return Reason.LOCK_WAIT_TIMEOUT;
                }
                if (e.getErrorCode() == ER_LOCK_DEADLOCK || "40001".equals(e.getSQLState())) {
                    return Reason.DEADLOCK;
                }
            }
        }
        return null;
    }

    /** Whether the chain has a data exception: SQLState class 22 (truncation, out of range, bad value). */
    private static boolean badData(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
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
