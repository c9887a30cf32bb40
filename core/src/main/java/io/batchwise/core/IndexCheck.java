package io.batchwise.core;

/**
 * What a keyset pager does when it opens and finds no index of the table that serves its key
 * order (the keys as the leading columns of one index, in the same directions or all reversed).
 * Without such an index every page reads and sorts up to every row after the cursor, so page
 * 10,000 costs far more than page 1.
 */
public enum IndexCheck {
    /** Log a warning with the {@code CREATE INDEX} statement that would serve the order (the default). */
    WARN,
    /** Refuse to open, with the {@code CREATE INDEX} statement in the exception message. */
    STRICT,
    /**
     * Do not look. For orders served by an index the check cannot see, e.g. one whose leading
     * columns the query's WHERE clause fixes by equality.
     */
    OFF
}
