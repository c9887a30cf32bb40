package io.batchwise.hibernate.spring.batch;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.spi.Arguments;

/**
 * Builds a {@link JdbcKeysetItemReader}, in the style of Spring Batch's own reader builders: the
 * pager carries every query option (select, table or entity, condition, keys, page size, token
 * secret), validated once when it opens; the builder adds only what Spring Batch needs.
 *
 * <pre>{@code
 * new JdbcKeysetItemReaderBuilder<Order>()
 *         .name("orders")                       // the execution-context key prefix
 *         .pager(JdbcKeysetPager.select(dataSource, "id", row -> row.getLong(1)).from("orders").orderBy(SortKey.asc("id")).open())
 *         .build();
 * }</pre>
 *
 * @param <T> the item type
 */
public final class JdbcKeysetItemReaderBuilder<T> {
    private String name;
    private JdbcKeysetPager<T> pager;
    private boolean saveState = true;

    /** A builder with nothing set; {@code saveState} is on. */
    public JdbcKeysetItemReaderBuilder() {
    }

    /**
     * The reader's name: the prefix of its execution-context keys ({@code <name>.token}), required
     * while {@code saveState} is on.
     *
     * @throws IllegalArgumentException for a null or blank name
     */
    public JdbcKeysetItemReaderBuilder<T> name(String name) {
        this.name = Arguments.notBlank("name", name, "pass the reader's name, unique within the step, e.g."
                + " name(\"orders\")");
        return this;
    }

    /**
     * The pager whose rows the reader returns.
     *
     * @throws IllegalArgumentException for null
     */
    public JdbcKeysetItemReaderBuilder<T> pager(JdbcKeysetPager<T> pager) {
        this.pager = Arguments.notNull("pager", pager, "pass an open pager,"
                + " e.g. JdbcKeysetPager.select(dataSource, columns, mapper).from(table).orderBy(keys).open()");
        return this;
    }

    /**
     * Whether the reader stores its position on every chunk and resumes from it on restart (default
     * true). Off, a restarted step reads its range from the start again.
     */
    public JdbcKeysetItemReaderBuilder<T> saveState(boolean saveState) {
        this.saveState = saveState;
        return this;
    }

    /**
     * The reader; nothing is read before the step opens it.
     *
     * @throws IllegalArgumentException without a pager, or without a name while {@code saveState} is on
     */
    public JdbcKeysetItemReader<T> build() {
        Arguments.notNull("pager", pager, "call pager(...) with the JdbcKeysetPager to read,"
                + " e.g. JdbcKeysetPager.select(dataSource, columns, mapper).from(table).orderBy(keys).open()");
        if (saveState && name == null) {
            throw new IllegalArgumentException("name must be set while saveState is on: the reader stores its"
                    + " position under <name>.token; call name(\"...\"), or saveState(false) for a reader that"
                    + " starts over on restart");
        }
        return new JdbcKeysetItemReader<>(name, pager, saveState);
    }
}
