package io.batchwise.hibernate.spring.batch;

import java.util.function.Function;

import jakarta.persistence.EntityManagerFactory;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

import io.batchwise.core.spi.Arguments;
import io.batchwise.hibernate.YieldPer;

/**
 * Builds a {@link YieldPerItemReader}, in the style of Spring Batch's own reader builders. The query
 * and its streaming options (batch size, fetch size, {@code net_write_timeout}, parameters) are
 * {@link YieldPer}'s own, given as a function of the reader's stateless session, so each is explained
 * and validated once, in {@link YieldPer}.
 *
 * @param <T> the item type
 */
public final class YieldPerItemReaderBuilder<T> {
    private String name;
    private SessionFactory factory;
    private Function<StatelessSession, YieldPer.Builder<T>> query;
    private boolean saveState = true;

    /** A builder with nothing set; {@code saveState} is on. */
    public YieldPerItemReaderBuilder() {
    }

    /**
     * The reader's name: the prefix of its execution-context key ({@code <name>.read.count}), required
     * while {@code saveState} is on.
     *
     * @throws IllegalArgumentException for a null or blank name
     */
    public YieldPerItemReaderBuilder<T> name(String name) {
        this.name = Arguments.notBlank("name", name, "pass the reader's name, unique within the step, e.g."
                + " name(\"orders\")");
        return this;
    }

    /**
     * The factory whose stateless session the reader streams in.
     *
     * @throws IllegalArgumentException for null
     */
    public YieldPerItemReaderBuilder<T> sessionFactory(SessionFactory factory) {
        this.factory = Arguments.notNull("sessionFactory", factory, "pass the Hibernate SessionFactory to read with");
        return this;
    }

    /**
     * The JPA persistence unit (backed by Hibernate) whose stateless session the reader streams in.
     *
     * @throws IllegalArgumentException for null, or a factory not backed by Hibernate ORM
     */
    public YieldPerItemReaderBuilder<T> entityManagerFactory(EntityManagerFactory factory) {
        Arguments.notNull("entityManagerFactory", factory, "pass the EntityManagerFactory to read with");
        try {
            this.factory = factory.unwrap(SessionFactory.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("entityManagerFactory must be backed by Hibernate ORM, was "
                    + factory.getClass().getName() + "; YieldPer streams Hibernate queries", e);
        }
        return this;
    }

    /**
     * The query, as a {@link YieldPer} builder made from the reader's stateless session, e.g.
     * {@code session -> YieldPer.query(session, "from Order order by id", Order.class).batchSize(1_000)}.
     * Called once per {@code open}.
     *
     * @throws IllegalArgumentException for null
     */
    public YieldPerItemReaderBuilder<T> query(Function<StatelessSession, YieldPer.Builder<T>> query) {
        this.query = Arguments.notNull("query", query, "pass session -> YieldPer.query(session, hql, type)");
        return this;
    }

    /**
     * Whether the reader stores the items read and refuses a restart in the middle (default true);
     * off, a restarted step reads the whole query again. See {@link YieldPerItemReader}.
     */
    public YieldPerItemReaderBuilder<T> saveState(boolean saveState) {
        this.saveState = saveState;
        return this;
    }

    /**
     * The reader; nothing runs before the step opens it.
     *
     * @throws IllegalArgumentException without a factory or a query, or without a name while
     *         {@code saveState} is on
     */
    public YieldPerItemReader<T> build() {
        Arguments.notNull("sessionFactory", factory, "call sessionFactory(...) or entityManagerFactory(...)");
        Arguments.notNull("query", query, "call query(session -> YieldPer.query(session, hql, type))");
        if (saveState && name == null) {
            throw new IllegalArgumentException("name must be set while saveState is on: the reader stores the"
                    + " items read under <name>.read.count; call name(\"...\"), or saveState(false)");
        }
        return new YieldPerItemReader<>(name, factory, query, saveState);
    }
}
