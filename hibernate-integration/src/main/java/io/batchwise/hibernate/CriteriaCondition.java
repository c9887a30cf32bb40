package io.batchwise.hibernate;

import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import org.hibernate.query.criteria.HibernateCriteriaBuilder;

/**
 * A filter for {@link EntityPager} written with the criteria API instead of HQL: builds the condition
 * every row must meet on the entity's root. The pager ANDs it with its own seek predicate (and with
 * an HQL {@code where}, if both are given).
 *
 * <pre>{@code
 * EntityPager<Order> open = EntityPager.of(sessionFactory, Order.class)
 *         .where((cb, order) -> cb.and(
 *                 cb.equal(order.get(Order_.status), Status.OPEN),
 *                 cb.greaterThan(order.get(Order_.total), minimum)))
 *         .orderBy(SortKey.desc("createdAt"))
 *         .open();
 * }</pre>
 *
 * <p>The condition is built once when the pager opens (to check it and to bind tokens to it) and
 * again for every page, on a new query each time. It must therefore build the same condition every
 * time: use values fixed when the pager is built (captured in the lambda), not values computed in
 * it (such as the current time), or a token would resume a different query. Values given to the
 * builder are bound as parameters, never written into the SQL. A pager shared between threads
 * calls it from each of them, so it must not keep state of its own.
 *
 * @param <E> the entity type
 */
@FunctionalInterface
public interface CriteriaCondition<E> {
    /**
     * @param builder the criteria builder of the session that runs the page
     * @param root    the entity (alias {@code e} in HQL)
     * @return the condition; not null
     */
    Predicate toPredicate(HibernateCriteriaBuilder builder, Root<E> root);
}
