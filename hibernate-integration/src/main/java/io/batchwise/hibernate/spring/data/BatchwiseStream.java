package io.batchwise.hibernate.spring.data;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.stream.Stream;

import io.batchwise.core.ConnectionUse;
import io.batchwise.core.StreamingOptions;
import io.batchwise.hibernate.AfterBatch;
import io.batchwise.hibernate.YieldPer;

/**
 * Makes a Spring Data JPA query method that returns a {@link Stream} walk its result the way
 * {@link YieldPer} does: one forward-only scroll with the streaming fetch chosen for the connected
 * driver, the persistence context released every {@link #batchSize()} rows, the query stopped on the
 * server when the stream is closed early, and Batchwise's refusals and explanations (a lazy load on a
 * streaming connection, a collection fetch join, a lost connection, ...). The derived or
 * {@code @Query} method keeps its signature; the annotation is the whole change:
 *
 * <pre>{@code
 * interface OrderRepository extends JpaRepository<Order, Long> {
 *     @BatchwiseStream(batchSize = 1_000)
 *     Stream<Order> findByStatusOrderById(Status status);
 *
 *     @BatchwiseStream
 *     @Query("select o from Order o where o.total > :min order by o.id")
 *     Stream<Order> bigOrders(BigDecimal min);
 * }
 *
 * try (Stream<Order> orders = repository.findByStatusOrderById(Status.OPEN)) {   // no @Transactional needed
 *     orders.forEach(exporter::write);
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Named differently from {@link YieldPer} on purpose: a repository that also uses the
 *       {@code YieldPer} builder imports both without a clash, and the annotation's attributes are
 *       {@code YieldPer}'s options with the same names and defaults.</li>
 *   <li>Transactions: inside the caller's transaction the walk runs in it. Without one, the method
 *       begins a read-only transaction of its own (propagation {@code REQUIRED}, the repository's
 *       transaction manager) that commits when the stream is closed or read to its end, and rolls
 *       back if the query fails. Spring Data's own streams refuse to run without a surrounding
 *       transaction; this one does not need it. Read and close the stream on the thread that called
 *       the method: the transaction is bound to it.</li>
 *   <li>Entities are managed while their batch is read and detached when the next batch begins
 *       ({@link AfterBatch#CLEAR}); do not keep them to change later. A flushing {@link #afterBatch()}
 *       needs the caller's read-write transaction and is refused without one (Spring Data's
 *       {@code InvalidDataAccessApiUsageException}, as for its own stream without a transaction).</li>
 *   <li>The connection is the walk's alone while the stream is open ({@link ConnectionUse}): what
 *       the loop needs, fetch in the query ({@code join fetch}, an entity graph).</li>
 *   <li>Misuse is refused when the repository is created, before any SQL: the annotation on a
 *       method that does not return a {@link Stream}, on a method that is not a query method (a
 *       CRUD or fragment method), or with an attribute out of range. A repository created by a
 *       factory other than {@link BatchwiseJpaRepositoryFactoryBean} with this annotation on one of
 *       its methods is refused at startup too.</li>
 * </ul>
 *
 * <p>Wiring: with Spring Boot nothing (the auto-configuration in this jar makes Boot's repositories
 * with {@link BatchwiseJpaRepositoryFactoryBean}); without Boot,
 * {@code @EnableJpaRepositories(repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class)}.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface BatchwiseStream {
    /**
     * Rows per batch, at least 1: the persistence context holds at most this many entities; default
     * {@value StreamingOptions#DEFAULT_BATCH_SIZE}. See {@link StreamingOptions#withBatchSize(int)}.
     */
    int batchSize() default StreamingOptions.DEFAULT_BATCH_SIZE;

    /** What happens to the persistence context after each batch; default {@link AfterBatch#CLEAR}. */
    AfterBatch afterBatch() default AfterBatch.CLEAR;

    /**
     * Whether the loop runs other statements on the walk's connection; default
     * {@link ConnectionUse#EXCLUSIVE}. See {@link StreamingOptions#withConnectionUse(ConnectionUse)}.
     */
    ConnectionUse connectionUse() default ConnectionUse.EXCLUSIVE;

    /**
     * Overrides the fetch size Batchwise chooses for the driver; the default {@value #CHOSEN} leaves
     * the choice to Batchwise. See {@link StreamingOptions#withFetchSize(int)}.
     */
    int fetchSize() default CHOSEN;

    /** {@link #fetchSize()}'s default: Batchwise chooses the fetch for the driver connected. */
    int CHOSEN = -1;
}
