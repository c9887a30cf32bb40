package io.batchwise.core.migration;

import java.time.Duration;
import java.util.List;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.ResumeTokens;
import io.batchwise.core.spi.MigrationEngine;
import io.batchwise.core.spi.CheckpointStore;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.core.spi.Throttle;

/**
 * The options every migration builder shares (JDBC and entity migrations), each validated when it
 * is set, with the parameter, the bad value and the fix in the message; no SQL runs before
 * {@code run()}.
 *
 * <pre>{@code
 * JdbcMigration.of("reprice", pager)
 *         .chunkSize(2_000).partitions(4)
 *         .retry(RetryPolicy.of(20, Duration.ofMillis(200), Duration.ofSeconds(30)))
 *         .throttle(Throttle.threadsRunning(32, Duration.ofSeconds(1)))
 *         .stopSignal(stop).listener(progressBar)
 *         .forEachChunk(work).build();
 * }</pre>
 *
 * @param <B> the concrete builder
 */
public abstract class MigrationOptions<B extends MigrationOptions<B>> {
    /** Rows per chunk unless {@link #chunkSize(int)} says otherwise. */
    public static final int DEFAULT_CHUNK_SIZE = 1_000;
    /** The largest chunk: a chunk is held in memory whole. */
    public static final int MAX_CHUNK_SIZE = 100_000;
    /** The most partitions: each holds a connection and a thread. */
    public static final int MAX_PARTITIONS = 64;
    /** The most rows {@link #skipLimit(int)} lets a run skip: each is kept in the result. */
    public static final int MAX_SKIP_LIMIT = 100_000;
    /** The longest job name (the checkpoint table's key). */
    public static final int MAX_JOB_CHARS = 190;

    private final String job;
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
    private boolean lockingRead = true;
    private int lockWaitSeconds = 5;
    private MigrationEngine.Adaptive adaptive;
    private int skipLimit;

    protected MigrationOptions(String job) {
        this.job = checkJob(job);
    }

    /** Checks a job name. */
    static String checkJob(String job) {
        Arguments.notNull("job", job, "name the job, e.g. \"backfill-order-totals\": its checkpoint is stored under it");
        if (job.isBlank() || job.length() > MAX_JOB_CHARS || job.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("job must be 1 to " + MAX_JOB_CHARS + " characters without control"
                    + " characters, was \"" + job + "\"; name the job, e.g. \"backfill-order-totals\": its checkpoint"
                    + " is stored under it");
        }
        return job;
    }

    /** This builder. */
    protected abstract B self();

    /** Rows per chunk and transaction, 1 to {@value #MAX_CHUNK_SIZE}; default {@value #DEFAULT_CHUNK_SIZE}. */
    public B chunkSize(int rows) {
        if (rows < 1 || rows > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunkSize must be in [1, " + MAX_CHUNK_SIZE + "], was " + rows
                    + "; a chunk is one transaction held in memory whole: 500 to 5,000 suits most jobs");
        }
        this.chunkSize = rows;
        return self();
    }

    /**
     * Splits the rows into {@code count} key ranges of about equal size (boundaries at key quantiles
     * read from the index), each run by its own thread and connection with its own checkpoint; fixed
     * when the job first runs. Default 1.
     */
    public B partitions(int count) {
        if (count < 1 || count > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions must be in [1, " + MAX_PARTITIONS + "], was " + count
                    + "; each partition holds a connection and a thread: start with the server's cores");
        }
        this.partitions = count;
        return self();
    }

    /** How transient failures are retried; default {@link RetryPolicy#DEFAULT}. */
    public B retry(RetryPolicy policy) {
        this.retry = Arguments.notNull("retry", policy, "pass RetryPolicy.DEFAULT, RetryPolicy.NONE or RetryPolicy.of(..)");
        return self();
    }

    /**
     * Runs every chunk's work and rolls it back: counts and chunk boundaries are reported to the
     * listener, nothing is written and no checkpoint is created or advanced. Default false.
     */
    public B dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return self();
    }

    /** Asked before each chunk whether to wait; default none. See {@link Throttle#threadsRunning}. */
    public B throttle(Throttle throttle) {
        this.throttle = Arguments.notNull("throttle", throttle, "pass a Throttle, or Throttle.NONE");
        return self();
    }

    /** Told of every chunk, retry, progress interval and the end. */
    public B listener(MigrationListener listener) {
        this.listener = Arguments.notNull("listener", listener, "pass a MigrationListener");
        return self();
    }

    /** The signal that stops the run gracefully after the current chunk. */
    public B stopSignal(StopSignal signal) {
        this.stop = Arguments.notNull("stopSignal", signal, "pass a StopSignal and call request() on it to stop");
        return self();
    }

    /** Where checkpoints are kept; default {@link CheckpointStore#table()}. */
    public B checkpointStore(CheckpointStore store) {
        this.store = Arguments.notNull("checkpointStore", store, "pass CheckpointStore.table() or your own");
        return self();
    }

    /** How often progress is logged and given to the listener; 100 ms to 1 hour, default 10 s. */
    public B progressInterval(Duration interval) {
        if (interval == null || interval.compareTo(Duration.ofMillis(100)) < 0
                || interval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("progressInterval must be between 100 ms and 1 hour, was " + interval
                    + "; pass e.g. Duration.ofSeconds(10)");
        }
        this.progressInterval = interval;
        return self();
    }

    /**
     * Whether chunks read their rows with {@code FOR UPDATE} (default true): the rows stay locked
     * from the read to the commit, so the work's writes are based on their latest committed values
     * and concurrent writes to them wait for the chunk. Turn it off only when the work does not write
     * the rows it read from values it read (a copy into another table, a delete by key).
     */
    public B lockingRead(boolean lock) {
        this.lockingRead = lock;
        return self();
    }

    /** How long a new run waits for a run of the same job to end before it is refused; 0 to 60 s, default 5 s. */
    public B lockWait(Duration wait) {
        if (wait == null || wait.isNegative() || wait.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("lockWait must be between 0 and 60 s, was " + wait
                    + "; pass how long a new run waits for another run of the job, e.g. Duration.ofSeconds(5)");
        }
        this.lockWaitSeconds = (int) wait.toSeconds();
        return self();
    }

    /**
     * Adapts the chunk size to take about {@code target} per chunk, between {@code min} and {@code max}
     * rows, starting from {@link #chunkSize(int)}: after each full chunk the next size is the moving
     * average of the rows per second times {@code target} (at most four times the last size), and it
     * is halved after a lock wait timeout or a deadlock. The size is per partition and is not stored:
     * a restart begins at {@code chunkSize} again. Off by default (every chunk {@code chunkSize}).
     */
    public B adaptiveChunkSize(int min, int max, Duration target) {
        if (min < 1 || max > MAX_CHUNK_SIZE || min > max) {
            throw new IllegalArgumentException("adaptiveChunkSize needs 1 <= min <= max <= " + MAX_CHUNK_SIZE
                    + ", was min " + min + ", max " + max + "; e.g. adaptiveChunkSize(100, 10000, Duration.ofMillis(500))");
        }
        if (target == null || target.compareTo(Duration.ofMillis(10)) < 0 || target.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("target must be between 10 ms and 10 minutes, was " + target
                    + "; a chunk of about half a second suits a live table: Duration.ofMillis(500)");
        }
        this.adaptive = new MigrationEngine.Adaptive(min, max, target);
        return self();
    }

    /**
     * The skip policy: up to {@code rows} rows per run may be skipped when the work fails on them.
     * A chunk that fails for a reason that is not transient (a constraint violation, a value out of
     * range, an exception of the work's own; not a deadlock or a lost connection, which are retried)
     * is bisected: its halves run as chunks of their own, each committed with its checkpoint when it
     * succeeds, and a half that fails is halved again, down to the one row that fails alone. That
     * row is skipped: the checkpoint moves past it in a transaction of its own in which the work
     * does not run, so the row is left unchanged; it is reported to
     * {@link MigrationListener#skipped} and in {@link MigrationResult#skipped()}, and the job goes
     * on. Every other row is still changed exactly once. A row that fails once the run has skipped
     * {@code rows} rows stops the job as any failure does (its key, the cause, how to resume). A chunk
     * with one bad row costs about {@code 2 log2(chunkSize)} extra transactions.
     *
     * <p>Not skipped: work that commits, rolls back or closes the chunk's connection or session (an
     * {@link IllegalStateException}), a failure to read the row itself (the skip transaction reads
     * it too), and failures outside the chunk (the checkpoint store, the job lock). Skipped rows are
     * behind the checkpoint: a run after a fix does not visit them again; select them by the keys
     * reported, or reset the job. 0 to {@value #MAX_SKIP_LIMIT}; default 0 (off: the first failure
     * stops the job).
     */
    public B skipLimit(int rows) {
        if (rows < 0 || rows > MAX_SKIP_LIMIT) {
            throw new IllegalArgumentException("skipLimit must be in [0, " + MAX_SKIP_LIMIT + "], was " + rows
                    + "; pass how many failing rows one run may step over (each is kept in the result), e.g. 100,"
                    + " or 0 to stop at the first failure");
        }
        this.skipLimit = rows;
        return self();
    }

    /** The job name. */
    protected final String job() {
        return job;
    }

    /** Rows per chunk. */
    protected final int chunkRows() {
        return chunkSize;
    }

    /** Whether chunks read with {@code FOR UPDATE}. */
    protected final boolean lockingReads() {
        return lockingRead;
    }

    /**
     * The key values a job's {@code startAfter(token)} starts after: the token read and checked by the
     * job's pager ({@code pages}), and refused when it leads backward. For both builders' startAfter.
     */
    protected static List<Object> startAfterValues(KeysetPages pages, String token) {
        Arguments.notBlank("startAfter", token, "pass a nextToken() or resumeToken() of this job's pager");
        ResumeTokens.Decoded decoded = pages.decode(token);
        if (decoded.before()) {
            throw new IllegalArgumentException("startAfter must lead forward, but the token is a"
                    + " Page.previousToken(); pass a nextToken() or resumeToken() of this job's pager");
        }
        return decoded.values();
    }

    /** The options as the engine takes them, with the start position of a new job (or null). */
    protected final MigrationEngine.Settings settings(List<Object> startAfter) {
        if (startAfter != null && partitions > 1) {
            throw new IllegalArgumentException("startAfter works with one partition, but partitions was "
                    + partitions + "; drop startAfter, or run with partitions(1)");
        }
        return new MigrationEngine.Settings(job, chunkSize, partitions, retry, dryRun, throttle, listener, stop, store,
                progressInterval, startAfter, lockWaitSeconds, adaptive, skipLimit);
    }
}
