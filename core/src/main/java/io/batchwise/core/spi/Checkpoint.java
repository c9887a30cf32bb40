package io.batchwise.core.spi;

/**
 * The stored state of one partition of a migration job: its key range (as pager tokens), the
 * position after its last committed chunk, and its counts. A job has one checkpoint per partition.
 *
 * @param job          the job name
 * @param partition    this partition, from 0
 * @param partitions   the job's partitions
 * @param fingerprint  identifies the query the job visits (the pager's token fingerprint, hex); a job
 *                     name reused with another query is refused by it
 * @param lowerToken   the partition starts after this position (exclusive); null: at the start
 * @param upperToken   the partition ends at this position (inclusive); null: at the end
 * @param position     the position after the last committed chunk; null: nothing committed yet
 * @param rowsRead     rows read by committed chunks
 * @param rowsWritten  rows the work reported written by committed chunks
 * @param chunks       committed chunks
 * @param finished     whether the partition reached its end
 */
public record Checkpoint(String job, int partition, int partitions, String fingerprint, String lowerToken,
        String upperToken, String position, long rowsRead, long rowsWritten, long chunks, boolean finished) {
    public Checkpoint {
        if (job == null || fingerprint == null) {
            throw new IllegalArgumentException("job and fingerprint must not be null");
        }
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition must be in [0, " + partitions + "), was " + partition);
        }
    }

    /** This checkpoint after one more committed chunk ending at {@code newPosition}. */
    public Checkpoint advance(String newPosition, long read, long written, boolean reachedEnd) {
        return new Checkpoint(job, partition, partitions, fingerprint, lowerToken, upperToken, newPosition,
                rowsRead + read, rowsWritten + written, chunks + 1, reachedEnd);
    }

    /** This checkpoint marked finished, position unchanged. */
    public Checkpoint finish() {
        return new Checkpoint(job, partition, partitions, fingerprint, lowerToken, upperToken, position, rowsRead,
                rowsWritten, chunks, true);
    }
}
