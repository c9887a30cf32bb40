package io.batchwise.core;

/** Whether anything else runs statements on the walker's connection while the walk is open. */
public enum ConnectionUse {
    /**
     * Only the walk reads from the connection until it is closed: no flush, no lazy loading, no
     * other query on the same connection. Allows the fastest fetch, row-by-row streaming.
     */
    EXCLUSIVE,
    /**
     * Other statements run on the same connection while the walk is open (a flush every batch,
     * lazy loading, writes from the loop). Needs a fetch that leaves the connection free: a
     * server-side cursor (MySQL Connector/J with {@code useCursorFetch=true}).
     */
    SHARED
}
