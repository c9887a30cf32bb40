package io.batchwise.core;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A walk over every row of a result that may be far larger than the heap: a closeable,
 * single-pass iterator, the one caller-facing shape shared by every Batchwise walker
 * (streaming {@code yieldPer}, keyset pages, plain JDBC).
 *
 * <p>Rows arrive in <em>batches</em> of {@link #batchSize()} (see the README's vocabulary): in a
 * streaming walk the rows between two releases of the persistence context, in a keyset walk one
 * page. The walker releases what it holds for one batch (for an ORM walker, the entities in the
 * persistence context) when the caller asks for the first row of the next, so at most about one
 * batch is ever retained.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #hasNext()} fetches lazily and may run SQL; {@link #next()} past the end throws
 *       {@link NoSuchElementException}.</li>
 *   <li>{@link #close()} releases the result set, statement and any connection the walk owns.
 *       It is idempotent, and the walk closes itself once exhausted. Always close a walk that
 *       may be left early: use try-with-resources, {@link #stream()} in try-with-resources, or
 *       {@link #forEachBatch(Consumer)}, which closes on return and on exception.</li>
 *   <li>A walk is not thread-safe; use it from one thread.</li>
 * </ul>
 *
 * <pre>{@code
 * try (Walk<Order> orders = YieldPer.query(session, "from Order", Order.class).open()) {
 *     while (orders.hasNext()) {
 *         export(orders.next());
 *     }
 * }
 * }</pre>
 *
 * @param <T> the row type
 */
public interface Walk<T> extends Iterator<T>, AutoCloseable {

    /** Rows per batch, what the walker holds at most: a streaming walk's batch size, a keyset walk's page size. */
    int batchSize();

    /** Rows handed to the caller so far. */
    long rowsRead();

    /** Releases every resource of the walk; idempotent; never throws a checked exception. */
    @Override
    void close();

    /**
     * This walk as a sequential, ordered {@link Stream}. Closing the stream closes the walk, so use
     * it in try-with-resources when it may be abandoned before its end. An exception thrown by an
     * action of the stream that was caused by the walker's connection being busy is rethrown as a
     * {@link BatchwiseException} that explains it.
     */
    Stream<T> stream();

    /**
     * Hands the rest of the walk to {@code handler} one batch at a time (an unmodifiable
     * list of {@link #batchSize()} rows, the last one possibly shorter) and closes the walk, also
     * when the handler throws. For ORM walkers the rows of a batch are managed while the handler
     * runs and released after it returns.
     *
     * @param handler called once per batch; must not be null
     * @return the number of rows handed over
     */
    long forEachBatch(Consumer<? super List<T>> handler);
}
