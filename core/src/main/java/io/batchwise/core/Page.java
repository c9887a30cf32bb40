package io.batchwise.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import io.batchwise.core.spi.Arguments;

/**
 * One page of a keyset query: its rows in the query's order, and the tokens that continue after
 * its last row and before its first row. Immutable.
 *
 * <p>The tokens are opaque, URL-safe strings to hand to a client and take back later, also in
 * another process; the pager that issued them refuses them for any other query. They are present
 * whenever the page has rows, so a caller can also ask later for rows that arrived since.
 *
 * <p>{@link #hasNext()} and {@link #hasPrevious()} say whether the server had rows beyond the page
 * when it was read, looking in the direction the page was read: a page read forward knows
 * {@code hasNext} exactly (it asked for one row more) and reports {@code hasPrevious} true when it
 * was reached from a token; a page read backward knows {@code hasPrevious} exactly and reports
 * {@code hasNext} true when reached from a token. Rows may be inserted or deleted after the page
 * was read; a page asked for later may then be empty.
 *
 * <pre>{@code
 * Page<Order> page = Page.of(rows, nextToken, previousToken).withHasNext(true);
 * }</pre>
 *
 * @param <T> the row type
 */
public final class Page<T> {
    private final List<T> content;
    private final String nextToken;
    private final String previousToken;
    private final boolean hasNext;
    private final boolean hasPrevious;

    private Page(List<T> content, String nextToken, String previousToken, boolean hasNext, boolean hasPrevious) {
        this.content = content;
        this.nextToken = nextToken;
        this.previousToken = previousToken;
        this.hasNext = hasNext;
        this.hasPrevious = hasPrevious;
    }

    /**
     * A page of {@code content} (copied) with its tokens, and no rows before or after it; say
     * otherwise with {@link #withHasNext(boolean)} and {@link #withHasPrevious(boolean)}.
     *
     * @param content       the rows, at most the page size; not null
     * @param nextToken     continues after the last row, or null when the page is empty
     * @param previousToken continues (backward) before the first row, or null when the page is empty
     */
    public static <T> Page<T> of(List<T> content, String nextToken, String previousToken) {
        Arguments.notNull("content", content, "pass the rows of the page, or an empty list");
        return new Page<>(Collections.unmodifiableList(new ArrayList<>(content)), nextToken, previousToken, false,
                false);
    }

    /** This page, saying whether rows followed it when it was read. */
    public Page<T> withHasNext(boolean rowsFollow) {
        return new Page<>(content, nextToken, previousToken, rowsFollow, hasPrevious);
    }

    /** This page, saying whether rows preceded it when it was read. */
    public Page<T> withHasPrevious(boolean rowsPrecede) {
        return new Page<>(content, nextToken, previousToken, hasNext, rowsPrecede);
    }

    /** The rows, at most the page size; unmodifiable. */
    public List<T> content() {
        return content;
    }

    /** The token that continues after the last row, or null when the page is empty. */
    public String nextToken() {
        return nextToken;
    }

    /** The token that continues (backward) before the first row, or null when the page is empty. */
    public String previousToken() {
        return previousToken;
    }

    /** Whether rows followed the page when it was read (see the class comment). */
    public boolean hasNext() {
        return hasNext;
    }

    /** Whether rows preceded the page when it was read (see the class comment). */
    public boolean hasPrevious() {
        return hasPrevious;
    }

    /** Whether the page has no rows. */
    public boolean isEmpty() {
        return content.isEmpty();
    }

    /** The number of rows on the page. */
    public int size() {
        return content.size();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Page<?> that && content.equals(that.content) && hasNext == that.hasNext
                && hasPrevious == that.hasPrevious && Objects.equals(nextToken, that.nextToken)
                && Objects.equals(previousToken, that.previousToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(content, nextToken, previousToken, hasNext, hasPrevious);
    }

    @Override
    public String toString() {
        return "Page[content=" + content + ", nextToken=" + nextToken + ", previousToken=" + previousToken
                + ", hasNext=" + hasNext + ", hasPrevious=" + hasPrevious + "]";
    }
}
