package io.batchwise.core.spi;

import java.time.Duration;

import io.batchwise.core.migration.ChunkReport;
import io.batchwise.core.migration.MigrationProgress;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.migration.SkippedRow;

/**
 * Watches a migration: every committed chunk, every retry, every row skipped, progress at the progress interval, and
 * the end. Called from the partitions' threads, so an implementation used with more than one
 * partition must be thread-safe. Calls happen outside any chunk's transaction (after the commit),
 * so a listener that fails cannot undo a chunk; its exception stops the job like a failed chunk.
 *
 * <pre>{@code
 * MigrationListener bar = new MigrationListener() {
 *     public void progress(MigrationProgress p) {
 *         System.out.printf("%s %,d rows, %.0f rows/s%n", p.job(), p.rowsRead(), p.rowsPerSecond());
 *     }
 * };
 * }</pre>
 */
public interface MigrationListener {
    /** A chunk was committed with its checkpoint (in a dry run: ran and was rolled back). */
    default void chunkCommitted(ChunkReport chunk) {
    }

    /**
     * A chunk failed for a transient reason and was rolled back; it runs again after {@code backoff}.
     *
     * @param partition the partition, from 0
     * @param attempt   the attempt that failed, from 1
     * @param reason    what failed, e.g. "deadlock (server error 1213, ...)"
     */
    default void retrying(int partition, int attempt, String reason, Duration backoff, Throwable failure) {
    }

    /**
     * The skip policy stepped over a row on which the work failed alone ({@code failure}); the
     * checkpoint has moved past it, committed. Called after that commit, like {@link #chunkCommitted}
     * (which is also told of the one-row chunk that skipped it, with nothing written).
     */
    default void skipped(SkippedRow row, Throwable failure) {
    }

    /** Progress over all partitions, at most once per progress interval, and once at the end. */
    default void progress(MigrationProgress progress) {
    }

    /** The run ended normally (finished, stopped, dry run, or already finished). */
    default void finished(MigrationResult result) {
    }
}
