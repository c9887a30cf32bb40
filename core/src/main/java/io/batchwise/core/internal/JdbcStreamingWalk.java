package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.RowMapper;

/** A plain-JDBC walk over one forward-only, read-only result set fetched by a {@link FetchPlan}. */
public final class JdbcStreamingWalk<T> extends AbstractWalk<T> {
    private final Connection connection;
    private final boolean ownsConnection;
    private final Connection physical;
    private final FetchPlan plan;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final RowMapper<T> mapper;
    private final NetWriteTimeout.Restore netWriteTimeout;
    private final int knownNetWriteTimeout;
    private Failures.Fault fault;

    private JdbcStreamingWalk(int chunkSize, Connection connection, boolean ownsConnection, Connection physical,
            FetchPlan plan, PreparedStatement statement, ResultSet rows, RowMapper<T> mapper,
            NetWriteTimeout.Restore netWriteTimeout, int knownNetWriteTimeout) {
        super(chunkSize);
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.physical = physical;
        this.plan = plan;
        this.statement = statement;
        this.rows = rows;
        this.mapper = mapper;
        this.netWriteTimeout = netWriteTimeout;
        this.knownNetWriteTimeout = knownNetWriteTimeout;
    }

    /**
     * Opens the walk: borrows a connection from {@code dataSource} unless {@code given}, chooses the
     * fetch, raises {@code net_write_timeout} when asked ({@code netWriteTimeoutSeconds}, or null),
     * and runs the query.
     */
    public static <T> JdbcStreamingWalk<T> open(DataSource dataSource, Connection given, String sql,
            List<Object> parameters, RowMapper<T> mapper, int chunkSize, Integer fetchSize, ConnectionUse use,
            Integer netWriteTimeoutSeconds) {
        String what = "the walk of " + abbreviate(sql);
        Connection connection;
        if (given != null) {
            connection = given;
        } else {
            try {
                connection = dataSource.getConnection();
            } catch (SQLException e) {
                throw Failures.cannotBorrow(e, what);
            }
        }
        Connection physical = null;
        PreparedStatement statement = null;
        FetchPlan plan = null;
        NetWriteTimeout.Restore restore = null;
        try {
            plan = FetchPlans.choose(connection, use, fetchSize, "connectionUse SHARED");
            if (!plan.connectionFreeDuringWalk()) {
                physical = StreamingConnections.physical(connection);
                StreamingConnections.claim(physical, "a JDBC walk of: " + abbreviate(sql));
            }
            if (netWriteTimeoutSeconds != null) {
                restore = NetWriteTimeout.raise(connection, plan, netWriteTimeoutSeconds);
            }
            statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            plan.applyTo(statement);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            ResultSet rows = statement.executeQuery();
            return new JdbcStreamingWalk<>(chunkSize, connection, given == null, physical, plan, statement, rows,
                    mapper, restore, NetWriteTimeout.known(connection, plan, netWriteTimeoutSeconds));
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : Failures.unchecked("Opening " + what, (SQLException) e);
            boolean lost = Failures.classify(failure) == Failures.Fault.CONNECTION_LOST;
            if (lost) {
                LostConnections.discard(connection);
            } else if (restore != null) {
                restoreQuietly(restore, connection, failure);
            }
            closeAll(null, statement, given == null ? connection : null, physical, failure);
            throw Failures.explainRead(failure, new Failures.Context(-1, chunkSize, 0, plan, 0));
        }
    }

    @Override
    protected boolean fetchNext() {
        try {
            return rows.next();
        } catch (SQLException e) {
            throw Failures.unchecked("Reading row " + (rowsRead() + 1), e);
        }
    }

    @Override
    protected T current() {
        try {
            return mapper.map(rows);
        } catch (SQLException e) {
            throw Failures.unchecked("The RowMapper on row " + (rowsRead() + 1), e);
        }
    }

    @Override
    protected RuntimeException translate(RuntimeException failure) {
        fault = Failures.classify(failure);
        if (fault == Failures.Fault.CONNECTION_LOST) {
            LostConnections.discard(connection);
        }
        return Failures.explainRead(failure,
                new Failures.Context(rowsRead(), chunkSize(), slowestChunkMillis(), plan, knownNetWriteTimeout));
    }

    @Override
    protected void release() {
        if (!reachedEnd() && Failures.streamMayStillRun(fault) && RunningQueries.stop(connection, plan)) {
            drainAfterKill();
        }
        RuntimeException failure = null;
        for (AutoCloseable resource : new AutoCloseable[] {rows, statement}) {
            failure = first(failure, closing(resource));
        }
        if (netWriteTimeout != null && fault != Failures.Fault.CONNECTION_LOST) {
            try {
                netWriteTimeout.restore(connection);
            } catch (SQLException | RuntimeException e) {
                failure = first(failure, lostOr(e, "Could not set net_write_timeout back after the walk"));
            }
        }
        try {
            if (ownsConnection) {
                failure = first(failure, closing(connection));
            }
        } finally {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * After a KILL QUERY: reads what the server had already sent, up to its "interrupted" error, so
     * the result closes through the driver's normal path (Connector/J otherwise throws that error
     * from {@code close()} and skips resetting the connection's {@code net_write_timeout}).
     */
    private void drainAfterKill() {
        try {
            while (rows.next()) {
                // discard what was in flight
            }
        } catch (SQLException e) {
            lostOr(e, null); // the expected end is error 1317, query interrupted
        }
    }

    /** Closes {@code resource}; a failure is returned unless it only says the query was interrupted or the connection is gone. */
    private RuntimeException closing(AutoCloseable resource) {
        try {
            resource.close();
            return null;
        } catch (Exception e) {
            return fault == Failures.Fault.CONNECTION_LOST ? null : lostOr(e, "Closing the walk failed");
        }
    }

    /**
     * Null if {@code e} shows the connection is gone (which discards it) or the query interrupted;
     * else {@code e} as the failure to report, described by {@code doing} (null: not reported).
     */
    private RuntimeException lostOr(Exception e, String doing) {
        Failures.Fault seen = Failures.classify(e);
        if (seen == Failures.Fault.CONNECTION_LOST) {
            fault = seen;
            LostConnections.discard(connection);
            return null;
        }
        if (seen == Failures.Fault.QUERY_INTERRUPTED || doing == null) {
            return null;
        }
        return e instanceof RuntimeException r ? r : new BatchwiseException(doing + ": " + e.getMessage(), rowsRead(), e);
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

    private static void restoreQuietly(NetWriteTimeout.Restore restore, Connection connection, RuntimeException primary) {
        try {
            restore.restore(connection);
        } catch (SQLException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * Closes in reverse order of opening; every close is attempted; the first failure is returned
     * with the rest suppressed. With a {@code primary} failure, close failures are added to it and
     * nothing is returned.
     */
    private static RuntimeException closeAll(ResultSet rows, PreparedStatement statement, Connection connection,
            Connection physical, Exception primary) {
        Exception first = primary;
        for (AutoCloseable resource : new AutoCloseable[] {rows, statement, connection}) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (physical != null) {
            StreamingConnections.release(physical);
        }
        if (primary != null || first == null) {
            return null;
        }
        return first instanceof RuntimeException r ? r : new BatchwiseException("Closing the walk failed: " + first.getMessage(), -1, first);
    }

    static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
    }
}
