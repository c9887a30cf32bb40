package io.batchwise.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Failures;
import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.core.spi.LostConnections;
import io.batchwise.core.spi.GuardedConnection;
import io.batchwise.core.spi.MigrationEngine;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.migration.MigrationOptions;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.spi.KeyQuantiles;

/**
 * A memory-bounded, restartable migration over plain JDBC: visits the rows of a
 * {@link JdbcKeysetPager} in chunks, one transaction per chunk, and commits each chunk's writes
 * together with the job's checkpoint, so a crash at any instant neither loses nor repeats a chunk.
 *
 * <pre>{@code
 * JdbcKeysetPager<Long> ids = JdbcKeysetPager
 *         .select(dataSource, "id", row -> row.getLong(1))
 *         .from("orders").where("total IS NULL")
 *         .orderBy(SortKey.asc("id").unique()).open();
 *
 * MigrationResult result = JdbcMigration.of("backfill-order-totals", ids)
 *         .chunkSize(1_000)
 *         .partitions(4)                                  // key ranges split at quantiles, in parallel
 *         .forEachChunk((connection, chunk) -> {          // the chunk's connection, inside its transaction
 *             try (PreparedStatement update = connection.prepareStatement(
 *                     "UPDATE orders SET total = (SELECT SUM(price) FROM line WHERE order_id = ?) WHERE id = ?")) {
 *                 for (long id : chunk) {
 *                     update.setLong(1, id);
 *                     update.setLong(2, id);
 *                     update.addBatch();
 *                 }
 *                 return update.executeBatch().length;    // rows written, for the counts
 *             }
 *         })
 *         .build()
 *         .run();                                         // again after a crash: resumes at the checkpoint
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Chunk: a connection from the pager's {@code DataSource}, autocommit off; the next
 *       {@code chunkSize} rows after the checkpoint's position are read on it with the pager's query
 *       and, by default, {@code FOR UPDATE}, so the rows the work changes are locked from the read to
 *       the commit and concurrent application writes are neither lost nor overwritten with values
 *       read before them ({@link MigrationOptions#lockingRead(boolean)}); the work runs on the same connection;
 *       the checkpoint (position after the chunk's last row, counts) is written on it; commit.</li>
 *   <li>Exactly once: the work's writes on the chunk's connection commit with the checkpoint or
 *       not at all. Side effects elsewhere (messages, files, other data sources) are at least once:
 *       a chunk rolled back after they happened runs again.</li>
 *   <li>The work must not commit, roll back or close the connection (refused with an
 *       {@link IllegalStateException}, the chunk rolled back, the job stopped), and must not run
 *       statements that commit implicitly (DDL, {@code LOCK TABLES}).</li>
 *   <li>Transient failures (deadlock, lock wait timeout, lost connection, killed query, server
 *       restart) roll the chunk back; it runs again from the stored checkpoint after a backoff
 *       ({@link io.batchwise.core.migration.RetryPolicy}). Anything else stops the job with a {@link BatchwiseException} naming
 *       the chunk's key range and the cause; running it again resumes there.</li>
 *   <li>One run at a time per job name and schema (a server lock, {@code GET_LOCK}); a second run is
 *       refused with an {@link IllegalStateException} before it writes anything. A finished job run
 *       again does nothing until {@link io.batchwise.core.migration.Migration#reset()}. A job name reused with another query is refused.</li>
 *   <li>Connections: one per partition at a time, plus one that holds the job's lock for the run;
 *       size the pool for {@code partitions + 1}.</li>
 *   <li>Memory: one chunk of rows at a time per partition.</li>
 *   <li>An instance is immutable and may be run again (to resume); {@code run()} blocks until the
 *       job finishes, stops, or fails.</li>
 * </ul>
 */
public final class JdbcMigration {
    private static final System.Logger LOG = System.getLogger(JdbcMigration.class.getName());

    /** The work on one chunk. */
    @FunctionalInterface
    public interface ChunkWork<T> {
        /**
         * Changes what the chunk's rows call for, on {@code connection} (the chunk's, inside its
         * transaction); returns the rows written, for the counts.
         */
        long apply(Connection connection, List<T> rows) throws SQLException;
    }

    /** The work on one row. */
    @FunctionalInterface
    public interface RowWork<T> {
        /** Changes what {@code row} calls for, on the chunk's {@code connection}; returns the rows written. */
        long apply(Connection connection, T row) throws SQLException;
    }

    private JdbcMigration() {
    }

    /**
     * Starts a migration named {@code job} over the rows of {@code pager} (its query, keys and
     * data source); give the work with {@link Builder#forEachChunk} or {@link Builder#forEachRow}.
     */
    public static <T> Builder<T> of(String job, JdbcKeysetPager<T> pager) {
        return new Builder<>(job, pager);
    }

    /**
     * Options of a migration; {@link #build()} validates them (no SQL runs before {@code run()}).
     */
    public static final class Builder<T> extends MigrationOptions<Builder<T>> {
        private final JdbcKeysetPager<T> pager;
        private List<Object> startAfter;
        private ChunkWork<T> work;

        private Builder(String job, JdbcKeysetPager<T> pager) {
            super(job);
            this.pager = Arguments.notNull("pager", pager, "pass the JdbcKeysetPager whose rows the job visits");
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /**
         * Starts a new job after the position of a token of this pager (a {@link Page#nextToken()} or
         * {@link KeysetWalk#resumeToken()}) instead of at the first row; one partition only.
         *
         * @throws IllegalArgumentException for a token of another query, or one malformed or altered
         */
        public Builder<T> startAfter(String token) {
            this.startAfter = startAfterValues(pager.pages(), token);
            return this;
        }

        /** The work on each chunk; see {@link ChunkWork}. */
        public Builder<T> forEachChunk(ChunkWork<T> work) {
            this.work = Arguments.notNull("work", work, "pass (connection, rows) -> { ...; return rowsWritten; }");
            return this;
        }

        /** The work on each row of each chunk; see {@link RowWork}. */
        public Builder<T> forEachRow(RowWork<T> work) {
            Arguments.notNull("work", work, "pass (connection, row) -> { ...; return rowsWritten; }");
            this.work = (connection, rows) -> {
                long written = 0;
                for (T row : rows) {
                    written += work.apply(connection, row);
                }
                return written;
            };
            return this;
        }

        /**
         * Validates the options and returns the migration; nothing runs yet.
         *
         * @throws IllegalArgumentException for missing work or options that do not fit together
         */
        public Migration build() {
            Arguments.notNull("work", work, "call forEachChunk(..) or forEachRow(..) with what each chunk does");
            MigrationEngine.Settings settings = settings(startAfter);
            return new MigrationEngine(settings, new JdbcBackend<>(job(), pager, work,
                    lockingReads()));
        }
    }

    /** Chunks on connections of the pager's data source, read with the pager's query. */
    private static final class JdbcBackend<T> implements MigrationEngine.Backend {
        private final String job;
        private final DataSource dataSource;
        private final KeysetQuery<T> query;
        private final KeysetPages tokens;
        private final ChunkWork<T> work;
        private final String lockClause;
        private final AtomicBoolean checkedUrl = new AtomicBoolean();

        JdbcBackend(String job, JdbcKeysetPager<T> pager, ChunkWork<T> work, boolean lockingRead) {
            this.job = job;
            this.dataSource = pager.dataSource();
            this.query = pager.query();
            this.tokens = pager.pages();
            this.work = work;
            this.lockClause = lockingRead ? " FOR UPDATE" : "";
        }

        @Override
        public Connection connection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public byte[] fingerprint() {
            return tokens.fingerprint();
        }

        @Override
        public String encode(List<Object> keys) {
            return tokens.forwardToken(keys);
        }

        @Override
        public List<Object> decode(String token) {
            return tokens.decode(token).values();
        }

        @Override
        public KeyQuantiles quantiles(Connection connection) {
            return JdbcKeysetPager.quantiles(query, connection);
        }

        @Override
        public MigrationEngine.Outcome chunk(MigrationEngine.Request request, MigrationEngine.Hook hook)
                throws Exception {
            Connection connection = dataSource.getConnection();
            boolean lost = false;
            try {
                warnOnce(connection);
                connection.setAutoCommit(false);
                KeysetQuery.Rows<T> rows = query.read(connection, false, request.after(), request.upper(),
                        request.limit(), request.rowsBefore(), lockClause);
                MigrationEngine.Outcome outcome;
                if (rows.size() == 0) {
                    outcome = new MigrationEngine.Outcome(0, 0, List.of(), List.of());
                } else {
                    long written = request.work() ? work.apply(GuardedConnection.of(connection, job), rows.rows()) : 0;
                    outcome = new MigrationEngine.Outcome(rows.size(), written, rows.keys().get(0),
                            rows.keys().get(rows.size() - 1));
                }
                hook.beforeCommit(connection, outcome);
                if (request.dryRun()) {
                    connection.rollback();
                } else {
                    connection.commit();
                }
                return outcome;
            } catch (Exception | Error e) {
                lost = Failures.connectionGone(Failures.classify(e));
                if (!lost) {
                    try {
                        connection.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                }
                throw e;
            } finally {
                if (lost) {
                    LostConnections.discard(connection);
                } else {
                    try {
                        connection.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // the pool resets it, or drops the connection
                    }
                }
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // nothing left to release
                }
            }
        }

        private void warnOnce(Connection connection) throws SQLException {
            if (checkedUrl.getAndSet(true)) {
                return;
            }
            if (JdbcDriver.of(connection) == JdbcDriver.MYSQL_CONNECTOR_J) {
                String url = String.valueOf(connection.getMetaData().getURL());
                if (!url.contains("rewriteBatchedStatements=true")) {
                    LOG.log(Level.INFO, () -> "Migration job \"" + job + "\": MySQL Connector/J sends a batch"
                            + " (executeBatch) as one statement per row unless the JDBC URL has"
                            + " rewriteBatchedStatements=true; add it when the work batches its writes.");
                }
            }
        }
    }
}
