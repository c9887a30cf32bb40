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

    private JdbcStreamingWalk(int chunkSize, Connection connection, boolean ownsConnection, Connection physical,
            FetchPlan plan, PreparedStatement statement, ResultSet rows, RowMapper<T> mapper) {
        super(chunkSize);
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.physical = physical;
        this.plan = plan;
        this.statement = statement;
        this.rows = rows;
        this.mapper = mapper;
    }

    public static <T> JdbcStreamingWalk<T> open(DataSource dataSource, Connection given, String sql,
            List<Object> parameters, RowMapper<T> mapper, int chunkSize, Integer fetchSize, ConnectionUse use) {
        Connection connection = null;
        Connection physical = null;
        PreparedStatement statement = null;
        FetchPlan plan = null;
        try {
            connection = given != null ? given : dataSource.getConnection();
            plan = fetchSize == null
                    ? FetchPlan.choose(connection, use)
                    : FetchPlan.withFetchSize(connection, fetchSize, use);
            if (!plan.connectionFreeDuringWalk()) {
                physical = StreamingConnections.physical(connection);
                StreamingConnections.claim(physical, "a JDBC walk of: " + abbreviate(sql));
            }
            statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            plan.applyTo(statement);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            ResultSet rows = statement.executeQuery();
            return new JdbcStreamingWalk<>(chunkSize, connection, given == null, physical, plan, statement, rows, mapper);
        } catch (SQLException | RuntimeException e) {
            closeAll(null, statement, given == null ? connection : null, physical, e);
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : new BatchwiseException("Could not open the walk of " + abbreviate(sql) + ": " + e.getMessage(), -1, e);
            throw plan == null ? failure : Failures.explainBuffering(failure, plan, -1);
        }
    }

    @Override
    protected boolean fetchNext() {
        try {
            return rows.next();
        } catch (SQLException e) {
            throw new BatchwiseException("Reading row " + (rowsRead() + 1) + " failed: " + e.getMessage(), rowsRead(), e);
        }
    }

    @Override
    protected T current() {
        try {
            return mapper.map(rows);
        } catch (SQLException e) {
            throw new BatchwiseException("The RowMapper failed on row " + (rowsRead() + 1) + ": " + e.getMessage(),
                    rowsRead(), e);
        }
    }

    @Override
    protected RuntimeException translate(RuntimeException failure) {
        return Failures.explainBuffering(super.translate(failure), plan, rowsRead());
    }

    @Override
    protected void release() {
        RuntimeException failure = closeAll(rows, statement, ownsConnection ? connection : null, physical, null);
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes in reverse order of opening; every close is attempted; the first failure is returned with the rest suppressed. */
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
