package io.batchwise.hibernate.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.hibernate.CacheMode;
import org.hibernate.ConnectionReleaseMode;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.engine.jdbc.spi.JdbcCoordinator;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.engine.spi.PersistenceContext;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.query.SelectionQuery;

import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.StreamingOptions;
import io.batchwise.core.Walk;
import io.batchwise.core.spi.ReadAhead;
import io.batchwise.core.spi.ReadAheadWalk;
import io.batchwise.core.spi.StreamingResource;
import io.batchwise.core.spi.StreamingWalk;
import io.batchwise.hibernate.AfterBatch;

/**
 * yieldPer: one forward-only scroll, the persistence context released every batch. What is
 * streaming-specific (claim, net_write_timeout, failures, early stop, release) is core's
 * {@link StreamingResource}; this class adds the scroll and the persistence-context policy.
 */
public final class StreamingQueryWalk<T> extends StreamingWalk<T> {
    private final SharedSessionContract session;
    private final AfterBatch afterBatch;
    private final ScrollableResults<T> scroll;
    private final Set<EntityKey> keptEntities;

    private StreamingQueryWalk(int batchSize, StreamingResource resource, SharedSessionContract session,
            AfterBatch afterBatch, ScrollableResults<T> scroll, Set<EntityKey> keptEntities) {
        super(batchSize, resource, scroll);
        this.session = session;
        this.afterBatch = afterBatch;
        this.scroll = scroll;
        this.keptEntities = keptEntities;
    }

    /**
     * Opens the walk: validates the query's shape, claims the session's connection for streaming
     * ({@link StreamingResource#claim}) and opens the scroll.
     */
    public static <T> StreamingQueryWalk<T> open(SharedSessionContract session,
            Function<SharedSessionContract, SelectionQuery<T>> queryFactory, String description,
            Map<String, Object> named, Map<Integer, Object> positional, StreamingOptions options,
            AfterBatch afterBatch, ConnectionUse use) {
        SelectionQuery<T> query = queryFactory.apply(session);
        QueryShape.refuseCollectionFetch(query, description);
        named.forEach(query::setParameter);
        positional.forEach(query::setParameter);
        if (options.netWriteTimeout() != null && releasesAfterEachStatement(session)) {
            throw new IllegalStateException("netWriteTimeout needs the session to keep its connection for the walk,"
                    + " but this session releases it after every statement (connection handling mode "
                    + jdbc(session).getLogicalConnection().getConnectionHandlingMode() + ", as with JTA), so the"
                    + " setting could land on another connection. Set net_write_timeout in the pool instead (e.g."
                    + " HikariCP connectionInitSql \"SET SESSION net_write_timeout = 600\"), or use the keyset pager.");
        }

        String sharedBy = afterBatch.flushes() ? "afterBatch " + afterBatch : "connectionUse SHARED";
        StreamingResource resource = new StreamingResource(session.doReturningWork(c -> c), false,
                "yieldPer over " + description);
        boolean stateful = session instanceof Session;
        Set<EntityKey> kept = stateful && !afterBatch.clearsAll() ? entityKeys((Session) session) : null;
        try {
            // through the session, which turns an SQLException into Hibernate's own, as for any statement
            FetchPlan plan = session.doReturningWork(c -> resource.claim(options, use, sharedBy));
            query.setFetchSize(plan.fetchSize());
            query.setCacheMode(CacheMode.IGNORE);
            if (stateful) {
                query.setReadOnly(!afterBatch.flushes());
            }
            ScrollableResults<T> scroll = query.scroll(ScrollMode.FORWARD_ONLY);
            // The connection the scroll reads from: Hibernate holds it while the scroll's result is open.
            resource.readingFrom(session.doReturningWork(c -> c));
            return new StreamingQueryWalk<>(options.batchSize(), resource, session, afterBatch, scroll, kept);
        } catch (RuntimeException e) {
            throw resource.openFailed(e, options.batchSize());
        }
    }

    /**
     * Opens a read-ahead walk: the query runs in a {@link StatelessSession} of its own, opened here
     * (so that a refusal or a failure to open is thrown by the caller's {@code open()}, as without
     * read-ahead), and a {@link ReadAhead} reader hydrates {@code readAhead} batches ahead of the caller
     * and hands them over detached. The reader closes the walk and the session on its own thread.
     */
    public static <T> Walk<T> openAhead(SessionFactory factory,
            Function<SharedSessionContract, SelectionQuery<T>> queryFactory, String description,
            Map<String, Object> named, Map<Integer, Object> positional, StreamingOptions options, int readAhead) {
        StatelessSession own = factory.openStatelessSession();
        Walk<T> rows;
        try {
            rows = open(own, queryFactory, description, named, positional, options, AfterBatch.CLEAR,
                    ConnectionUse.EXCLUSIVE);
        } catch (RuntimeException e) {
            try {
                own.close();
            } catch (RuntimeException secondary) {
                e.addSuppressed(secondary);
            }
            throw e;
        }
        return ReadAheadWalk.over(rows, options.batchSize(), readAhead, own::close);
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
    protected void endOfBatch() {
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
    protected void afterRelease(boolean connectionGone) {
        if (connectionGone && session.isOpen() && !session.getTransaction().isActive()) {
            // Outside a transaction Hibernate would hold the dead connection until the next statement
            // failed on it; let it go now, so the session's next statement borrows a live one.
            jdbc(session).afterTransaction();
        }
    }
}
