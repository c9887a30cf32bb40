package io.batchwise.core.migration;

import java.time.Duration;
import java.util.Optional;

/**
 * Progress of a running migration over all its partitions, as of one moment: what the run has
 * committed, its rate, and the time left estimated from the rows the job visits (counted once when
 * the run starts, so it is an estimate when the table changes meanwhile).
 *
 * @param job            the job name
 * @param partitions     the job's partitions
 * @param rowsRead       rows read by committed chunks, this run and earlier runs
 * @param rowsWritten    rows the work reported written, likewise
 * @param chunks         chunks committed, likewise
 * @param retries        transient failures retried in this run
 * @param skipped        rows the skip policy stepped over in this run
 * @param estimatedTotal rows the job visits in all, counted at the start of the run; -1 when unknown
 * @param elapsed        wall time of this run so far
 * @param rowsPerSecond  rows read per second in this run
 */
public record MigrationProgress(String job, int partitions, long rowsRead, long rowsWritten, long chunks, long retries,
        long skipped, long estimatedTotal, Duration elapsed, double rowsPerSecond) {

    /** Time left at the current rate, when the total is known and the rate positive. */
    public Optional<Duration> eta() {
        if (estimatedTotal < 0 || rowsPerSecond <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, estimatedTotal - rowsRead);
        return Optional.of(Duration.ofMillis((long) (left * 1000 / rowsPerSecond)));
    }

    /** Fraction done, 0 to 1, when the total is known. */
    public Optional<Double> fraction() {
        if (estimatedTotal <= 0) {
            return estimatedTotal == 0 ? Optional.of(1.0) : Optional.empty();
        }
        return Optional.of(Math.min(1.0, (double) rowsRead / estimatedTotal));
    }
}
