package io.batchwise.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.batchwise.core.internal.Arguments;
import io.batchwise.core.internal.Failures;
import io.batchwise.core.internal.KeysetQuery;
import io.batchwise.core.internal.LostConnections;
import io.batchwise.core.internal.ResumeTokens;
import io.batchwise.core.internal.SeekSql;
import io.batchwise.core.internal.migration.GuardedConnection;
import io.batchwise.core.internal.migration.MigrationEngine;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.migration.RetryPolicy;
import io.batchwise.core.migration.StopSignal;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.CheckpointStore;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.core.spi.Throttle;

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
 *       read before them ({@link Builder#lockingRead(boolean)}); the work runs on the same connection;
 *       the checkpoint (position after the chunk's last row, counts) is written on it; commit.</li>
 *   <li>Exactly once: the work's writes on the chunk's connection commit with the checkpoint or
 *       not at all. Side effects elsewhere (messages, files, other data sources) are at least once:
 *       a chunk rolled back after they happened runs again.</li>
 *   <li>The work must not commit, roll back or close the connection (refused with an
 *       {@link IllegalStateException}, the chunk rolled back, the job stopped), and must not run
 *       statements that commit implicitly (DDL, {@code LOCK TABLES}).</li>
 *   <li>Transient failures (deadlock, lock wait timeout, lost connection, killed query, server
 *       restart) roll the chunk back; it runs again from the stored checkpoint after a backoff
 *       ({@link RetryPolicy}). Anything else stops the job with a {@link BatchwiseException} naming
 *       the chunk's key range and the cause; running it again resumes there.</li>
 *   <li>One run at a time per job name and schema (a server lock, {@code GET_LOCK}); a second run is
 *       refused with an {@link IllegalStateException} before it writes anything. A finished job run
 *       again does nothing until {@link #reset()}. A job name reused with another query is refused.</li>
 *   <li>Connections: one per partition at a time, plus one that holds the job's lock for the run;
 *       size the pool for {@code partitions + 1}.</li>
 *   <li>Memory: one chunk of rows at a time per partition.</li>
 *   <li>An instance is immutable and may be run again (to resume); {@code run()} blocks until the
 *       job finishes, stops, or fails.</li>
 * </ul>
 *
 * @param <T> the row type of the pager
 */
public final class JdbcMigration<T> {
    /** Rows per chunk unless {@link Builder#chunkSize(int)} says otherwise. */
    public static final int DEFAULT_CHUNK_SIZE = 1_000;
    /** The largest chunk: a chunk is held in memory whole. */
    public static final int MAX_CHUNK_SIZE = JdbcKeysetPager.MAX_PAGE_SIZE;
    /** The most partitions: each holds a connection and a thread. */
    public static final int MAX_PARTITIONS = 64;
    /** The longest job name (the checkpoint table's key). */
    public static final int MAX_JOB_CHARS = 190;

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

    private final MigrationEngine engine;
    private final String job;

    private JdbcMigration(MigrationEngine engine, String job) {
        this.engine = engine;
        this.job = job;
    }

    /**
     * Starts a migration named {@code job} over the rows of {@code pager} (its query, keys and
     * data source); give the work with {@link Builder#forEachChunk} or {@link Builder#forEachRow}.
     */
    public static <T> Builder<T> of(String job, JdbcKeysetPager<T> pager) {
        return new Builder<>(job, pager);
    }

    /**
     * Runs the job: from the start, or from its checkpoint when an earlier run stopped or failed;
     * returns when every partition reached its end, or a stop was requested. Does nothing for a job
     * that has finished.
     *
     * @throws BatchwiseException    when a chunk fails for a reason that is not transient, or keeps
     *                               failing; the message names the chunk's key range and the cause
     * @throws IllegalStateException when the job is running elsewhere
     * @throws IllegalArgumentException when the job name was used with another query or other partitions
     */
    public MigrationResult run() {
        return engine.run();
    }

    /** Deletes the job's checkpoints, so that the next run starts over; refused while the job runs. */
    public int reset() {
        return engine.reset();
    }

    /** The job's stored checkpoints, one per partition (empty before its first run). */
    public List<Checkpoint> checkpoints() {
        return engine.checkpoints();
    }

    /** The job name. */
    public String job() {
        return job;
    }

    /** Checks a job name for every migration entry point. */
    static String checkJob(String job) {
        Arguments.notNull("job", job, "name the job, e.g. \"backfill-order-totals\": its checkpoint is stored under it");
        if (job.isBlank() || job.length() > MAX_JOB_CHARS || job.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("job must be 1 to " + MAX_JOB_CHARS + " characters without control"
                    + " characters, was \"" + job + "\"; name the job, e.g. \"backfill-order-totals\": its checkpoint"
                    + " is stored under it");
        }
        return job;
    }

    /**
     * Options of a migration; {@link #build()} validates them (no SQL runs before {@code run()}).
     */
    public static final class Builder<T> {
        private final String job;
        private final JdbcKeysetPager<T> pager;
        private int chunkSize = DEFAULT_CHUNK_SIZE;
        private int partitions = 1;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private boolean dryRun;
        private Throttle throttle = Throttle.NONE;
        private MigrationListener listener = new MigrationListener() {
        };
        private StopSignal stop = new StopSignal();
        private CheckpointStore store = CheckpointStore.table();
        private Duration progressInterval = Duration.ofSeconds(10);
        private List<Object> startAfter;
        private boolean lockingRead = true;
        private int lockWaitSeconds = 5;
        private ChunkWork<T> work;

        private Builder(String job, JdbcKeysetPager<T> pager) {
            this.job = checkJob(job);
            this.pager = Arguments.notNull("pager", pager, "pass the JdbcKeysetPager whose rows the job visits");
        }

        /** Rows per chunk and transaction, 1 to {@value JdbcMigration#MAX_CHUNK_SIZE}; default {@value JdbcMigration#DEFAULT_CHUNK_SIZE}. */
        public Builder<T> chunkSize(int rows) {
            if (rows < 1 || rows > MAX_CHUNK_SIZE) {
                throw new IllegalArgumentException("chunkSize must be in [1, " + MAX_CHUNK_SIZE + "], was " + rows
                        + "; a chunk is one transaction held in memory whole: 500 to 5,000 suits most jobs");
            }
            this.chunkSize = rows;
            return this;
        }

        /**
         * Splits the rows into {@code count} key ranges of about equal size, each run by its own thread
         * and connection with its own checkpoint; fixed when the job first runs. Default 1.
         */
        public Builder<T> partitions(int count) {
            if (count < 1 || count > MAX_PARTITIONS) {
                throw new IllegalArgumentException("partitions must be in [1, " + MAX_PARTITIONS + "], was " + count
                        + "; each partition holds a connection and a thread: start with the server's cores");
            }
            this.partitions = count;
            return this;
        }

        /** How transient failures are retried; default {@link RetryPolicy#DEFAULT}. */
        public Builder<T> retry(RetryPolicy policy) {
            this.retry = Arguments.notNull("retry", policy, "pass RetryPolicy.DEFAULT, RetryPolicy.NONE or RetryPolicy.of(..)");
            return this;
        }

        /**
         * Runs every chunk's work and rolls it back: counts and chunk boundaries are reported to the
         * listener, nothing is written and no checkpoint is created or advanced. Default false.
         */
        public Builder<T> dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** Asked before each chunk whether to wait; default none. See {@link Throttle#threadsRunning}. */
        public Builder<T> throttle(Throttle throttle) {
            this.throttle = Arguments.notNull("throttle", throttle, "pass a Throttle, or Throttle.NONE");
            return this;
        }

        /** Told of every chunk, retry, progress interval and the end. */
        public Builder<T> listener(MigrationListener listener) {
            this.listener = Arguments.notNull("listener", listener, "pass a MigrationListener");
            return this;
        }

        /** The signal that stops the run gracefully after the current chunk. */
        public Builder<T> stopSignal(StopSignal signal) {
            this.stop = Arguments.notNull("stopSignal", signal, "pass a StopSignal and call request() on it to stop");
            return this;
        }

        /** Where checkpoints are kept; default {@link CheckpointStore#table()}. */
        public Builder<T> checkpointStore(CheckpointStore store) {
            this.store = Arguments.notNull("checkpointStore", store, "pass CheckpointStore.table() or your own");
            return this;
        }

        /** How often progress is logged and given to the listener; 100 ms to 1 hour, default 10 s. */
        public Builder<T> progressInterval(Duration interval) {
            if (interval == null || interval.compareTo(Duration.ofMillis(100)) < 0
                    || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("progressInterval must be between 100 ms and 1 hour, was " + interval
                        + "; pass e.g. Duration.ofSeconds(10)");
            }
            this.progressInterval = interval;
            return this;
        }

        /**
         * Starts a new job after the position of a token of this pager (a {@link Page#nextToken()} or
         * {@link KeysetWalk#resumeToken()}) instead of at the first row; one partition only.
         *
         * @throws IllegalArgumentException for a token of another query, or one malformed or altered
         */
        public Builder<T> startAfter(String token) {
            Arguments.notBlank("startAfter", token, "pass a nextToken() or resumeToken() of this job's pager");
            ResumeTokens.Decoded decoded = pager.tokens().decode(token, pager.order().size());
            if (decoded.before()) {
                throw new IllegalArgumentException("startAfter must lead forward, but the token is a"
                        + " Page.previousToken(); pass a nextToken() or resumeToken() of this job's pager");
            }
            this.startAfter = decoded.values();
            return this;
        }

        /**
         * Whether chunks read their rows with {@code FOR UPDATE} (default true): the rows stay locked
         * from the read to the commit, so the work's writes are based on their latest committed values
         * and concurrent writes wait for the chunk. Turn it off only when the work does not write the
         * rows it read from values it read (a copy into another table, a delete by key).
         */
        public Builder<T> lockingRead(boolean lock) {
            this.lockingRead = lock;
            return this;
        }

        /** How long a new run waits for a run of the same job to end before it is refused; 0 to 60 s, default 5 s. */
        public Builder<T> lockWait(Duration wait) {
            if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("lockWait must be between 0 and 60 s, was " + wait
                        + "; pass how long a new run waits for another run of the job, e.g. Duration.ofSeconds(5)");
            }
            this.lockWaitSeconds = (int) wait.toSeconds();
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
        public JdbcMigration<T> build() {
            Arguments.notNull("work", work, "call forEachChunk(..) or forEachRow(..) with what each chunk does");
            if (startAfter != null && partitions > 1) {
                throw new IllegalArgumentException("startAfter works with one partition, but partitions was "
                        + partitions + "; drop startAfter, or run with partitions(1)");
            }
            MigrationEngine.Settings settings = new MigrationEngine.Settings(job, chunkSize, partitions, retry, dryRun,
                    throttle, listener, stop, store, progressInterval, startAfter, lockWaitSeconds);
            return new JdbcMigration<>(new MigrationEngine(settings, new JdbcBackend<>(job, pager, work, lockingRead)),
                    job);
        }
    }

    /** Chunks on connections of the pager's data source, read with the pager's query. */
    private static final class JdbcBackend<T> implements MigrationEngine.Backend {
        private final String job;
        private final DataSource dataSource;
        private final KeysetQuery<T> query;
        private final ResumeTokens.Codec tokens;
        private final KeyOrder order;
        private final ChunkWork<T> work;
        private final String lockClause;
        private final AtomicBoolean checkedUrl = new AtomicBoolean();

        JdbcBackend(String job, JdbcKeysetPager<T> pager, ChunkWork<T> work, boolean lockingRead) {
            this.job = job;
            this.dataSource = pager.dataSource();
            this.query = pager.query();
            this.tokens = pager.tokens();
            this.order = pager.order();
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
            return tokens.encode(false, keys);
        }

        @Override
        public List<Object> decode(String token) {
            return tokens.decode(token, order.size()).values();
        }

        @Override
        public long count(Connection connection) throws SQLException {
            return query.count(connection);
        }

        @Override
        public List<Object> keysAt(Connection connection, List<Object> after, long offset) throws SQLException {
            KeysetQuery.Rows<T> rows = query.read(connection, false, after, 1, 0, " OFFSET " + (offset - 1));
            return rows.size() == 0 ? null : rows.keys().get(0);
        }

        /** The query up to and including the row with keys {@code upper}: "before it, or it". */
        private KeysetQuery<T> upTo(List<Object> upper) {
            if (upper == null) {
                return query;
            }
            SeekSql.Clause before = SeekSql.after(order.reversed(), upper, SeekSql.MYSQL);
            List<Object> values = new ArrayList<>(before.values(upper));
            StringBuilder equal = new StringBuilder();
            for (int i = 0; i < order.size(); i++) {
                equal.append(i == 0 ? "" : " AND ").append(order.get(i).quoted());
                if (upper.get(i) == null) {
                    equal.append(" IS NULL");
                } else {
                    equal.append(" = ?");
                    values.add(upper.get(i));
                }
            }
            return query.and(before.text() + " OR (" + equal + ")", values);
        }

        @Override
        public MigrationEngine.Outcome chunk(MigrationEngine.Request request, MigrationEngine.Hook hook)
                throws Exception {
            Connection connection = dataSource.getConnection();
            boolean lost = false;
            try {
                warnOnce(connection);
                connection.setAutoCommit(false);
                KeysetQuery.Rows<T> rows = upTo(request.upper()).read(connection, false, request.after(),
                        request.limit(), request.rowsBefore(), lockClause);
                MigrationEngine.Outcome outcome;
                if (rows.size() == 0) {
                    outcome = new MigrationEngine.Outcome(0, 0, List.of(), List.of());
                } else {
                    long written = work.apply(GuardedConnection.of(connection, job), rows.rows());
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
                lost = Failures.classify(e) == Failures.Fault.CONNECTION_LOST;
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
