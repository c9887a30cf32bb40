package io.batchwise.hibernate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaQuery;

import org.hibernate.Session;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.query.IllegalSelectQueryException;
import org.hibernate.query.QueryTypeMismatchException;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.spi.AbstractCommonQueryContract;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.StreamingBuilder;
import io.batchwise.core.Walk;
import io.batchwise.core.spi.Arguments;
import io.batchwise.hibernate.internal.StreamingQueryWalk;

/**
 * Walks every row of a Hibernate query in bounded memory: one forward-only scroll
 * ({@code ScrollMode.FORWARD_ONLY}) with the streaming fetch chosen for the connected driver
 * ({@link FetchPlan}), releasing the persistence context every {@link Builder#batchSize(int)} rows
 * ({@link AfterBatch}). The Java counterpart of SQLAlchemy's {@code yield_per} and Rails'
 * {@code find_each}.
 *
 * <pre>{@code
 * try (Stream<Order> orders = YieldPer.query(session, "from Order where status = :s", Order.class)
 *         .parameter("s", Status.OPEN)
 *         .batchSize(1_000)
 *         .stream()) {
 *     orders.forEach(exporter::write);
 * }
 *
 * // modifying: flush + clear per batch (needs useCursorFetch=true with MySQL Connector/J)
 * YieldPer.query(session, "from Order", Order.class)
 *         .afterBatch(AfterBatch.FLUSH_AND_CLEAR)
 *         .forEachBatch(batch -> batch.forEach(Order::recalculate));
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Rows come in the query's order; the persistence context is released when the caller asks
 *       for the first row of the next batch, so with a stateful {@link Session} it never holds
 *       more than about one batch. The last batch stays as it is after the walk ends: with a
 *       flushing policy, its changes are written by the caller's next flush or commit.</li>
 *   <li>Transactions are the caller's: the walk neither begins nor commits. A flush per batch
 *       writes inside the caller's transaction.</li>
 *   <li>Connection: with MySQL Connector/J the rows stream ({@code fetchSize=Integer.MIN_VALUE}), which
 *       blocks every other statement on the session's connection until the walk is closed: inside
 *       the loop, do not touch lazy associations, run other queries, or flush. EAGER associations
 *       not fetched by the query need such a statement too: join fetch them. What the loop needs,
 *       fetch in the query. If the loop must use the connection, connect with
 *       {@code useCursorFetch=true} and choose {@link ConnectionUse#SHARED} (or a flushing
 *       {@link AfterBatch}); without a cursor such a walk is refused up front, and a statement
 *       that still hits the busy connection fails with a {@link BatchwiseException} naming the fix.
 *       With MariaDB Connector/J a shared connection is refused too: that driver reads the whole rest
 *       of a streaming result into memory before it runs another statement.</li>
 *   <li>A collection fetch join is refused: one root entity spans several rows, and a release in the
 *       middle would split it. Load collections per batch instead ({@code @BatchSize}, or a second
 *       query per chunk), or use the keyset pager.</li>
 *   <li>Always close the walk (try-with-resources, a closed {@link Stream}, or
 *       {@link Builder#forEachBatch(Consumer)}). Closing, an early {@code break} or an exception
 *       from the caller's code closes the scroll and leaves the session usable.</li>
 *   <li>Faults: a killed query, a lost connection or a server restart ends the walk with a
 *       {@link BatchwiseException} naming the cause, the rows read and the fix (a streaming walk
 *       cannot resume: re-run it, or use {@link EntityPager}, which resumes from its last token). A
 *       dead connection is closed so that the pool drops it; outside a transaction the session lets
 *       go of it at once and its next statement borrows a live one; inside one, the transaction is
 *       lost with the connection: roll back (Hibernate may report that it cannot reach the
 *       connection) and close the session. Closing a streaming walk before its last row asks the
 *       server to stop the query ({@code KILL QUERY} from a short-lived side connection) instead of
 *       reading the rest of the result; the session and its transaction stay usable.</li>
 *   <li>Not thread-safe, like the session it walks.</li>
 * </ul>
 */
public final class YieldPer {
    private YieldPer() {
    }

    /** A walk of an HQL query on a stateful session. */
    public static <T> Builder<T> query(Session session, String hql, Class<T> rowType) {
        Arguments.notNull("session", session, "pass the Session to walk with");
        return forString(session, "hql", hql, rowType);
    }

    /** A walk of an HQL query on a stateless session (nothing to clear: entities are never managed). */
    public static <T> Builder<T> query(StatelessSession session, String hql, Class<T> rowType) {
        Arguments.notNull("session", session, "pass the StatelessSession to walk with");
        return forString(session, "hql", hql, rowType);
    }

    /** A walk of a JPQL query on a JPA entity manager backed by Hibernate. */
    public static <T> Builder<T> query(EntityManager entityManager, String jpql, Class<T> rowType) {
        return forString(unwrap(entityManager), "jpql", jpql, rowType);
    }

    /** A walk of a criteria query on a session. */
    public static <T> Builder<T> query(Session session, CriteriaQuery<T> criteria) {
        Arguments.notNull("session", session, "pass the Session to walk with");
        return forCriteria(session, criteria);
    }

    /** A walk of a criteria query on a stateless session. */
    public static <T> Builder<T> query(StatelessSession session, CriteriaQuery<T> criteria) {
        Arguments.notNull("session", session, "pass the StatelessSession to walk with");
        return forCriteria(session, criteria);
    }

    /** A walk of a criteria query on a JPA entity manager backed by Hibernate. */
    public static <T> Builder<T> query(EntityManager entityManager, CriteriaQuery<T> criteria) {
        return forCriteria(unwrap(entityManager), criteria);
    }

    /**
     * A walk of a query the caller has built (parameters already set) on {@code session}, the
     * session that created it.
     */
    public static <T> Builder<T> query(SharedSessionContract session, SelectionQuery<T> query) {
        Arguments.notNull("session", session, "pass the session that created the query");
        Arguments.notNull("query", query, "pass the SelectionQuery to walk");
        if (query instanceof AbstractCommonQueryContract contract && session instanceof SharedSessionContractImplementor
                && contract.getSession() != session) {
            throw new IllegalArgumentException("query must have been created by the session it walks, but it belongs"
                    + " to another session (" + contract.getSession() + ", not " + session + "); create the query"
                    + " on the session you pass, or pass the query's own session");
        }
        return new Builder<>(session, s -> query, "selection query");
    }

    private static <T> Builder<T> forCriteria(SharedSessionContract session, CriteriaQuery<T> criteria) {
        Arguments.notNull("criteria", criteria, "pass the CriteriaQuery to walk");
        return new Builder<>(session, s -> s.createSelectionQuery(criteria), "criteria query");
    }

    private static <T> Builder<T> forString(SharedSessionContract session, String parameter, String hql,
            Class<T> rowType) {
        Arguments.notBlank(parameter, hql, "pass the HQL/JPQL select to walk, e.g. \"from Order\"");
        Arguments.notNull("rowType", rowType, "pass the class of the rows, e.g. Order.class or Object[].class");
        return new Builder<>(session, s -> selection(s, parameter, hql, rowType), hql);
    }

    /** The query for {@code hql}, with Hibernate's refusals of a non-select or a wrong row type naming the parameter. */
    private static <T> SelectionQuery<T> selection(SharedSessionContract session, String parameter, String hql,
            Class<T> rowType) {
        try {
            return session.createSelectionQuery(hql, rowType);
        } catch (IllegalSelectQueryException e) {
            throw new IllegalArgumentException(parameter + " must be a select query, was \"" + hql + "\"; walk a"
                    + " select (e.g. \"from Order where ...\"), and change rows with a mutation query or in the loop"
                    + " (" + e.getMessage() + ")", e);
        } catch (QueryTypeMismatchException e) {
            throw new IllegalArgumentException("rowType must be the type the query selects, was " + rowType.getName()
                    + "; pass the entity class for \"from Entity\", the attribute's type for one selected value, or"
                    + " Object[].class for several (" + e.getMessage() + ")", e);
        }
    }

    private static Session unwrap(EntityManager entityManager) {
        Arguments.notNull("entityManager", entityManager, "pass the EntityManager to walk with");
        if (!entityManager.isOpen()) {
            throw new IllegalStateException("entityManager is closed; open the walk on an open EntityManager");
        }
        try {
            return entityManager.unwrap(Session.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("entityManager must be backed by Hibernate ORM, was "
                    + entityManager.getClass().getName() + "; pass an EntityManager of a Hibernate persistence unit"
                    + " (Batchwise walks Hibernate sessions)", e);
        }
    }

    /**
     * Options of one walk. {@link #open()} validates them before any SQL runs; a builder may be
     * opened again for a new walk.
     */
    public static final class Builder<T> extends StreamingBuilder<T, Builder<T>> {
        private final SharedSessionContract session;
        private final Function<SharedSessionContract, SelectionQuery<T>> queryFactory;
        private final String description;
        private final Map<String, Object> named = new LinkedHashMap<>();
        private final Map<Integer, Object> positional = new LinkedHashMap<>();
        private AfterBatch afterBatch = AfterBatch.CLEAR;

        Builder(SharedSessionContract session, Function<SharedSessionContract, SelectionQuery<T>> queryFactory,
                String description) {
            this.session = session;
            this.queryFactory = queryFactory;
            this.description = description;
        }

        /** Binds a named parameter ({@code :name}). */
        public Builder<T> parameter(String name, Object value) {
            named.put(Arguments.notBlank("name", name, "pass the parameter name without the colon"), value);
            return this;
        }

        /** Binds a positional parameter ({@code ?1}). */
        public Builder<T> parameter(int position, Object value) {
            positional.put(Arguments.atLeastOne("position", position, "positions start at 1 (?1)"), value);
            return this;
        }

        /**
         * What happens to the persistence context after each batch; default {@link AfterBatch#CLEAR}.
         * A flushing policy implies {@link ConnectionUse#SHARED}.
         */
        public Builder<T> afterBatch(AfterBatch policy) {
            this.afterBatch = Arguments.notNull("policy", policy, "pass one of AfterBatch's constants");
            return this;
        }

        /**
         * Validates the options, runs the query and returns the open walk; close it.
         *
         * @throws IllegalStateException    if the session is closed, or another walk streams on its connection
         * @throws IllegalArgumentException if the options do not fit the session or the query
         * @throws BatchwiseException       if the driver cannot serve the connection use asked for
         */
        @Override
        public Walk<T> open() {
            if (!session.isOpen()) {
                throw new IllegalStateException("session is closed; open the walk on an open "
                        + (session instanceof StatelessSession ? "StatelessSession" : "Session"));
            }
            if (session instanceof StatelessSession && afterBatch != AfterBatch.CLEAR) {
                throw new IllegalArgumentException("afterBatch must be AfterBatch.CLEAR for a StatelessSession, was "
                        + afterBatch + "; a stateless session keeps no persistence context to flush or detach,"
                        + " write with session.update()/insert() instead (and ConnectionUse.SHARED)");
            }
            ConnectionUse use = afterBatch.flushes() ? ConnectionUse.SHARED : options().connectionUse();
            if (use == ConnectionUse.SHARED && !session.getTransaction().isActive()) {
                throw new IllegalStateException("A walk that shares its connection (" + (afterBatch.flushes()
                        ? "afterBatch " + afterBatch : "connectionUse SHARED") + ") needs an active transaction:"
                        + " without one Hibernate releases the JDBC resources after every other statement, which"
                        + " closes the walk's result set. Begin a transaction before opening the walk.");
            }
            return StreamingQueryWalk.open(session, queryFactory, description, named, positional, options(),
                    afterBatch, use);
        }
    }
}
