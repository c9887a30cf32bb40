package io.batchwise.core.migration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A row the skip policy ({@link MigrationOptions#skipLimit(int)}) stepped over: the work failed on
 * it alone, for a reason that is not transient, so the checkpoint moved past it in a transaction of
 * its own without running the work on it. The row is left as it was; it is not visited again by
 * this job (it is behind the checkpoint) unless the job is reset.
 *
 * @param job       the job name
 * @param partition the partition, from 0
 * @param keys      the row's key values, in the pager's key order
 * @param error     the failure on that row: its class and the first line of its message
 */
public record SkippedRow(String job, int partition, List<Object> keys, String error) {
    public SkippedRow {
        if (job == null || keys == null || error == null) {
            throw new IllegalArgumentException("job, keys and error must not be null");
        }
        keys = Collections.unmodifiableList(new ArrayList<>(keys));
    }
}
