package io.batchwise.core;

/**
 * A {@link Walk} that reads one short keyset page at a time and can be resumed: {@link #resumeToken()}
 * names the position after the last row handed out, in this or another process.
 *
 * <pre>{@code
 * try (KeysetWalk<Item> items = pager.walk(savedToken)) {
 *     while (items.hasNext()) {
 *         process(items.next());
 *         if (items.rowsRead() % 10_000 == 0) {
 *             save(items.resumeToken());
 *         }
 *     }
 * }
 * }</pre>
 *
 * @param <T> the row type
 */
public interface KeysetWalk<T> extends Walk<T> {

    /**
     * A token that resumes the walk right after the last row {@link #next()} returned (or where the
     * walk started, before the first row): pass it to the pager's {@code walk(token)} or
     * {@code page(token)}. Null only when no row has been returned and the walk started from the
     * beginning. Still available after the walk failed or was closed.
     */
    String resumeToken();
}
