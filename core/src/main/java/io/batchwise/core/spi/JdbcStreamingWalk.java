package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import io.batchwise.core.FetchPlan;
import io.batchwise.core.RowMapper;
import io.batchwise.core.StreamingOptions;

/** A plain-JDBC walk over one forward-only, read-only result set fetched by a {@link FetchPlan}. */
public final class JdbcStreamingWalk<T> extends StreamingWalk<T> {
    private final ResultSet rows;
    private final RowMapper<T> mapper;

    private JdbcStreamingWalk(StreamingOptions options, StreamingResource resource, PreparedStatement statement,
            ResultSet rows, RowMapper<T> mapper) {
        super(options.batchSize(), resource, rows, statement);
        this.rows = rows;
        this.mapper = mapper;
    }

    /**
     * Opens the walk: borrows a connection from {@code dataSource} unless {@code given}, claims it
     * for streaming ({@link StreamingResource#claim}) and runs the query.
     */
    public static <T> JdbcStreamingWalk<T> open(DataSource dataSource, Connection given, String sql,
            List<Object> parameters, RowMapper<T> mapper, StreamingOptions options) {
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
        StreamingResource resource = new StreamingResource(connection, given == null,
                "a JDBC walk of: " + abbreviate(sql));
        PreparedStatement statement = null;
        try {
            FetchPlan plan = resource.claim(options, options.connectionUse(), "connectionUse SHARED");
            statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            plan.applyTo(statement);
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            return new JdbcStreamingWalk<>(options, resource, statement, statement.executeQuery(), mapper);
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = e instanceof RuntimeException r ? r
                    : Failures.unchecked("Opening " + what, (SQLException) e);
            throw resource.openFailed(failure, options.batchSize(), statement);
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

    /**
     * After a KILL QUERY: reads what the server had already sent, up to its "interrupted" error, so
     * the result closes through the driver's normal path (Connector/J otherwise throws that error
     * from {@code close()} and skips resetting the connection's {@code net_write_timeout}).
     */
    @Override
    protected void afterQueryStopped() {
        try {
            while (rows.next()) {
                // discard what was in flight
            }
        } catch (SQLException e) {
            expectInterruption(e);
        }
    }

    private static String abbreviate(String sql) {
        String flat = sql.replaceAll("\\s+", " ").trim();
        return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
    }
}
