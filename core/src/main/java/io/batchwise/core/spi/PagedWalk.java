package io.batchwise.core.spi;

import java.util.List;
import java.util.function.Function;

import io.batchwise.core.KeysetWalk;

/**
 * A whole-result keyset walk, one page query at a time, whatever reads the pages (plain JDBC or an
 * ORM session): nothing but the last key is held between pages, and {@link #resumeToken()} names
 * the position after the last row handed out.
 */
public final class PagedWalk<T> extends AbstractWalk<T> implements KeysetWalk<T> {

    /** Reads pages for a walk. */
    public interface Pages<T> {
        /**
         * Up to {@code limit} rows after the row with key {@code after} (null: from the start), in
         * order, with each row's key values.
         *
         * @param rowsBefore rows handed out before this page, for error messages
         */
        KeysetQuery.Rows<T> read(List<Object> after, int limit, long rowsBefore);

        /** Called after the caller has had every row of a page, before the next page is read. */
        default void endOfPage() {
        }
    }

    private final Pages<T> pages;
    private final Function<List<Object>, String> tokens;
    private final String startToken;

    private List<Object> boundary;
    private KeysetQuery.Rows<T> page;
    private int index = -1;
    private boolean lastPage;
    private long produced;
    private List<Object> currentKeys;
    private List<Object> previousKeys;

    /**
     * @param start      key values to start after, or null for the beginning
     * @param startToken the token {@code start} came from (returned by {@link #resumeToken()} until a row is read)
     * @param tokens     makes a forward token of a row's key values
     */
    public PagedWalk(Pages<T> pages, int pageSize, List<Object> start, String startToken,
            Function<List<Object>, String> tokens) {
        super(pageSize);
        this.pages = pages;
        this.boundary = start;
        this.startToken = startToken;
        this.tokens = tokens;
    }

    @Override
    protected boolean fetchNext() {
        if (page != null && index + 1 < page.size()) {
            index++;
            return true;
        }
        if (lastPage) {
            return false;
        }
        if (page != null && page.size() > 0) {
            boundary = page.keys().get(page.size() - 1);
        }
        page = null; // let the last page go before the next one is read
        KeysetQuery.Rows<T> next = pages.read(boundary, batchSize(), rowsRead());
        lastPage = next.size() < batchSize();
        page = next;
        index = 0;
        return next.size() > 0;
    }

    @Override
    protected T current() {
        produced++;
        previousKeys = currentKeys;
        currentKeys = page.keys().get(index);
        return page.rows().get(index);
    }

    @Override
    protected void endOfBatch() {
        pages.endOfPage();
    }

    /** Gives a {@link io.batchwise.core.BatchwiseException} the token to resume from. */
    @Override
    protected RuntimeException translate(RuntimeException failure) {
        return Failures.withResumeToken(super.translate(failure), resumeToken());
    }

    @Override
    public String resumeToken() {
        // current() runs when hasNext() looks ahead; the row it produced is handed out only by next()
        List<Object> handed = produced == rowsRead() ? currentKeys : previousKeys;
        return handed == null ? startToken : tokens.apply(handed);
    }

    @Override
    protected void release() {
        page = null;
    }
}
