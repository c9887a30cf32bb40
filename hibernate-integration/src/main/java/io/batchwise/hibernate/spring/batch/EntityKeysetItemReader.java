package io.batchwise.hibernate.spring.batch;

import org.hibernate.StatelessSession;

import io.batchwise.core.KeyRange;
import io.batchwise.core.KeysetWalk;
import io.batchwise.hibernate.EntityPager;

/**
 * A restartable reader of entities (or projections) over an {@link EntityPager} (contract:
 * {@link KeysetItemReader}). It reads in a {@link StatelessSession} of the pager's factory, opened
 * in {@code open} and closed in {@code close}: the items are detached (nothing accumulates in a
 * persistence context, however many rows), and writes go through the step's writer in the step's
 * transaction (e.g. {@code JpaItemWriter}, which merges them, or a {@code JdbcBatchItemWriter}). Fetch
 * what the processor needs in the pager's query; a lazy association of an item cannot be loaded.
 *
 * <pre>{@code
 * EntityKeysetItemReader<Order> reader = new EntityKeysetItemReaderBuilder<Order>()
 *         .name("orders")
 *         .pager(EntityPager.of(entityManagerFactory, Order.class)
 *                 .where("e.status = :status").parameter("status", Status.OPEN)
 *                 .orderBy(SortKey.asc("createdAt"))          // the id is appended
 *                 .pageSize(1_000).open())
 *         .build();
 * }</pre>
 *
 * <p>Not final, as Spring Batch's own readers, so that a {@code @StepScope} bean method can return this
 * type (the scope proxies the class).
 *
 * @param <T> the item type: the entity, or the pager's projection
 */
public class EntityKeysetItemReader<T> extends KeysetItemReader<T> {
    private final EntityPager<T> pager;
    private StatelessSession session;

    EntityKeysetItemReader(String name, EntityPager<T> pager, boolean saveState) {
        super(name, saveState);
        this.pager = pager;
    }

    @Override
    KeysetWalk<T> walk(KeyRange range) {
        session = pager.sessionFactory().openStatelessSession();
        return pager.walkRange(session, range);
    }

    @Override
    void release() {
        if (session != null) {
            try {
                session.close();
            } finally {
                session = null;
            }
        }
    }
}
