package io.batchwise.hibernate;

import org.hibernate.Session;

import io.batchwise.core.Page;

/**
 * The caller's work on one page inside the transaction {@link EntityPager#forEachPage} (or Spring Data's
 * {@code KeysetRepository.forEachKeysetPage}) opened for it; the page's token is handed out only after
 * that transaction has committed.
 *
 * @param <T> the row type (the entity, or the projection)
 */
@FunctionalInterface
public interface PageWork<T> {
    /**
     * @param session the page's own session; its entities are managed, changes are flushed at commit
     * @param page    the page, with the token that resumes after it
     */
    void accept(Session session, Page<T> page) throws Exception;
}
