package io.batchwise.core.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One chunk a migration committed (or, in a dry run, ran and rolled back): where it was and what
 * it did. Key values are the chunk's first and last rows' keys, in the pager's key order.
 *
 * @param job         the job name
 * @param partition   the partition, from 0
 * @param rows        rows read
 * @param written     rows the work reported written
 * @param firstKeys   key values of the first row
 * @param lastKeys    key values of the last row (the position the checkpoint now holds)
 * @param attempt     the attempt that succeeded, from 1
 * @param millis      time from the start of the chunk's transaction to its commit
 * @param dryRun      whether the chunk was rolled back
 */
public record ChunkReport(String job, int partition, int rows, long written, List<Object> firstKeys,
        List<Object> lastKeys, int attempt, long millis, boolean dryRun) {
    public ChunkReport {
        firstKeys = Collections.unmodifiableList(new ArrayList<>(firstKeys));
        lastKeys = Collections.unmodifiableList(new ArrayList<>(lastKeys));
    }
}
