package io.batchwise.hibernate.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.hibernate.CacheMode;
import org.hibernate.ConnectionReleaseMode;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.Session;
import org.hibernate.SharedSessionContract;
import org.hibernate.engine.jdbc.spi.JdbcCoordinator;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.engine.spi.PersistenceContext;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.query.SelectionQuery;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.internal.AbstractWalk;
import io.batchwise.core.internal.Failures;
import io.batchwise.core.internal.FetchPlans;
import io.batchwise.core.internal.LostConnections;
import io.batchwise.core.internal.NetWriteTimeout;
import io.batchwise.core.internal.RunningQueries;
import io.batchwise.core.internal.StreamingConnections;
import io.batchwise.hibernate.AfterBatch;

/** yieldPer: one forward-only scroll, the persistence context released every batch. */
public final class StreamingQueryWalk<T> extends AbstractWalk<T> {
    private final SharedSessionContract session;
    private final AfterBatch afterBatch;
    private final FetchPlan plan;
    private final Connection physical;
    private final Connection connection;
    private final ScrollableResults<T> scroll;
    private final Set<EntityKey> keptEntities;
    private final NetWriteTimeout.Restore netWriteTimeout;
    private final int knownNetWriteTimeout;
    private Failures.Fault fault;

    private StreamingQueryWalk(int batchSize, SharedSessionContract session, AfterBatch afterBatch, FetchPlan plan,
            Connection physical, Connection connection, ScrollableResults<T> scroll, Set<EntityKey> keptEntities,
            NetWriteTimeout.Restore netWriteTimeout, int knownNetWriteTimeout) {
        super(batchSize);
        this.session = session;
        this.afterBatch = afterBatch;
        this.plan = plan;
        this.physical = physical;
        this.connection = connection;
        this.scroll = scroll;
        this.keptEntities = keptEntities;
        this.netWriteTimeout = netWriteTimeout;
        this.knownNetWriteTimeout = knownNetWriteTimeout;
    }

    /**
     * Opens the walk: validates the query's shape, chooses the fetch for the session's connection,
     * raises {@code net_write_timeout} when asked ({@code netWriteTimeoutSeconds}, or null) and
     * opens the scroll.
     */
    public static <T> StreamingQueryWalk<T> open(SharedSessionContract session,
            Function<SharedSessionContract, SelectionQuery<T>> queryFactory, String description,
            Map<String, Object> named, Map<Integer, Object> positional, int batchSize, Integer fetchSize,
            AfterBatch afterBatch, ConnectionUse use, Integer netWriteTimeoutSeconds) {
        SelectionQuery<T> query = queryFactory.apply(session);
        QueryShape.refuseCollectionFetch(query, description);
        named.forEach(query::setParameter);
        positional.forEach(query::setParameter);
        if (netWriteTimeoutSeconds != null && releasesAfterEachStatement(session)) {
            throw new IllegalStateException("netWriteTimeout needs the session to keep its connection for the walk,"
                    + " but this session releases it after every statement (connection handling mode "
                    + jdbc(session).getLogicalConnection().getConnectionHandlingMode() + ", as with JTA), so the"
                    + " setting could land on another connection. Set net_write_timeout in the pool instead (e.g."
                    + " HikariCP connectionInitSql \"SET SESSION net_write_timeout = 600\"), or use the keyset pager.");
        }

        String sharedBy = afterBatch.flushes() ? "afterBatch " + afterBatch : "connectionUse SHARED";
        FetchPlan plan = session.doReturningWork(c -> FetchPlans.choose(c, use, fetchSize, sharedBy));
        Connection physical = plan.connectionFreeDuringWalk() ? null
                : session.doReturningWork(StreamingConnections::physical);
        if (physical != null) {
            StreamingConnections.claim(physical, "yieldPer over " + description);
        }
        boolean stateful = session instanceof Session;
        Set<EntityKey> kept = stateful && !afterBatch.clearsAll() ? entityKeys((Session) session) : null;
        NetWriteTimeout.Restore restore = null;
        try {
            if (netWriteTimeoutSeconds != null) {
                restore = session.doReturningWork(c -> NetWriteTimeout.raise(c, plan, netWriteTimeoutSeconds));
            }
            query.setFetchSize(plan.fetchSize());
            query.setCacheMode(CacheMode.IGNORE);
            if (stateful) {
                query.setReadOnly(!afterBatch.flushes());
            }
            ScrollableResults<T> scroll = query.scroll(ScrollMode.FORWARD_ONLY);
            // The connection the scroll reads from: Hibernate holds it while the scroll's result is open.
            Connection connection = session.doReturningWork(c -> c);
            return new StreamingQueryWalk<>(batchSize, session, afterBatch, plan, physical, connection, scroll, kept,
                    restore, NetWriteTimeout.known(connection, plan, netWriteTimeoutSeconds));
        } catch (RuntimeException e) {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
            if (restore != null && Failures.classify(e) != Failures.Fault.CONNECTION_LOST) {
                NetWriteTimeout.Restore back = restore;
                try {
                    session.doWork(back::restore);
                } catch (RuntimeException secondary) {
                    e.addSuppressed(secondary);
                }
            }
            throw Failures.explainRead(e, new Failures.Context(-1, batchSize, 0, plan, 0));
        }
    }

    private static JdbcCoordinator jdbc(SharedSessionContract session) {
        return ((SharedSessionContractImplementor) session).getJdbcCoordinator();
    }

    private static boolean releasesAfterEachStatement(SharedSessionContract session) {
        return session instanceof SharedSessionContractImplementor
                && jdbc(session).getLogicalConnection().getConnectionHandlingMode().getReleaseMode()
                        == ConnectionReleaseMode.AFTER_STATEMENT;
    }

    @Override
    protected boolean fetchNext() {
        return scroll.next();
    }

    @Override
    protected T current() {
        return scroll.get();
    }

    @Override
    protected void endOfChunk() {
        if (!(session instanceof Session stateful)) {
            return;
        }
        if (afterBatch.flushes()) {
            stateful.flush();
        }
        if (afterBatch.clearsAll()) {
            stateful.clear();
        } else {
            detachLoaded(stateful);
        }
    }

    private void detachLoaded(Session stateful) {
        PersistenceContext context = ((SessionImplementor) stateful).getPersistenceContextInternal();
        for (Map.Entry<Object, EntityEntry> entry : context.reentrantSafeEntityEntries()) {
            EntityEntry state = entry.getValue();
            if (state.getEntityKey() != null && !keptEntities.contains(state.getEntityKey())
                    && stateful.contains(entry.getKey())) {
                stateful.detach(entry.getKey());
            }
        }
    }

    private static Set<EntityKey> entityKeys(Session session) {
        PersistenceContext context = ((SessionImplementor) session).getPersistenceContextInternal();
        Set<EntityKey> keys = new HashSet<>();
        for (Map.Entry<Object, EntityEntry> entry : context.reentrantSafeEntityEntries()) {
            keys.add(entry.getValue().getEntityKey());
        }
        return keys;
    }

    @Override
    protected RuntimeException translate(RuntimeException failure) {
        fault = Failures.classify(failure);
        if (fault == Failures.Fault.CONNECTION_LOST) {
            LostConnections.discard(connection);
        }
        return Failures.explainRead(failure,
                new Failures.Context(rowsRead(), chunkSize(), slowestChunkMillis(), plan, knownNetWriteTimeout));
    }

    @Override
    protected void release() {
        if (!reachedEnd() && Failures.streamMayStillRun(fault)) {
            // closing reads only what is already in flight, not the rest of the result (see RunningQueries)
            RunningQueries.stop(connection, plan);
        }
        RuntimeException failure = null;
        try {
            scroll.close();
        } catch (RuntimeException e) {
            failure = unlessLostOrInterrupted(e);
        } finally {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
        }
        if (netWriteTimeout != null && fault != Failures.Fault.CONNECTION_LOST) {
            try {
                netWriteTimeout.restore(connection);
            } catch (SQLException | RuntimeException e) {
                RuntimeException restoring = unlessLostOrInterrupted(e instanceof RuntimeException r ? r
                        : new BatchwiseException("Could not set net_write_timeout back after the walk: "
                                + e.getMessage(), rowsRead(), e));
                failure = failure == null ? restoring : failure;
            }
        }
        if (fault == Failures.Fault.CONNECTION_LOST && session.isOpen() && !session.getTransaction().isActive()) {
            // Outside a transaction Hibernate would hold the dead connection until the next statement
            // failed on it; let it go now, so the session's next statement borrows a live one.
            jdbc(session).afterTransaction();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private RuntimeException unlessLostOrInterrupted(RuntimeException e) {
        Failures.Fault seen = Failures.classify(e);
        if (seen == Failures.Fault.CONNECTION_LOST) {
            fault = seen;
            LostConnections.discard(connection);
            return null;
        }
        return seen == Failures.Fault.QUERY_INTERRUPTED ? null : e;
    }
}
