package io.batchwise.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.batchwise.core.internal.Arguments;

/**
 * One page of a keyset query: its rows in the query's order, and the tokens that continue after
 * its last row and before its first row. Immutable.
 *
 * <p>The tokens are opaque, URL-safe strings to hand to a client and take back later, also in
 * another process; the pager that issued them refuses them for any other query. They are present
 * whenever the page has rows, so a caller can also ask later for rows that arrived since.
 *
 * <p>{@code hasNext} and {@code hasPrevious} say whether the server had rows beyond the page when
 * it was read, looking in the direction the page was read: a page read forward knows
 * {@code hasNext} exactly (it asked for one row more) and reports {@code hasPrevious} true when it
 * was reached from a token; a page read backward knows {@code hasPrevious} exactly and reports
 * {@code hasNext} true when reached from a token. Rows may be inserted or deleted after the page
 * was read; a page asked for later may then be empty.
 *
 * @param content       the rows, at most the page size; unmodifiable
 * @param nextToken     continues after the last row, or null when the page is empty
 * @param previousToken continues (backward) before the first row, or null when the page is empty
 * @param hasNext       whether rows followed the page when it was read
 * @param hasPrevious   whether rows preceded the page when it was read
 * @param <T>           the row type
 */
public record Page<T>(List<T> content, String nextToken, String previousToken, boolean hasNext, boolean hasPrevious) {
    public Page {
        Arguments.notNull("content", content, "pass the rows of the page, or an empty list");
        content = Collections.unmodifiableList(new ArrayList<>(content));
    }

    /** Whether the page has no rows. */
    public boolean isEmpty() {
        return content.isEmpty();
    }

    /** The number of rows on the page. */
    public int size() {
        return content.size();
    }
}
