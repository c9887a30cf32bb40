package io.batchwise.core.migration;

import java.util.List;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.spi.Checkpoint;

/**
 * A migration job, built by {@code JdbcMigration.of(job, pager)...build()} or
 * {@code EntityMigration.of(job, pager)...build()}: run it, reset it, or look at its checkpoints.
 * Running it again after any failure or crash resumes after the last committed chunk; a finished
 * job does nothing until {@link #reset()}. Safe to share between threads; one run per job at a time
 * (another run, here or in another process, is refused).
 *
 * <pre>{@code
 * Migration backfill = JdbcMigration.of("backfill-totals", pager).chunkSize(1_000)
 *         .forEachChunk((connection, rows) -> update(connection, rows)).build();
 * MigrationResult result = backfill.run();
 * }</pre>
 */
public interface Migration {
    /**
     * Runs the job: from the start, or from its checkpoint when an earlier run stopped or failed;
     * returns when every partition reached its end, or a stop was requested. Does nothing for a job
     * that has finished.
     *
     * @throws BatchwiseException       when a chunk fails for a reason that is not transient, or keeps
     *                                  failing; the message names the job, the chunk's key range, the
     *                                  cause and how to resume ({@link BatchwiseException#resumeToken()})
     * @throws IllegalStateException    when the job is running elsewhere
     * @throws IllegalArgumentException when the job name was used with another query or other partitions
     */
    MigrationResult run();

    /** Deletes the job's checkpoints, so that the next run starts over; refused while the job runs. */
    int reset();

    /** The job's stored checkpoints, one per partition (empty before its first run). */
    List<Checkpoint> checkpoints();

    /** The job name. */
    String job();
}
