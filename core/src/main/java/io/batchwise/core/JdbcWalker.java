package io.batchwise.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Failures;
import io.batchwise.core.spi.JdbcStreamingWalk;
import io.batchwise.core.spi.ReadAhead;
import io.batchwise.core.spi.ReadAheadWalk;

/**
 * Walks the rows of a native SQL query over plain JDBC in bounded memory, with the streaming fetch
 * chosen for the connected driver ({@link FetchPlan}). Values are always bound as parameters.
 *
 * <pre>{@code
 * try (Stream<String> names = JdbcWalker
 *         .query(dataSource, "select name from customer where country = ?", row -> row.getString(1))
 *         .parameters("NZ")
 *         .stream()) {
 *     names.forEach(out::println);
 * }
 * }</pre>
 *
 * <p>Given a {@link DataSource}, the walk borrows one connection and returns it when it is
 * closed. Given a {@link Connection}, the caller keeps ownership: the walk closes only its own
 * statement and result set, and the connection is unusable for other statements while a
 * streaming walk is open on it unless {@link ConnectionUse#SHARED} is chosen (see
 * {@link FetchPlan}).
 *
 * <p>Transactions: the walk runs in whatever transaction state the connection is in; a
 * streaming walk sees one consistent snapshot under InnoDB's default REPEATABLE READ when run
 * inside a transaction.
 *
 * <p>Faults: a killed query, a lost connection or a server restart ends the walk with a
 * {@link BatchwiseException} that names the cause, the rows read so far and the fix (a streaming
 * walk cannot resume; re-run it, or use {@link JdbcKeysetPager}, which resumes from its last
 * token); a connection found dead is closed so that a pool drops it. Closing a streaming walk
 * before its last row asks the server to stop the query ({@code KILL QUERY} from a short-lived
 * side connection) instead of reading the rest of the result off the socket; the connection and
 * any transaction on it stay usable.
 */
public final class JdbcWalker {
    private JdbcWalker() {
    }

    /** A walk that borrows a connection from {@code dataSource} for its duration. */
    public static <T> Builder<T> query(DataSource dataSource, String sql, RowMapper<T> mapper) {
        Arguments.notNull("dataSource", dataSource, "pass the DataSource to read from");
        return new Builder<>(dataSource, null, sql, mapper);
    }

    /** A walk on the caller's {@code connection}, which the walk never closes. */
    public static <T> Builder<T> query(Connection connection, String sql, RowMapper<T> mapper) {
        Arguments.notNull("connection", connection, "pass the Connection to read from");
        return new Builder<>(null, connection, sql, mapper);
    }

    /**
     * Options of one JDBC walk; {@link #open()} validates them and runs the query. A builder may be
     * opened more than once; each {@code open()} runs the query afresh.
     */
    public static final class Builder<T> extends StreamingBuilder<T, Builder<T>> {
        private final DataSource dataSource;
        private final Connection connection;
        private final String sql;
        private final RowMapper<T> mapper;
        private List<Object> parameters = List.of();
        private int readAhead;

        private Builder(DataSource dataSource, Connection connection, String sql, RowMapper<T> mapper) {
            this.dataSource = dataSource;
            this.connection = connection;
            this.sql = Arguments.notBlank("sql", sql, "pass the SELECT to walk, with ? for every value");
            this.mapper = Arguments.notNull("mapper", mapper, "pass a RowMapper that turns the current row into a value");
        }

        /** Values bound to the query's {@code ?} placeholders, in order. */
        public Builder<T> parameters(Object... values) {
            Arguments.notNull("values", values, "pass the parameter values, or none");
            this.parameters = Arrays.asList(values.clone());
            return this;
        }

        /**
         * Reads up to {@code batches} batches ahead of the caller, 0 (off, the default) to 16: the query
         * is run by {@link #open()} as without read-ahead, then a reader thread of the walk's own
         * (virtual where the JDK has virtual threads, else a daemon platform thread) reads the rows
         * and maps them with the {@link RowMapper} while the caller works on the batch before. At
         * most {@code batches} batches are read or being read besides the one the caller holds, so up
         * to {@code batches + 1} batches of mapped rows are in memory. The rows, their order and the
         * errors are those of the walk without read-ahead (a failure reaches the caller after the rows
         * read before it); closing the walk stops the reader, stops the query on the server and
         * returns once the connection is back in the pool.
         *
         * <p>Only for a walk given a {@link DataSource} (refused by {@code open()} for a caller's
         * {@link Connection}: the reader would use it while the caller holds it), and the mapper runs
         * on the reader's thread. Pays when the caller does work per row that takes about as long as
         * reading it; without such work it gains nothing (docs/benchmark.md).
         *
         * @throws IllegalArgumentException if {@code batches} is not between 0 and 16
         */
        public Builder<T> readAhead(int batches) {
            this.readAhead = ReadAhead.checked("readAhead", batches);
            return this;
        }

        /**
         * Runs the query and returns the open walk; close it.
         *
         * @throws IllegalStateException if the caller's connection is closed, or another walk streams on it
         * @throws IllegalArgumentException if {@link #readAhead(int)} is asked of a walk on the caller's connection
         * @throws BatchwiseException    if the connection cannot serve {@link ConnectionUse#SHARED}, no
         *         connection can be had from the data source, or the query fails; the message says why
         */
        @Override
        public Walk<T> open() {
            if (readAhead > 0 && connection != null) {
                throw new IllegalArgumentException("readAhead(" + readAhead + ") needs the walk's own connection,"
                        + " but the walk was given the caller's Connection, which the reader thread would use while"
                        + " the caller holds it; pass the DataSource (JdbcWalker.query(dataSource, sql, mapper)),"
                        + " or drop readAhead");
            }
            try {
                if (connection != null && connection.isClosed()) {
                    throw new IllegalStateException("connection is closed; pass an open Connection, or a DataSource");
                }
            } catch (SQLException e) {
                throw Failures.wrap("Could not check the connection: " + e.getMessage(), -1, null, e);
            }
            Walk<T> rows = JdbcStreamingWalk.open(dataSource, connection, sql, parameters, mapper, options());
            return readAhead == 0 ? rows : ReadAheadWalk.over(rows, options().batchSize(), readAhead, () -> { });
        }
    }
}
