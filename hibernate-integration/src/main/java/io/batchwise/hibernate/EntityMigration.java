package io.batchwise.hibernate;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hibernate.FlushMode;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.core.spi.MigrationEngine;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.migration.MigrationOptions;
import io.batchwise.core.spi.KeyQuantiles;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.hibernate.internal.EntityKeysetQuery;

/**
 * A memory-bounded, restartable migration of entities: visits the rows of an {@link EntityPager}
 * in chunks, each chunk in a new session and transaction, and commits the chunk's changes together
 * with the job's checkpoint, so a crash at any instant neither loses nor repeats a chunk. The
 * engine (checkpoints, retries, partitions, throttle, stop, dry run, progress) is core's, shared
 * with {@link io.batchwise.core.JdbcMigration}; this class adds only sessions, flushing and batching.
 *
 * <pre>{@code
 * EntityPager<Order> open = EntityPager.of(sessionFactory, Order.class)
 *         .where("e.total is null").orderBy(SortKey.asc("id")).open();
 *
 * MigrationResult result = EntityMigration.of("backfill-order-totals", open)
 *         .chunkSize(1_000)
 *         .forEachEntity((session, order) -> order.setTotal(order.computeTotal()))  // flushed per chunk
 *         .build()
 *         .run();                                  // again after a crash: resumes at the checkpoint
 *
 * // fastest for bulk changes: a StatelessSession per chunk, the work issues the updates
 * EntityMigration.of("reprice", pager).forEachChunkStateless((session, orders) ->
 *         orders.forEach(o -> { o.setPrice(o.getPrice().multiply(RATE)); session.update(o); })).build().run();
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Chunk: a new {@link Session} (or {@link StatelessSession}) of the pager's factory, a
 *       transaction, its JDBC batch size set to {@link Builder#jdbcBatchSize(int)}; the next
 *       {@code chunkSize} rows after the checkpoint read through the pager's query in that session
 *       with a pessimistic write lock ({@code FOR UPDATE}, see {@link MigrationOptions#lockingRead});
 *       the work; a flush; the checkpoint written on the session's connection; commit. The session is
 *       closed after every chunk, so the persistence context never holds more than one chunk.</li>
 *   <li>Exactly once: what the work changes through the session (and on its connection) commits
 *       with the checkpoint or not at all; other side effects are at least once.</li>
 *   <li>The session the work gets refuses {@code close()}, {@code beginTransaction()} and a commit or
 *       rollback through {@code getTransaction()} (an {@link IllegalStateException}, before anything
 *       is flushed): the chunk is rolled back and the job stops. It is a view of the real session
 *       through the {@code Session} interface; {@code unwrap(..)} reaches the real one.</li>
 *   <li>Batching: insert and update batching needs {@code hibernate.order_inserts} and
 *       {@code hibernate.order_updates} on the factory and, with MySQL Connector/J,
 *       {@code rewriteBatchedStatements=true} in the JDBC URL; an entity with {@code IDENTITY} ids
 *       is inserted one row at a time. Each missing piece is logged once, with the fix.</li>
 *   <li>Everything else (retries, partitions, the job lock, dry run, stop, throttle, progress) is as
 *       in {@link io.batchwise.core.JdbcMigration}. Connections: one per partition at a time, plus one
 *       holding the job's lock, from the factory's connection provider.</li>
 * </ul>
 */
public final class EntityMigration {
    private static final System.Logger LOG = System.getLogger(EntityMigration.class.getName());

    /** The work on one chunk in a {@link Session}. */
    @FunctionalInterface
    public interface SessionWork<T> {
        void accept(Session session, List<T> rows) throws Exception;
    }

    /** The work on one row in the chunk's {@link Session}; managed entities are flushed at the end of the chunk. */
    @FunctionalInterface
    public interface EntityWork<T> {
        void accept(Session session, T row) throws Exception;
    }

    /** The work on one chunk in a {@link StatelessSession}: nothing is flushed for it, it writes itself. */
    @FunctionalInterface
    public interface StatelessWork<T> {
        void accept(StatelessSession session, List<T> rows) throws Exception;
    }

    private EntityMigration() {
    }

    /** Starts a migration named {@code job} over the rows of {@code pager}; give the work, then {@code build()}. */
    public static <T> Builder<T> of(String job, EntityPager<T> pager) {
        return new Builder<>(job, pager);
    }

    /** Options of an entity migration; {@link #build()} validates them (no SQL runs before {@code run()}). */
    public static final class Builder<T> extends MigrationOptions<Builder<T>> {
        /** The JDBC batch size unless {@link #jdbcBatchSize(int)} says otherwise. */
        public static final int DEFAULT_JDBC_BATCH_SIZE = 100;

        private final EntityPager<T> pager;
        private List<Object> startAfter;
        private int jdbcBatchSize = DEFAULT_JDBC_BATCH_SIZE;
        private SessionWork<T> sessionWork;
        private StatelessWork<T> statelessWork;

        private Builder(String job, EntityPager<T> pager) {
            super(job);
            this.pager = Arguments.notNull("pager", pager, "pass the EntityPager whose rows the job visits");
        }

        @Override
        protected Builder<T> self() {
            return this;
        }

        /** Statements per JDBC batch in each chunk's session, 1 to 10,000; default {@value #DEFAULT_JDBC_BATCH_SIZE}. */
        public Builder<T> jdbcBatchSize(int statements) {
            if (statements < 1 || statements > 10_000) {
                throw new IllegalArgumentException("jdbcBatchSize must be in [1, 10000], was " + statements
                        + "; 50 to 1,000 suits most jobs (with rewriteBatchedStatements=true on Connector/J)");
            }
            this.jdbcBatchSize = statements;
            return this;
        }

        /**
         * Starts a new job after the position of a token of this pager ({@link Page#nextToken()} or
         * {@link KeysetWalk#resumeToken()}); one partition only.
         *
         * @throws IllegalArgumentException for a token of another query, or one malformed or altered
         */
        public Builder<T> startAfter(String token) {
            this.startAfter = startAfterValues(pager.pages(), token);
            return this;
        }

        /** The work on each chunk in a {@link Session}; the session is flushed after it. */
        public Builder<T> forEachChunk(SessionWork<T> work) {
            this.sessionWork = Arguments.notNull("work", work, "pass (session, rows) -> { ... }");
            this.statelessWork = null;
            return this;
        }

        /** The work on each row in the chunk's {@link Session}; the session is flushed after the chunk. */
        public Builder<T> forEachEntity(EntityWork<T> work) {
            Arguments.notNull("work", work, "pass (session, entity) -> { ... }");
            return forEachChunk((session, rows) -> {
                for (T row : rows) {
                    work.accept(session, row);
                }
            });
        }

        /** The work on each chunk in a {@link StatelessSession} (no persistence context; it writes itself). */
        public Builder<T> forEachChunkStateless(StatelessWork<T> work) {
            this.statelessWork = Arguments.notNull("work", work, "pass (statelessSession, rows) -> { ... }");
            this.sessionWork = null;
            return this;
        }

        /**
         * Validates the options and returns the migration; nothing runs yet.
         *
         * @throws IllegalArgumentException for missing work or options that do not fit together
         */
        public Migration build() {
            if (sessionWork == null && statelessWork == null) {
                throw new IllegalArgumentException("work must not be null; call forEachChunk(..), forEachEntity(..) or"
                        + " forEachChunkStateless(..) with what each chunk does");
            }
            MigrationEngine.Settings settings = settings(startAfter);
            return new MigrationEngine(settings, new EntityBackend<>(job(), pager, sessionWork,
                    statelessWork, jdbcBatchSize, lockingReads()));
        }
    }

    /** Chunks in sessions of the pager's factory, read with the pager's query. */
    private static final class EntityBackend<T> implements MigrationEngine.Backend {
        private final String job;
        private final SessionFactory factory;
        private final EntityKeysetQuery<?, T> query;
        private final KeysetPages tokens;
        private final SessionWork<T> sessionWork;
        private final StatelessWork<T> statelessWork;
        private final int jdbcBatchSize;
        private final boolean lock;
        private final ConnectionProvider connections;
        private final AtomicBoolean warned = new AtomicBoolean();

        EntityBackend(String job, EntityPager<T> pager, SessionWork<T> sessionWork, StatelessWork<T> statelessWork,
                int jdbcBatchSize, boolean lock) {
            this.job = job;
            this.factory = pager.factory();
            this.query = pager.query();
            this.tokens = pager.pages();
            this.sessionWork = sessionWork;
            this.statelessWork = statelessWork;
            this.jdbcBatchSize = jdbcBatchSize;
            this.lock = lock;
            this.connections = factory.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                    .requireService(ConnectionProvider.class);
        }

        @Override
        public Connection connection() throws SQLException {
            Connection connection = connections.getConnection();
            connection.setAutoCommit(true);
            // closing gives it back to the factory's provider
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close") && (args == null || args.length == 0)) {
                            connections.closeConnection(connection);
                            return null;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public byte[] fingerprint() {
            return tokens.fingerprint();
        }

        @Override
        public String encode(List<Object> keys) {
            return tokens.forwardToken(keys);
        }

        @Override
        public List<Object> decode(String token) {
            return tokens.decode(token).values();
        }

        @Override
        public KeyQuantiles quantiles(Connection connection) {
            return EntityPager.quantiles(factory, query);
        }

        @Override
        public MigrationEngine.Outcome chunk(MigrationEngine.Request request, MigrationEngine.Hook hook)
                throws Exception {
            SharedSessionContract session = statelessWork != null ? factory.openStatelessSession() : factory.openSession();
            try {
                session.setJdbcBatchSize(jdbcBatchSize);
                if (session instanceof Session s) {
                    s.setHibernateFlushMode(FlushMode.COMMIT);
                }
                Transaction transaction = session.beginTransaction();
                try {
                    warnOnce(session);
                    KeysetQuery.Rows<T> rows = query.read(session, false, request.after(), request.upper(), 0,
                            request.limit(), request.rowsBefore(), lock);
                    MigrationEngine.Outcome outcome;
                    if (rows.size() == 0) {
                        outcome = new MigrationEngine.Outcome(0, 0, List.of(), List.of());
                    } else {
                        if (!request.work()) {
                            // a row the skip policy steps over: read (and locked), left as it is
                        } else if (session instanceof Session s) {
                            sessionWork.accept(guard(s, Session.class), rows.rows());
                            s.flush();
                        } else {
                            statelessWork.accept(guard((StatelessSession) session, StatelessSession.class), rows.rows());
                        }
                        outcome = new MigrationEngine.Outcome(rows.size(), request.work() ? rows.size() : 0,
                                rows.keys().get(0), rows.keys().get(rows.size() - 1));
                    }
                    session.doWork(connection -> hook.beforeCommit(connection, outcome));
                    if (request.dryRun()) {
                        transaction.rollback();
                    } else {
                        transaction.commit();
                    }
                    return outcome;
                } catch (Exception | Error e) {
                    if (transaction.isActive()) {
                        try {
                            transaction.rollback();
                        } catch (RuntimeException rollback) {
                            e.addSuppressed(rollback);
                        }
                    }
                    throw e;
                }
            } finally {
                session.close();
            }
        }

        /** The session as the work sees it: no close, no transaction control. */
        @SuppressWarnings("unchecked")
        private <S> S guard(S session, Class<S> type) {
            return (S) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                String name = method.getName();
                if (name.equals("close") || name.equals("beginTransaction")) {
                    throw misuse(type.getSimpleName() + "." + name + "()");
                }
                Object result;
                try {
                    result = method.invoke(session, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
                if (name.equals("getTransaction") && result instanceof Transaction transaction) {
                    return Proxy.newProxyInstance(Transaction.class.getClassLoader(), new Class<?>[] {Transaction.class},
                            (p, m, a) -> {
                                if (List.of("commit", "rollback", "begin").contains(m.getName())) {
                                    throw misuse("Transaction." + m.getName() + "()");
                                }
                                try {
                                    return m.invoke(transaction, a);
                                } catch (InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                }
                return result;
            });
        }

        private IllegalStateException misuse(String call) {
            return new IllegalStateException("The work of migration job \"" + job + "\" called " + call + " on the"
                    + " chunk's session. The migration owns that session and its transaction: it commits the chunk's"
                    + " changes together with the chunk's checkpoint, so a commit of the work's own would make changes"
                    + " permanent without their checkpoint (a restart would apply them again), and a close or rollback"
                    + " would lose the chunk. Remove the call and return from the work; throw an exception to roll the"
                    + " chunk back and stop the job.");
        }

        private void warnOnce(SharedSessionContract session) {
            if (warned.getAndSet(true)) {
                return;
            }
            SessionFactoryImplementor implementor = factory.unwrap(SessionFactoryImplementor.class);
            StringBuilder advice = new StringBuilder();
            if (statelessWork == null && (!implementor.getSessionFactoryOptions().isOrderUpdatesEnabled()
                    || !implementor.getSessionFactoryOptions().isOrderInsertsEnabled())) {
                advice.append(" Set hibernate.order_updates=true and hibernate.order_inserts=true on the factory: without"
                        + " them a chunk that changes entities of several types breaks each JDBC batch at every change"
                        + " of type.");
            }
            EntityPersister persister = implementor.getMappingMetamodel().getEntityDescriptor(query.entity());
            if (persister.getGenerator() != null && persister.getGenerator().generatedOnExecution()) {
                advice.append(" Entity ").append(query.entity().getSimpleName()).append(" has IDENTITY (database"
                        + " generated) ids, so Hibernate inserts new ones one row at a time, without JDBC batching;"
                        + " use a SEQUENCE or assigned ids where a job inserts many.");
            }
            session.doWork(connection -> {
                if (JdbcDriver.of(connection) == JdbcDriver.MYSQL_CONNECTOR_J
                        && !String.valueOf(connection.getMetaData().getURL()).contains("rewriteBatchedStatements=true")) {
                    advice.append(" MySQL Connector/J sends a JDBC batch as one statement per row unless the JDBC URL"
                            + " has rewriteBatchedStatements=true; add it.");
                }
            });
            if (advice.length() > 0) {
                LOG.log(Level.WARNING, "Migration job \"" + job + "\": its writes are not batched as well as they could"
                        + " be." + advice);
            }
        }
    }
}
