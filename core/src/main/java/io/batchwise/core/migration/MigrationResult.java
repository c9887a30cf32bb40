package io.batchwise.core.migration;

import java.time.Duration;
import java.util.List;

/**
 * What one {@code run()} of a migration did. Counts cover this run only; the checkpoint keeps the
 * totals over every run of the job.
 *
 * @param job         the job name
 * @param outcome     how the run ended
 * @param partitions  the job's partitions
 * @param rowsRead    rows the chunks of this run read (committed chunks only, or every chunk of a dry run)
 * @param rowsWritten rows the work reported written in those chunks
 * @param chunks      chunks committed (dry run: run and rolled back)
 * @param retries     chunk attempts that failed transiently and were run again
 * @param elapsed     wall time of the run
 * @param skipped     rows the skip policy stepped over in this run, in the order they were met (empty
 *                    without {@link MigrationOptions#skipLimit(int)}); each is also counted in
 *                    {@code rowsRead}, not in {@code rowsWritten}
 */
public record MigrationResult(String job, Outcome outcome, int partitions, long rowsRead, long rowsWritten, long chunks,
        long retries, Duration elapsed, List<SkippedRow> skipped) {

    /** How a run ended. */
    public enum Outcome {
        /** Every partition reached its end; the job is finished and a new run does nothing until it is reset. */
        FINISHED,
        /** A {@link StopSignal} stopped it after a committed chunk; a new run resumes there. */
        STOPPED,
        /** The job had finished in an earlier run; nothing was read or written. */
        ALREADY_FINISHED,
        /** A dry run went through every chunk and rolled each one back; no checkpoint was written. */
        DRY_RUN
    }

    public MigrationResult {
        if (job == null || outcome == null || elapsed == null || skipped == null) {
            throw new IllegalArgumentException("job, outcome, elapsed and skipped must not be null");
        }
        skipped = List.copyOf(skipped);
    }
}
