package io.batchwise.hibernate.spring.batch;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.KeyRange;
import io.batchwise.core.KeysetWalk;

/**
 * A restartable reader of JDBC rows over a {@link JdbcKeysetPager} (contract: {@link KeysetItemReader}).
 * Each page runs on a connection borrowed from the pager's {@code DataSource} for that page only, so
 * the reader holds no connection between pages; size the pool for the step's own connection plus one.
 *
 * <pre>{@code
 * JdbcKeysetItemReader<Order> reader = new JdbcKeysetItemReaderBuilder<Order>()
 *         .name("orders")
 *         .pager(JdbcKeysetPager.select(dataSource, "id, total", row -> new Order(row.getLong(1), row.getBigDecimal(2)))
 *                 .from("orders").where("status = ?", "OPEN")
 *                 .orderBy(SortKey.asc("id")).pageSize(1_000).open())
 *         .build();
 * }</pre>
 *
 * <p>Not final, as Spring Batch's own readers, so that a {@code @StepScope} bean method can return this
 * type (the scope proxies the class).
 *
 * @param <T> the row type
 */
public class JdbcKeysetItemReader<T> extends KeysetItemReader<T> {
    private final JdbcKeysetPager<T> pager;

    JdbcKeysetItemReader(String name, JdbcKeysetPager<T> pager, boolean saveState) {
        super(name, saveState);
        this.pager = pager;
    }

    @Override
    KeysetWalk<T> walk(KeyRange range) {
        return pager.walkRange(range);
    }
}
