package io.batchwise.hibernate.spring.batch;

import java.util.function.Function;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import io.batchwise.core.Walk;
import io.batchwise.hibernate.YieldPer;

/**
 * A streaming Spring Batch reader for single-pass steps: one forward-only {@link YieldPer} query over a
 * {@link StatelessSession} of its own, with the streaming fetch chosen for the connected driver (MySQL
 * Connector/J's row streaming, which Spring Batch's cursor readers cannot be given, or MariaDB
 * Connector/J's positive fetch size), so the heap holds one batch whatever the table's size. The
 * fastest way through a table when the step does not need to restart in the middle.
 *
 * <pre>{@code
 * YieldPerItemReader<Order> reader = new YieldPerItemReaderBuilder<Order>()
 *         .name("orders")
 *         .sessionFactory(sessionFactory)                 // or entityManagerFactory(emf)
 *         .query(session -> YieldPer.query(session, "from Order where status = :s order by id", Order.class)
 *                 .parameter("s", Status.OPEN)
 *                 .batchSize(1_000))
 *         .build();
 * }</pre>
 *
 * <h2>Restart</h2>
 * A streaming query cannot seek: resuming it would mean reading and dropping every row before the
 * position again (what Spring Batch's cursor readers do), over a result that may have changed since.
 * So with {@code saveState} (the default) the reader stores the items read ({@code <name>.read.count})
 * and <b>refuses to open</b> on a restart whose context has a count above zero, with an
 * {@link ItemStreamException} that names the two ways out: a {@link KeysetItemReader} (restartable,
 * seeks with one indexed query), or {@code saveState(false)}, which makes a restarted step read the
 * whole query again from the first row (the step's writes must then be idempotent). It also refuses a
 * partition context of {@link KeyRangePartitioner}: a streaming query reads the whole result, so every
 * partition would read every row.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@code open} opens the session and the walk (one connection, held streaming until
 *       {@code close}; size the pool for it); {@code close} stops the query on the server when the
 *       step ends early, instead of the driver reading the rest of the result.</li>
 *   <li>Items are detached: the session is stateless. The step's writer works in the step's own
 *       transaction on another connection.</li>
 *   <li>Failures of the walk arrive as {@link io.batchwise.core.BatchwiseException} with a reason (a
 *       lost connection, {@code net_write_timeout}, ...); see {@link YieldPer}.</li>
 *   <li>Not thread-safe: one reader per step execution.</li>
 * </ul>
 *
 * <p>Not final, as Spring Batch's own readers, so that a {@code @StepScope} bean method can return this
 * type (the scope proxies the class).
 *
 * @param <T> the item type
 */
public class YieldPerItemReader<T> extends ItemStreamSupport implements ItemStreamReader<T> {
    /** The execution-context key suffix of the items read: {@code <name>.read.count}. */
    public static final String READ_COUNT_KEY = "read.count";

    private final SessionFactory factory;
    private final Function<StatelessSession, YieldPer.Builder<T>> query;
    private final boolean saveState;
    private StatelessSession session;
    private Walk<T> walk;
    private long read;

    YieldPerItemReader(String name, SessionFactory factory, Function<StatelessSession, YieldPer.Builder<T>> query,
            boolean saveState) {
        if (name != null) {
            setName(name);
        }
        this.factory = factory;
        this.query = query;
        this.saveState = saveState;
    }

    @Override
    public void open(ExecutionContext executionContext) {
        if (walk != null) {
            throw new IllegalStateException("reader \"" + getName() + "\" is already open; close() it before"
                    + " opening it again");
        }
        if (executionContext.containsKey(KeyRangePartitioner.AFTER_KEY)
                || executionContext.containsKey(KeyRangePartitioner.THROUGH_KEY)
                || executionContext.containsKey(KeyRangePartitioner.EMPTY_KEY)) {
            throw new ItemStreamException("Reader \"" + getName() + "\" is in a partition of KeyRangePartitioner,"
                    + " but a streaming query reads the whole result: every partition would read every row. Use"
                    + " an EntityKeysetItemReader or JdbcKeysetItemReader over the partitioner's pager");
        }
        String key = getExecutionContextKey(READ_COUNT_KEY);
        long before = saveState ? executionContext.getLong(key, 0) : 0;
        if (before > 0) {
            throw new ItemStreamException("Reader \"" + getName() + "\" cannot resume: the step's execution"
                    + " context says " + before + " items were read in an earlier run (" + key + "), and a"
                    + " streaming query cannot seek to that position. For a step that restarts where it stopped,"
                    + " use an EntityKeysetItemReader (it seeks with one indexed query); to read everything again"
                    + " from the first row on restart, build this reader with saveState(false) and make the"
                    + " step's writes idempotent");
        }
        session = factory.openStatelessSession();
        try {
            YieldPer.Builder<T> builder = query.apply(session);
            if (builder == null) {
                throw new IllegalArgumentException("query returned null; return YieldPer.query(session, hql,"
                        + " type) with its options");
            }
            walk = builder.open();
        } catch (RuntimeException e) {
            session.close();
            session = null;
            throw e;
        }
        read = 0;
    }

    @Override
    public T read() {
        if (walk == null) {
            throw new IllegalStateException("reader \"" + getName() + "\" is not open; the step opens it, or call"
                    + " open(executionContext) first");
        }
        if (!walk.hasNext()) {
            return null;
        }
        T item = walk.next();
        read++;
        return item;
    }

    @Override
    public void update(ExecutionContext executionContext) {
        if (saveState) {
            executionContext.putLong(getExecutionContextKey(READ_COUNT_KEY), read);
        }
    }

    @Override
    public void close() {
        try {
            if (walk != null) {
                walk.close();
            }
        } finally {
            walk = null;
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }
}
