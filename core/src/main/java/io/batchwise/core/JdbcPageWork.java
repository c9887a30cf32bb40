package io.batchwise.core;

import java.sql.Connection;

/**
 * The caller's work on one page inside the transaction {@link JdbcKeysetPager#forEachPage} opened for
 * it; the page's token is handed out only after that transaction has committed.
 *
 * @param <T> the row type
 */
@FunctionalInterface
public interface JdbcPageWork<T> {
    /**
     * @param connection the page's own connection, in a transaction (autocommit off) that commits
     *                   after this returns; do not commit, roll back or close it
     * @param page       the page, read on that connection, with the token that resumes after it
     */
    void accept(Connection connection, Page<T> page) throws Exception;
}
