package io.batchwise.core.spi;

import io.batchwise.core.Page;

/**
 * How one page's unit of work begins and ends, for the per-page commit loop of
 * {@link KeysetPages#forEachPage}: a Hibernate session with its resource-local transaction, a
 * Spring transaction manager's transaction, a JDBC connection out of autocommit. The loop owns the
 * order (begin, read, work, commit; rollback on any failure; close always) and the errors and
 * resume tokens; an implementation only says how.
 *
 * <pre>{@code
 * PageTransaction<Connection> jdbc = new PageTransaction<>() {
 *     public Connection begin() throws SQLException {
 *         Connection c = dataSource.getConnection();
 *         c.setAutoCommit(false);
 *         return c;
 *     }
 *     public void commit(Connection c) throws SQLException { c.commit(); }
 *     public void rollback(Connection c) throws SQLException { c.rollback(); }
 *     public void close(Connection c) throws SQLException { c.close(); }
 * };
 * String resume = pages.forEachPage(token, jdbc, c -> reader(c), (c, page) -> write(c, page), "copy(token)");
 * }</pre>
 *
 * <p>The loop calls {@link #begin()} once per page, then on the unit it returned either
 * {@link #commit} or {@link #rollback} (rollback also after a failed commit: an implementation whose
 * commit already ended the unit makes it a no-op), then {@link #close} once, on the loop's thread.
 *
 * @param <U> what a page is read and worked in: a session, a transaction, a connection
 */
public interface PageTransaction<U> {
    /**
     * Begins one page's unit of work.
     *
     * @throws Exception if it cannot begin (no connection); the loop reports it with the token to resume from
     */
    U begin() throws Exception;

    /** Commits the page's unit of work; once this returns, the page counts as done. */
    void commit(U unit) throws Exception;

    /**
     * Rolls back a unit whose read, work or commit failed; nothing to do if the failure already
     * ended it (a commit that rolled back on failure). A failure here is added to the page's failure
     * as suppressed.
     */
    void rollback(U unit) throws Exception;

    /** Releases the unit after its commit or rollback (closes a session); by default nothing. */
    default void close(U unit) throws Exception {
    }

    /**
     * The caller's work on one page, inside the page's unit of work.
     *
     * @param <U> the unit of work
     * @param <T> the row type
     */
    @FunctionalInterface
    interface Work<U, T> {
        void accept(U unit, Page<T> page) throws Exception;
    }
}
