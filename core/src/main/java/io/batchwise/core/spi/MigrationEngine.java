package io.batchwise.core.spi;

import io.batchwise.core.internal.migration.CheckpointMovedException;
import io.batchwise.core.internal.migration.JobLock;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.migration.ChunkReport;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.migration.MigrationProgress;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.migration.RetryPolicy;
import io.batchwise.core.migration.SkippedRow;
import io.batchwise.core.migration.StopSignal;

/**
 * The one migration loop, whatever reads and changes the rows (plain JDBC, Hibernate sessions):
 * partitions planned at key quantiles, one transaction per chunk with its checkpoint saved in it,
 * retries of transient failures from the stored checkpoint, the skip policy (bisection of a failed
 * chunk down to the rows that fail alone), the job lock, throttle, stop, dry run and progress. A
 * {@link Backend} supplies only how a chunk is read and worked on.
 */
public final class MigrationEngine implements Migration {
    private static final System.Logger LOG = System.getLogger("io.batchwise.core.migration");

    /** What the variant (JDBC, entity) supplies. */
    public interface Backend {
        /** A connection in autocommit mode for setup, the job lock and the throttle; the caller closes it. */
        Connection connection() throws SQLException;

        /** The fingerprint of the query the job visits (8 bytes). */
        byte[] fingerprint();

        /** A forward token of a row's key values. */
        String encode(List<Object> keys);

        /** The key values of a token this backend issued; {@link IllegalArgumentException} otherwise. */
        List<Object> decode(String token);

        /** The rows the job visits, to count and split at key quantiles, read on {@code connection}. */
        KeyQuantiles quantiles(Connection connection);

        /**
         * Runs one chunk: begins a transaction on a connection of its own, reads up to
         * {@code request.limit()} rows after {@code request.after()} and up to (inclusive)
         * {@code request.upper()}, runs the work on them (unless {@code request.work()} is false: a
         * row the skip policy steps over), calls {@code hook} on the same connection, then commits
         * ({@code dryRun}: rolls back). Rolls back and releases everything on failure.
         */
        Outcome chunk(Request request, Hook hook) throws Exception;
    }

    /**
     * One chunk to run; {@code work} false: read the rows and move the checkpoint past them without
     * running the work on them (and report 0 written).
     */
    public record Request(int partition, List<Object> after, List<Object> upper, int limit, boolean dryRun,
            long rowsBefore, boolean work) {
    }

    /** What a chunk did, before it commits. */
    public record Outcome(int rows, long written, List<Object> firstKeys, List<Object> lastKeys) {
    }

    /** Runs in the chunk's transaction just before its commit. */
    public interface Hook {
        void beforeCommit(Connection connection, Outcome outcome) throws SQLException;
    }

    /** The validated options of a job. */
    public record Settings(String job, int chunkSize, int partitions, RetryPolicy retry, boolean dryRun,
            Throttle throttle, MigrationListener listener, StopSignal stop, CheckpointStore store,
            Duration progressInterval, List<Object> startAfter, int lockWaitSeconds, Adaptive adaptive,
            int skipLimit) {
    }

    /**
     * Adaptive chunk size: aim at {@code target} per chunk within {@code [min, max]} rows, from a moving
     * average of the rows per second of full chunks (as pt-online-schema-change's --chunk-time does);
     * halve after a lock wait timeout or a deadlock.
     */
    public record Adaptive(int min, int max, Duration target) {
        /** The next chunk size after a full chunk of {@code size} rows that took {@code millis}. */
        int next(int size, double averageRowsPerMilli) {
            double wanted = averageRowsPerMilli * Math.max(1, target.toMillis());
            return (int) Math.max(min, Math.min(max, Math.min(wanted, size * 4.0)));
        }
    }

    private final Settings settings;
    private final Backend backend;
    private final String fingerprint;
    private final AtomicBoolean checkedServer = new AtomicBoolean();

    public MigrationEngine(Settings settings, Backend backend) {
        this.settings = settings;
        this.backend = backend;
        this.fingerprint = HexFormat.of().formatHex(backend.fingerprint());
    }

    @Override
    public String job() {
        return settings.job();
    }

    /** Deletes the job's checkpoints; refuses while the job runs. */
    @Override
    public int reset() {
        try (Connection admin = backend.connection()) {
            if (!settings.store().exists(admin)) {
                return 0;
            }
            JobLock lock = JobLock.acquire(admin, settings.job(), 0, backend::connection);
            try {
                return settings.store().reset(admin, settings.job());
            } finally {
                lock.release();
            }
        } catch (SQLException e) {
            throw new BatchwiseException("Resetting migration job \"" + settings.job() + "\" failed: " + e.getMessage(),
                    -1, e);
        }
    }

    /** The job's stored checkpoints (empty for a job never run, or when the store does not exist). */
    @Override
    public List<Checkpoint> checkpoints() {
        try (Connection admin = backend.connection()) {
            return settings.store().exists(admin) ? settings.store().load(admin, settings.job()) : List.of();
        } catch (SQLException e) {
            throw new BatchwiseException("Reading the checkpoints of migration job \"" + settings.job() + "\" failed: "
                    + e.getMessage(), -1, e);
        }
    }

    @Override
    public MigrationResult run() {
        long started = System.nanoTime();
        Connection admin;
        try {
            admin = backend.connection();
        } catch (SQLException e) {
            throw new BatchwiseException("Migration job \"" + settings.job() + "\" could not get a connection: "
                    + e.getMessage(), -1, e);
        }
        JobLock lock = null;
        try {
            admin.setAutoCommit(true);
            warnIfTimesAreTruncated(admin);
            boolean stored = prepareStore(admin);
            lock = JobLock.acquire(admin, settings.job(), settings.lockWaitSeconds(), backend::connection);
            List<Checkpoint> checkpoints = stored ? settings.store().load(admin, settings.job()) : List.of();
            checkExisting(checkpoints);
            if (!checkpoints.isEmpty() && checkpoints.stream().allMatch(Checkpoint::finished)) {
                MigrationResult done = new MigrationResult(settings.job(), MigrationResult.Outcome.ALREADY_FINISHED,
                        checkpoints.size(), 0, 0, 0, 0, Duration.ofNanos(System.nanoTime() - started), List.of());
                LOG.log(Level.INFO, () -> "Migration job \"" + settings.job() + "\" finished in an earlier run;"
                        + " nothing to do (reset() the job to run it again)");
                settings.listener().finished(done);
                return done;
            }
            long total = backend.quantiles(admin).count();
            if (checkpoints.isEmpty()) {
                checkpoints = plan(admin, total);
                if (!settings.dryRun()) {
                    admin.setAutoCommit(false);
                    try {
                        settings.store().create(admin, checkpoints);
                        admin.commit();
                    } catch (SQLException | RuntimeException e) {
                        admin.rollback();
                        throw e;
                    } finally {
                        admin.setAutoCommit(true);
                    }
                }
            }
            return new Run(lock, checkpoints, total, started).execute();
        } catch (SQLException e) {
            throw new BatchwiseException("Migration job \"" + settings.job() + "\" could not start: " + e.getMessage()
                    + ". Nothing was changed; run it again once the cause is fixed.", -1, e);
        } finally {
            if (lock != null) {
                lock.release();
            } else {
                try {
                    admin.close();
                } catch (SQLException ignored) {
                    // already failed
                }
            }
        }
    }

    /**
     * Once per migration: MySQL Connector/J on MariaDB 10.x, which greets it as {@code 5.5.5-10.x} (the
     * prefix kept old MySQL clients working), takes the server for MySQL 5.5, which had no fractional
     * seconds, and drops the fraction of every time value it binds. Reads are exact (keys travel as
     * text), but what the work writes back is cut to the second, silently. From the handshake's
     * version, no query.
     */
    private void warnIfTimesAreTruncated(Connection admin) throws SQLException {
        if (checkedServer.getAndSet(true) || JdbcDriver.of(admin) != JdbcDriver.MYSQL_CONNECTOR_J) {
            return;
        }
        String version = String.valueOf(admin.getMetaData().getDatabaseProductVersion());
        if (version.startsWith("5.5.5-")) {
            LOG.log(Level.WARNING, () -> "Migration job \"" + settings.job() + "\": MySQL Connector/J is connected to"
                    + " MariaDB " + version.substring("5.5.5-".length()) + ", which it takes for MySQL 5.5, so it drops the"
                    + " fractional seconds of every DATETIME, TIMESTAMP and TIME value the work writes (an entity"
                    + " written back whole writes all of its columns): 12:00:00.123456 is stored as 12:00:00. Use"
                    + " MariaDB Connector/J (org.mariadb.jdbc, jdbc:mariadb://) with MariaDB 10.x, or write only the"
                    + " columns the work changes (an UPDATE of those columns, or @DynamicUpdate on the entity);"
                    + " docs/migrations.md, \"MySQL Connector/J on MariaDB 10.x\".");
        }
    }

    /** Creates the store unless it is a dry run; whether it exists. */
    private boolean prepareStore(Connection admin) throws SQLException {
        CheckpointStore store = settings.store();
        if (settings.dryRun()) {
            return store.exists(admin);
        }
        try {
            store.prepare(admin);
            return true;
        } catch (SQLException e) {
            throw new BatchwiseException("Migration job \"" + settings.job() + "\" cannot use its checkpoint store "
                    + store + ": " + e.getMessage() + " (SQLState " + e.getSQLState() + ", error " + e.getErrorCode()
                    + "). Nothing was changed. Either let the job's user create it (GRANT CREATE, INSERT, UPDATE,"
                    + " DELETE, SELECT on the schema), or create it once by hand and grant SELECT, INSERT, UPDATE and"
                    + " DELETE on it:\n" + store.ddl(), -1, e);
        }
    }

    private void checkExisting(List<Checkpoint> checkpoints) {
        for (Checkpoint c : checkpoints) {
            if (!c.fingerprint().equals(fingerprint)) {
                throw new IllegalArgumentException("job \"" + settings.job() + "\" was run with another query"
                        + " (fingerprint " + c.fingerprint() + ", this one is " + fingerprint + "): its checkpoint's"
                        + " positions mean nothing to this query. Use a new job name for this query, or reset() the"
                        + " job to start it over with this one");
            }
            if (c.partitions() != settings.partitions()) {
                throw new IllegalArgumentException("partitions must stay " + c.partitions() + " for job \""
                        + settings.job() + "\", was " + settings.partitions() + ": the job's key ranges were fixed when"
                        + " it started. Run it with partitions(" + c.partitions() + "), or reset() it to start over");
            }
        }
        if (!checkpoints.isEmpty() && settings.startAfter() != null) {
            throw new IllegalArgumentException("startAfter applies to a new job only, but job \"" + settings.job()
                    + "\" has a checkpoint and resumes from it; drop startAfter, or reset() the job");
        }
    }

    /** The partitions of a new job: boundaries at the key quantiles of the rows, read from the index. */
    private List<Checkpoint> plan(Connection admin, long total) throws SQLException {
        int wanted = settings.partitions();
        List<List<Object>> bounds = KeyQuantiles.boundaries(backend.quantiles(admin), total, wanted);
        int parts = wanted;
        List<Checkpoint> plan = new ArrayList<>(parts);
        String start = settings.startAfter() == null ? null : backend.encode(settings.startAfter());
        for (int i = 0; i < parts; i++) {
            // partition i runs after boundary i-1 up to boundary i (inclusive); the last one to the end.
            // A table with fewer rows than partitions has fewer boundaries: the partitions past them are empty.
            boolean empty = i > bounds.size();
            String lower = i == 0 ? start : empty ? null : backend.encode(bounds.get(i - 1));
            String upper = i < bounds.size() ? backend.encode(bounds.get(i)) : null;
            plan.add(new Checkpoint(settings.job(), i, parts, fingerprint, lower, upper, null, 0, 0, 0, empty));
        }
        return plan;
    }

    /** One run over the unfinished partitions. */
    private final class Run {
        private final JobLock lock;
        private final List<Checkpoint> checkpoints;
        private final long total;
        private final long started;
        private final AtomicBoolean abort = new AtomicBoolean();
        private final AtomicLong rowsRead = new AtomicLong();
        private final AtomicLong rowsWritten = new AtomicLong();
        private final AtomicLong chunks = new AtomicLong();
        private final AtomicLong retries = new AtomicLong();
        private final AtomicInteger stopped = new AtomicInteger();
        private final AtomicInteger skips = new AtomicInteger();
        private final List<SkippedRow> skipped = Collections.synchronizedList(new ArrayList<>());
        private final long priorRead;
        private final long priorWritten;
        private final long priorChunks;
        private long lastProgress;

        Run(JobLock lock, List<Checkpoint> checkpoints, long total, long started) {
            this.lock = lock;
            this.checkpoints = checkpoints;
            this.total = total;
            this.started = started;
            this.priorRead = checkpoints.stream().mapToLong(Checkpoint::rowsRead).sum();
            this.priorWritten = checkpoints.stream().mapToLong(Checkpoint::rowsWritten).sum();
            this.priorChunks = checkpoints.stream().mapToLong(Checkpoint::chunks).sum();
            this.lastProgress = started;
        }

        MigrationResult execute() {
            List<Checkpoint> open = checkpoints.stream().filter(c -> !c.finished()).toList();
            LOG.log(Level.INFO, () -> "Migration job \"" + settings.job() + "\"" + (settings.dryRun() ? " (dry run)" : "")
                    + ": " + open.size() + " of " + checkpoints.size() + " partition(s) to run, about " + total
                    + " rows in all, " + priorRead + " done in earlier runs, chunks of " + settings.chunkSize());
            if (open.size() == 1) {
                partition(open.get(0));
            } else if (!open.isEmpty()) {
                ExecutorService pool = Executors.newFixedThreadPool(open.size(), r -> {
                    Thread t = new Thread(r, "batchwise-migration-" + settings.job());
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (Checkpoint c : open) {
                        futures.add(pool.submit(() -> {
                            try {
                                partition(c);
                            } catch (RuntimeException | Error e) {
                                abort.set(true);
                                throw e;
                            }
                        }));
                    }
                    RuntimeException failure = null;
                    for (Future<?> f : futures) {
                        try {
                            f.get();
                        } catch (ExecutionException e) {
                            Throwable cause = e.getCause();
                            if (cause instanceof Error error) {
                                throw error;
                            }
                            RuntimeException r = (RuntimeException) cause;
                            if (failure == null) {
                                failure = r;
                            } else {
                                failure.addSuppressed(r);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            abort.set(true);
                            throw new BatchwiseException("Interrupted while migration job \"" + settings.job()
                                    + "\" ran; its partitions stop after their current chunk", rowsRead.get(), e);
                        }
                    }
                    if (failure != null) {
                        throw failure;
                    }
                } finally {
                    pool.shutdown();
                }
            }
            MigrationResult.Outcome outcome = settings.dryRun() ? MigrationResult.Outcome.DRY_RUN
                    : stopped.get() > 0 ? MigrationResult.Outcome.STOPPED : MigrationResult.Outcome.FINISHED;
            MigrationResult result = new MigrationResult(settings.job(), outcome, checkpoints.size(), rowsRead.get(),
                    rowsWritten.get(), chunks.get(), retries.get(), Duration.ofNanos(System.nanoTime() - started),
                    skipped);
            progress(true);
            LOG.log(Level.INFO, () -> "Migration job \"" + settings.job() + "\" " + outcome.name().toLowerCase(Locale.ROOT)
                    .replace('_', ' ') + ": " + result.rowsRead() + " rows read, " + result.rowsWritten() + " written in "
                    + result.chunks() + " chunks, " + result.retries() + " retries, " + (result.skipped().isEmpty() ? ""
                    : result.skipped().size() + (result.skipped().size() == 1 ? " row" : " rows") + " skipped, ")
                    + result.elapsed().toMillis() + " ms");
            settings.listener().finished(result);
            return result;
        }

        private void partition(Checkpoint initial) {
            Checkpoint checkpoint = initial;
            List<Object> upper = checkpoint.upperToken() == null ? null : backend.decode(checkpoint.upperToken());
            List<Object> position = position(checkpoint);
            int failed = 0;
            boolean reload = false;
            Adaptive adaptive = settings.adaptive();
            int size = adaptive == null ? settings.chunkSize()
                    : Math.max(adaptive.min(), Math.min(adaptive.max(), settings.chunkSize()));
            double rowsPerMilli = -1;
            Bisection bisection = new Bisection();
            while (!checkpoint.finished()) {
                if (settings.stop().isRequested() || abort.get()) {
                    stopped.incrementAndGet();
                    return;
                }
                long chunkStart = 0;
                boolean inChunk = false;
                try {
                    if (reload) {
                        if (!settings.dryRun()) {
                            Checkpoint stored = reload(checkpoint);
                            long moved = stored.rowsRead() - checkpoint.rowsRead();
                            if (moved > 0 && bisection.rowToSkip() != null) {
                                // the skip's commit did happen (its acknowledgement was lost): the position is the row
                                skip(stored.partition(), position(stored), bisection.rowToSkip());
                            }
                            bisection.committed(moved);
                            checkpoint = stored;
                            position = position(checkpoint);
                            if (checkpoint.finished()) {
                                break;
                            }
                        }
                        reload = false;
                    }
                    throttle();
                    lock.ensureHeld();
                    chunkStart = System.nanoTime();
                    Checkpoint before = checkpoint;
                    Checkpoint[] after = new Checkpoint[1];
                    boolean bisecting = bisection.active();
                    Exception rowToSkip = bisection.rowToSkip();
                    int limit = bisection.limit(size);
                    inChunk = true;
                    Outcome outcome = backend.chunk(new Request(before.partition(), position, upper,
                            limit, settings.dryRun(), before.rowsRead(), rowToSkip == null), (connection, o) -> {
                                lock.verify(connection);
                                Checkpoint next = o.rows() == 0 ? before.finish()
                                        : before.advance(backend.encode(o.lastKeys()), o.rows(), o.written(),
                                                o.rows() < limit);
                                if (!settings.dryRun()) {
                                    settings.store().save(connection, before, next);
                                }
                                after[0] = next;
                            });
                    inChunk = false;
                    long millis = (System.nanoTime() - chunkStart) / 1_000_000;
                    checkpoint = after[0];
                    if (outcome.rows() > 0) {
                        position = outcome.lastKeys();
                        rowsRead.addAndGet(outcome.rows());
                        rowsWritten.addAndGet(outcome.written());
                        chunks.incrementAndGet();
                        settings.listener().chunkCommitted(new ChunkReport(settings.job(), before.partition(),
                                outcome.rows(), outcome.written(), outcome.firstKeys(), outcome.lastKeys(), failed + 1,
                                millis, settings.dryRun()));
                        if (rowToSkip != null) {
                            skip(before.partition(), outcome.firstKeys(), rowToSkip);
                        }
                    } else if (rowToSkip != null) {
                        skips.decrementAndGet(); // the row is gone (deleted meanwhile): nothing was skipped
                    }
                    bisection.committed(outcome.rows());
                    failed = 0;
                    if (adaptive != null && !bisecting && outcome.rows() == limit) {
                        double rate = outcome.rows() / (double) Math.max(1, millis);
                        rowsPerMilli = rowsPerMilli < 0 ? rate : 0.7 * rowsPerMilli + 0.3 * rate;
                        size = adaptive.next(size, rowsPerMilli);
                    }
                    progress(false);
                } catch (Exception e) {
                    String reason = e instanceof JobLock.LockLostException ? e.getMessage() : retryable(e);
                    int limit = bisection.limit(size);
                    if (reason == null) {
                        if (!inChunk || settings.skipLimit() == 0 || bisection.rowToSkip() != null || !skippable(e)) {
                            throw failure(checkpoint, position, upper, limit, e, null);
                        }
                        bisect(bisection, checkpoint, position, upper, limit, e);
                        failed = 0;
                        continue;
                    }
                    failed++;
                    retries.incrementAndGet();
                    if (adaptive != null && (reason.startsWith("lock wait timeout") || reason.startsWith("deadlock"))) {
                        size = Math.max(adaptive.min(), size / 2); // smaller chunks hold fewer locks for less time
                    }
                    if (failed >= settings.retry().maxAttempts()) {
                        throw failure(checkpoint, position, upper, limit, e, "it failed " + failed + " times in a row (last: "
                                + reason + ")");
                    }
                    Duration backoff = settings.retry().backoff(failed);
                    int attempt = failed;
                    int partition = checkpoint.partition();
                    LOG.log(Level.WARNING, () -> "Migration job \"" + settings.job() + "\" partition " + partition
                            + ": chunk attempt " + attempt + " rolled back, " + reason + "; retrying from the checkpoint"
                            + " in " + backoff.toMillis() + " ms");
                    settings.listener().retrying(partition, attempt, reason, backoff, e);
                    sleep(backoff);
                    reload = true;
                }
            }
        }

        /**
         * The skip policy, after the chunk of {@code limit} rows at {@code position} failed with
         * {@code e}: halves it, or, when it was one row, marks that row to be skipped, or stops the job
         * when the run has skipped as many rows as it may.
         */
        private void bisect(Bisection bisection, Checkpoint checkpoint, List<Object> position, List<Object> upper,
                int limit, Exception e) {
            int partition = checkpoint.partition();
            boolean first = !bisection.active();
            if (!bisection.failed(limit, e)) {
                if (first) {
                    LOG.log(Level.WARNING, () -> "Migration job \"" + settings.job() + "\" partition " + partition
                            + ": the chunk after " + (position == null ? "the start" : "key " + position) + " (" + limit
                            + " rows) failed and was rolled back (" + firstLine(e) + "); bisecting it to find the"
                            + " row(s) that fail alone (skipLimit " + settings.skipLimit() + ")");
                }
                return;
            }
            if (skips.incrementAndGet() > settings.skipLimit()) {
                skips.decrementAndGet();
                throw failure(checkpoint, position, upper, 1, e, "the work failed on this row alone (" + firstLine(e)
                        + "), and this run has skipped " + settings.skipLimit() + " rows already, its skipLimit");
            }
        }

        /** Records a row the skip policy stepped over; after the commit that moved past it. */
        private void skip(int partition, List<Object> keys, Exception failure) {
            SkippedRow row = new SkippedRow(settings.job(), partition, keys, firstLine(failure));
            skipped.add(row);
            LOG.log(Level.WARNING, () -> "Migration job \"" + settings.job() + "\" partition " + partition
                    + ": skipped the row with key " + keys + ", on which the work fails (" + row.error() + "); it is"
                    + " left unchanged (" + skips.get() + " of at most " + settings.skipLimit() + " skipped in this run)");
            settings.listener().skipped(row, failure);
        }

        private List<Object> position(Checkpoint c) {
            String token = c.position() != null ? c.position() : c.lowerToken();
            return token == null ? null : backend.decode(token);
        }

        private Checkpoint reload(Checkpoint current) throws SQLException {
            try (Connection c = backend.connection()) {
                Checkpoint stored = settings.store().load(c, settings.job(), current.partition());
                if (stored == null) {
                    throw new BatchwiseException("The checkpoint of migration job \"" + settings.job() + "\" partition "
                            + current.partition() + " disappeared while the job ran (reset or deleted); stopped",
                            rowsRead.get(), null);
                }
                long committedHere = stored.rowsRead() - current.rowsRead();
                if (committedHere != 0) {
                    // a commit whose acknowledgement was lost: it did happen, count it
                    rowsRead.addAndGet(committedHere);
                    rowsWritten.addAndGet(stored.rowsWritten() - current.rowsWritten());
                    chunks.addAndGet(stored.chunks() - current.chunks());
                }
                return stored;
            }
        }

        private void throttle() throws SQLException {
            if (settings.throttle() == Throttle.NONE) {
                return;
            }
            try (Connection c = backend.connection()) {
                while (!settings.stop().isRequested() && !abort.get()) {
                    Duration wait = settings.throttle().check(c);
                    if (wait == null || wait.isZero() || wait.isNegative()) {
                        return;
                    }
                    sleep(wait);
                }
            }
        }

        private void sleep(Duration pause) {
            long until = System.nanoTime() + pause.toNanos();
            try {
                // in short steps, so that a stop request is seen
                for (long left; (left = until - System.nanoTime()) > 0 && !settings.stop().isRequested() && !abort.get(); ) {
                    Thread.sleep(Math.min(100, Math.max(1, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort.set(true);
            }
        }

        private BatchwiseException failure(Checkpoint checkpoint, List<Object> position, List<Object> upper,
                int size, Exception cause, String gaveUp) {
            abort.set(true);
            if (cause instanceof IllegalStateException state && gaveUp == null) {
                // misuse (work that commits or closes, a second runner): its message says what to do
                return new BatchwiseException("Migration job \"" + settings.job() + "\" stopped: " + state.getMessage(),
                        priorRead + rowsRead.get(), state);
            }
            String after = position == null ? "the start" : "key " + position;
            String ends = upper == null ? "" : "partition ends at key " + upper;
            String range = size == 1 ? "the row after " + after + (ends.isEmpty() ? "" : " (" + ends + ")")
                    : "the chunk after " + after + " (up to " + size + " rows" + (ends.isEmpty() ? "" : ", " + ends) + ")";
            String message = "Migration job \"" + settings.job() + "\" stopped in partition " + checkpoint.partition()
                    + " at " + range + ": " + (gaveUp != null ? gaveUp : firstLine(cause)) + ". That chunk was rolled"
                    + " back; every chunk before it is committed with its checkpoint (" + checkpoint.rowsRead()
                    + " rows of this partition). Fix the cause" + (gaveUp == null && settings.skipLimit() == 0
                    && skippable(cause) ? " (or let skipLimit(n) step over the rows that fail alone)" : "") + " and"
                    + " run the job again: it resumes after the last committed chunk.";
            return Failures.wrap(message, checkpoint.rowsRead(), checkpoint.position(), cause);
        }

        private synchronized void progress(boolean last) {
            long now = System.nanoTime();
            if (!last && now - lastProgress < settings.progressInterval().toNanos()) {
                return;
            }
            lastProgress = now;
            Duration elapsed = Duration.ofNanos(now - started);
            double rate = elapsed.toMillis() <= 0 ? 0 : rowsRead.get() * 1000.0 / elapsed.toMillis();
            MigrationProgress p = new MigrationProgress(settings.job(), checkpoints.size(), priorRead + rowsRead.get(),
                    priorWritten + rowsWritten.get(), priorChunks + chunks.get(), retries.get(), skipped.size(),
                    total < 0 || settings.dryRun() ? total : Math.max(total, priorRead), elapsed, rate);
            if (!last) {
                LOG.log(Level.INFO, () -> String.format(Locale.ROOT, "Migration job \"%s\"%s: %,d of ~%,d rows%s, %,d"
                        + " written, %,.0f rows/s, %d retries%s%s", settings.job(), settings.dryRun() ? " (dry run)" : "",
                        p.rowsRead(), p.estimatedTotal(), p.fraction().map(f -> String.format(Locale.ROOT, " (%.1f %%)",
                                f * 100)).orElse(""), p.rowsWritten(), rate, p.retries(),
                        p.skipped() == 0 ? "" : ", " + p.skipped() + " skipped",
                        p.eta().map(d -> ", about " + d.toSeconds() + " s left").orElse("")));
            }
            settings.listener().progress(p);
        }
    }

    /**
     * What makes {@code failure} worth running the chunk again ({@link Failures#classify}: a transient
     * reason), described with the driver's report; null when it is not.
     */
    static String retryable(Throwable failure) {
        BatchwiseException.Reason reason = Failures.classify(failure);
        if (!reason.isTransient()) {
            return null;
        }
        String what = switch (reason) {
            case DEADLOCK -> "deadlock";
            case LOCK_WAIT_TIMEOUT -> "lock wait timeout";
            case CONNECTION_LOST -> "lost connection";
            case SERVER_SHUTDOWN -> "lost connection (server shutting down)";
            case QUERY_KILLED -> "query interrupted";
            case NO_CONNECTION -> "no connection available";
            default -> reason.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        };
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e) {
                return what + " (server error " + e.getErrorCode() + ", SQLState " + e.getSQLState() + ": "
                        + firstLine(e).substring(e.getClass().getSimpleName().length() + 2) + ")";
            }
        }
        return what + " (" + firstLine(failure) + ")";
    }

    /**
     * Whether the skip policy may bisect a chunk that failed with {@code failure}: not misuse of the
     * chunk's transaction (an {@link IllegalStateException} from the guarded connection or session)
     * and not a checkpoint that moved or a lost job lock, which no row causes.
     */
    static boolean skippable(Throwable failure) {
        if (failure instanceof IllegalStateException) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CheckpointMovedException || t instanceof JobLock.LockLostException) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int nl = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
