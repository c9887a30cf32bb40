package io.batchwise.core.spi;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.batchwise.core.KeyRange;

/**
 * The rows of a keyset query as something to split at key quantiles: how many there are, and the
 * keys of the row a given number of rows after a position, read from the index. The one splitter
 * ({@link #boundaries}) serves every user of key ranges: a migration's partitions, a pager's
 * {@code split(n)}, and through it the Spring Batch partitioner, so they all cut a table the same way.
 * An implementation is bound to one query and one connection or session.
 */
public interface KeyQuantiles {
    /** The rows the query visits, or a negative number when it cannot be counted (no split then). */
    long count() throws SQLException;

    /**
     * The key values of the row {@code offset} rows after the row with keys {@code after} (null: the
     * start), counting from 1, or null when there are fewer rows.
     */
    List<Object> keysAt(List<Object> after, long offset) throws SQLException;

    /**
     * Up to {@code parts - 1} boundaries, each the keys of the last row of a part, cutting {@code total}
     * rows into {@code parts} parts of {@code total / parts} rows (the last part takes the remainder and
     * any row added later); fewer when the table has fewer rows than parts, none when
     * {@code parts <= 1} or {@code total <= 0}. Part {@code i} holds the rows after boundary
     * {@code i - 1} up to and including boundary {@code i}.
     */
    static List<List<Object>> boundaries(KeyQuantiles rows, long total, int parts) throws SQLException {
        List<List<Object>> bounds = new ArrayList<>();
        if (parts > 1 && total > 0) {
            long step = total / parts;
            List<Object> after = null;
            for (int i = 1; i < parts && step > 0; i++) {
                List<Object> bound = rows.keysAt(after, step);
                if (bound == null) {
                    break;
                }
                bounds.add(bound);
                after = bound;
            }
        }
        return bounds;
    }

    /**
     * The disjoint ranges that {@code bounds} ({@link #boundaries}) cut the rows into, one more than
     * there are boundaries, each end as the token {@code token} makes of the boundary's keys.
     */
    static List<KeyRange> ranges(List<List<Object>> bounds, Function<List<Object>, String> token) {
        List<KeyRange> ranges = new ArrayList<>(bounds.size() + 1);
        String after = null;
        for (List<Object> bound : bounds) {
            String through = token.apply(bound);
            ranges.add(new KeyRange(after, through));
            after = through;
        }
        ranges.add(new KeyRange(after, null));
        return List.copyOf(ranges);
    }
}
