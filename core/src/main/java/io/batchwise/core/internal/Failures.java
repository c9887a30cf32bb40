package io.batchwise.core.internal;

import java.sql.SQLException;
import java.util.Locale;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.Walk;

/** Recognises driver failures whose own messages mislead, and explains them. */
public final class Failures {
    private Failures() {
    }

    /**
     * {@code failure} explained when it is one Batchwise recognises (a statement issued while a
     * Connector/J stream held the connection), else {@code failure} itself.
     */
    public static RuntimeException explain(RuntimeException failure, Walk<?> walk) {
        if (failure instanceof BatchwiseException) {
            return failure;
        }
        if (causedByBusyStream(failure)) {
            return new BatchwiseException("A statement ran on the walk's connection while it was streaming rows"
                    + " (MySQL Connector/J, fetchSize=Integer.MIN_VALUE): a lazy association or an EAGER association"
                    + " not fetched by the query, a flush, or another query on the same session. Streaming blocks"
                    + " the connection until the walk is closed. Fix: fetch what the loop needs in the query (join"
                    + " fetch, or make the association LAZY and leave it untouched), or add useCursorFetch=true to"
                    + " the JDBC URL and open the walk with ConnectionUse.SHARED, or use the keyset pager.",
                    walk == null ? -1 : walk.rowsRead(), failure);
        }
        return failure;
    }

    /**
     * {@code failure} explained when the driver ran out of heap buffering a result (it reports that
     * as an {@link SQLException} "Java heap space", not as {@link OutOfMemoryError}), else itself.
     */
    public static RuntimeException explainBuffering(RuntimeException failure, FetchPlan plan, long rowsRead) {
        if (failure instanceof BatchwiseException || !causedByDriverOutOfMemory(failure)) {
            return failure;
        }
        return new BatchwiseException("The JDBC driver ran out of heap reading the result into memory: the fetch was "
                + plan.describe() + ", which buffers every row before the first one is returned. Fix: leave"
                + " fetchSize unset so Batchwise streams (MySQL Connector/J: fetchSize=Integer.MIN_VALUE, or"
                + " useCursorFetch=true with a positive fetchSize; MariaDB Connector/J: a positive fetchSize).",
                rowsRead, failure);
    }

    static boolean causedByBusyStream(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("Streaming result set") && message.contains("is still active")) {
                return true;
            }
        }
        return false;
    }

    static boolean causedByDriverOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage();
            if (t instanceof SQLException && message != null
                    && message.toLowerCase(Locale.ROOT).contains("java heap space")) {
                return true;
            }
        }
        return false;
    }
}
