package io.batchwise.hibernate.internal;

import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import org.hibernate.query.criteria.HibernateCriteriaBuilder;

import io.batchwise.hibernate.CriteriaCondition;

/**
 * A {@link CriteriaCondition} that is also given the query it restricts, as Spring Data's
 * {@code Specification} expects (for a subquery): {@link EntityKeysetQuery#withCondition} calls
 * {@link #toPredicate(HibernateCriteriaBuilder, Root, CriteriaQuery)} and refuses a condition that
 * changed the query itself (distinct, order, grouping, restriction, another root), which is the
 * pager's, or joined or fetched a collection, which would repeat an entity once per element.
 *
 * @param <E> the entity type
 */
public interface QueryCondition<E> extends CriteriaCondition<E> {
    /**
     * @param query the page query; only for building subqueries, not to be changed
     * @return the condition, or null for none (Spring Data's reading of a null predicate)
     */
    Predicate toPredicate(HibernateCriteriaBuilder builder, Root<E> root, CriteriaQuery<?> query);

    /** Not called: {@link EntityKeysetQuery#withCondition} passes the query. */
    @Override
    default Predicate toPredicate(HibernateCriteriaBuilder builder, Root<E> root) {
        throw new UnsupportedOperationException("a QueryCondition is built with its query");
    }
}
