package io.batchwise.core.spi;

import io.batchwise.core.internal.FetchPlans;
import io.batchwise.core.internal.NetWriteTimeout;
import io.batchwise.core.internal.RunningQueries;
import io.batchwise.core.internal.StreamingConnections;

import java.sql.Connection;
import java.sql.SQLException;

import io.batchwise.core.BatchwiseException.Reason;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.StreamingOptions;

/**
 * What a streaming walk holds on its connection besides its result, and the one protocol around
 * it that every streaming walker follows, whatever produces the rows (a JDBC result set, an ORM
 * scroll):
 * <ol>
 *   <li>{@link #claim}: choose the fetch for the driver, mark the physical connection busy (a second
 *       walk on it is refused), raise {@code net_write_timeout} when asked;</li>
 *   <li>{@link #translate}: classify a failure once, discard a dead connection, explain it;</li>
 *   <li>{@link #stop}: ask the server to stop a query the caller no longer reads;</li>
 *   <li>{@link #close}: close the result, set {@code net_write_timeout} back, close a borrowed
 *       connection, let go of the claim; or {@link #openFailed} when the walk never opened.</li>
 * </ol>
 */
public final class StreamingResource {
    private Connection connection;
    private final boolean owned;
    private final String what;
    private FetchPlan plan;
    private Connection physical;
    private NetWriteTimeout.Restore netWriteTimeout;
    private int knownNetWriteTimeout;
    private Reason fault;

    /**
     * @param connection the connection the walk's query runs on
     * @param owned      whether the walk borrowed it and closes it at the end
     * @param what       the walk, as a second walk on the same connection is told
     */
    public StreamingResource(Connection connection, boolean owned, String what) {
        this.connection = connection;
        this.owned = owned;
        this.what = what;
    }

    /**
     * Chooses the fetch, claims the physical connection when the fetch blocks it, and raises
     * {@code net_write_timeout} when {@code options} ask; before the walk's query runs.
     *
     * @param use      the connection use, which an ORM policy may have made {@link ConnectionUse#SHARED}
     * @param sharedBy the option that made it shared, as a refusal names it
     */
    public FetchPlan claim(StreamingOptions options, ConnectionUse use, String sharedBy) throws SQLException {
        plan = FetchPlans.choose(connection, use, options.fetchSize(), sharedBy);
        if (!plan.connectionFreeDuringWalk()) {
            Connection driver = StreamingConnections.physical(connection);
            StreamingConnections.claim(driver, what);
            physical = driver;
        }
        Integer seconds = options.netWriteTimeout() == null ? null : Arguments.netWriteTimeout(options.netWriteTimeout());
        if (seconds != null) {
            netWriteTimeout = NetWriteTimeout.raise(connection, plan, seconds);
        }
        knownNetWriteTimeout = NetWriteTimeout.known(connection, plan, seconds);
        return plan;
    }

    /**
     * The connection the walk's result actually reads from, when the walker learns it only once the
     * query runs (an ORM session may hand out another connection per statement): the query is
     * stopped, a dead connection discarded and {@code net_write_timeout} set back on that one.
     */
    public void readingFrom(Connection reading) {
        this.connection = reading;
    }

    /** Whether a failure showed the connection gone. */
    public boolean connectionGone() {
        return Failures.connectionGone(fault);
    }

    /**
     * The exception the caller sees for {@code failure} of an open walk: classified, explained with
     * what the walk knew, and the connection discarded if it is gone.
     */
    public RuntimeException translate(RuntimeException failure, long rowsRead, int batchSize, long slowestBatchMillis) {
        fault = Failures.classify(failure);
        if (Failures.connectionGone(fault)) {
            LostConnections.discard(connection);
        }
        return Failures.explainRead(failure,
                new Failures.Context(rowsRead, batchSize, slowestBatchMillis, plan, knownNetWriteTimeout));
    }

    /**
     * Asks the server to stop the query when the walk ends before its last row (see
     * {@link RunningQueries}), unless a failure already ended it.
     *
     * @return whether the kill was sent, so the caller may read what is in flight up to the interruption
     */
    public boolean stop() {
        return Failures.streamMayStillRun(fault) && RunningQueries.stop(connection, plan);
    }

    /**
     * Closes {@code result} in order, sets {@code net_write_timeout} back, closes the connection if
     * owned and lets go of the claim. Every step is attempted; a failure that only says the query
     * was interrupted or the connection is gone is dropped (the connection is then discarded).
     *
     * @return the first failure to report, with later ones suppressed, or null
     */
    public RuntimeException close(long rowsRead, AutoCloseable... result) {
        RuntimeException failure = null;
        try {
            for (AutoCloseable resource : result) {
                failure = first(failure, closing(resource, rowsRead));
            }
            if (netWriteTimeout != null && !connectionGone()) {
                try {
                    netWriteTimeout.restore(connection);
                } catch (SQLException | RuntimeException e) {
                    failure = first(failure, unexpected(e, "Could not set net_write_timeout back after the walk",
                            rowsRead));
                }
            }
            if (owned) {
                failure = first(failure, closing(connection, rowsRead));
            }
        } finally {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
        }
        return failure;
    }

    /**
     * Undoes {@link #claim} after {@code failure} kept the walk from opening, as {@link #close} does
     * (a dead connection discarded instead), with what went wrong on the way suppressed into
     * {@code failure}, and returns the failure explained.
     */
    public RuntimeException openFailed(RuntimeException failure, int batchSize, AutoCloseable... opened) {
        fault = Failures.classify(failure);
        if (Failures.connectionGone(fault)) {
            LostConnections.discard(connection);
        }
        RuntimeException closing = close(-1, opened);
        if (closing != null) {
            failure.addSuppressed(closing);
        }
        return Failures.explainRead(failure, new Failures.Context(-1, batchSize, 0, plan, 0));
    }

    /**
     * Null if {@code e} shows the connection gone (which discards it) or the query interrupted;
     * else {@code e} as the failure to report, described by {@code doing} (null: not reported).
     */
    public RuntimeException unexpected(Exception e, String doing, long rowsRead) {
        Reason seen = Failures.classify(e);
        if (Failures.connectionGone(seen)) {
            fault = seen;
            LostConnections.discard(connection);
            return null;
        }
        if (!Failures.streamMayStillRun(seen) || doing == null) {
            return null; // the expected end after a KILL QUERY: error 1317, query interrupted
        }
        return e instanceof RuntimeException r ? r : Failures.wrap(doing + ": " + e.getMessage(), rowsRead, null, e);
    }

    private RuntimeException closing(AutoCloseable resource, long rowsRead) {
        if (resource == null) {
            return null;
        }
        try {
            resource.close();
            return null;
        } catch (Exception e) {
            return connectionGone() ? null : unexpected(e, "Closing the walk failed", rowsRead);
        }
    }

    private static RuntimeException first(RuntimeException failure, RuntimeException next) {
        if (failure == null) {
            return next;
        }
        if (next != null) {
            failure.addSuppressed(next);
        }
        return failure;
    }
}
