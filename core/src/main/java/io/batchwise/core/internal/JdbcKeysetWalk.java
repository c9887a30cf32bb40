package io.batchwise.core.internal;

import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeysetWalk;

/**
 * A whole-table keyset walk over plain JDBC: each page is one short query on a connection borrowed
 * from the data source for that page only, so nothing but the last key is held between pages and a
 * connection killed between (or during) pages costs one retry, not the walk.
 */
public final class JdbcKeysetWalk<T> extends AbstractWalk<T> implements KeysetWalk<T> {
    private final DataSource dataSource;
    private final KeysetQuery<T> query;
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
    public JdbcKeysetWalk(DataSource dataSource, KeysetQuery<T> query, int pageSize, List<Object> start,
            String startToken, Function<List<Object>, String> tokens) {
        super(pageSize);
        this.dataSource = dataSource;
        this.query = query;
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
        KeysetQuery.Rows<T> next = readPage();
        lastPage = next.size() < chunkSize();
        page = next;
        index = 0;
        return next.size() > 0;
    }

    private KeysetQuery.Rows<T> readPage() {
        try {
            return Borrowed.read(dataSource, c -> query.read(c, false, boundary, chunkSize(), rowsRead()));
        } catch (SQLException e) {
            throw new BatchwiseException("Reading the keyset page after row " + rowsRead() + " failed: "
                    + e.getMessage() + ". The walk can be resumed from resumeToken()", rowsRead(), e);
        }
    }

    @Override
    protected T current() {
        produced++;
        previousKeys = currentKeys;
        currentKeys = page.keys().get(index);
        return page.rows().get(index);
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
