package io.batchwise.core;

/**
 * A contiguous range of a keyset pager's rows in its key order: the rows after the position of
 * {@code after} up to and including the row of {@code through}. Both are the pager's own forward
 * tokens ({@link Page#nextToken()}, {@link KeysetWalk#resumeToken()}); null means open on that side.
 * The ranges a pager's {@code split(n)} returns are disjoint and together cover every row of the
 * query; a range is a value (two strings), so it can be stored or sent to another process, and is
 * only meaningful to a pager over the same query (its tokens say which, and are checked when used).
 *
 * <pre>{@code
 * for (KeyRange range : pager.split(4)) {                  // boundaries at key quantiles
 *     executor.submit(() -> {
 *         try (KeysetWalk<Order> rows = pager.walkRange(range)) {
 *             rows.forEachRemaining(this::export);
 *         }
 *     });
 * }
 * }</pre>
 *
 * @param after   the token the range starts after (exclusive), or null: from the first row
 * @param through the token of the range's last row (inclusive), or null: to the last row
 */
public record KeyRange(String after, String through) {
    /** Every row: open on both sides. */
    public static final KeyRange ALL = new KeyRange(null, null);

    /**
     * This range resumed after {@code token} (a {@link KeysetWalk#resumeToken()} of a walk over it),
     * its end unchanged; null gives this range.
     */
    public KeyRange resumeAfter(String token) {
        return token == null ? this : new KeyRange(token, through);
    }
}
