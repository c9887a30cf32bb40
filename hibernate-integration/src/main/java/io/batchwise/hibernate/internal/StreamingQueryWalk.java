package io.batchwise.hibernate.internal;

import java.sql.Connection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.hibernate.CacheMode;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.Session;
import org.hibernate.SharedSessionContract;
import org.hibernate.engine.spi.EntityEntry;
import org.hibernate.engine.spi.EntityKey;
import org.hibernate.engine.spi.PersistenceContext;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.query.SelectionQuery;

import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.internal.AbstractWalk;
import io.batchwise.core.internal.Failures;
import io.batchwise.core.internal.StreamingConnections;
import io.batchwise.hibernate.AfterBatch;

/** yieldPer: one forward-only scroll, the persistence context released every batch. */
public final class StreamingQueryWalk<T> extends AbstractWalk<T> {
    private final SharedSessionContract session;
    private final AfterBatch afterBatch;
    private final FetchPlan plan;
    private final Connection physical;
    private final ScrollableResults<T> scroll;
    private final Set<EntityKey> keptEntities;

    private StreamingQueryWalk(int batchSize, SharedSessionContract session, AfterBatch afterBatch, FetchPlan plan,
            Connection physical, ScrollableResults<T> scroll, Set<EntityKey> keptEntities) {
        super(batchSize);
        this.session = session;
        this.afterBatch = afterBatch;
        this.plan = plan;
        this.physical = physical;
        this.scroll = scroll;
        this.keptEntities = keptEntities;
    }

    public static <T> StreamingQueryWalk<T> open(SharedSessionContract session,
            Function<SharedSessionContract, SelectionQuery<T>> queryFactory, String description,
            Map<String, Object> named, Map<Integer, Object> positional, int batchSize, Integer fetchSize,
            AfterBatch afterBatch, ConnectionUse use) {
        SelectionQuery<T> query = queryFactory.apply(session);
        QueryShape.refuseCollectionFetch(query, description);
        named.forEach(query::setParameter);
        positional.forEach(query::setParameter);

        FetchPlan plan = session.doReturningWork(c -> fetchSize == null
                ? FetchPlan.choose(c, use)
                : FetchPlan.withFetchSize(c, fetchSize, use));
        Connection physical = plan.connectionFreeDuringWalk() ? null
                : session.doReturningWork(StreamingConnections::physical);
        if (physical != null) {
            StreamingConnections.claim(physical, "yieldPer over " + description);
        }
        boolean stateful = session instanceof Session;
        Set<EntityKey> kept = stateful && !afterBatch.clearsAll() ? entityKeys((Session) session) : null;
        try {
            query.setFetchSize(plan.fetchSize());
            query.setCacheMode(CacheMode.IGNORE);
            if (stateful) {
                query.setReadOnly(!afterBatch.flushes());
            }
            ScrollableResults<T> scroll = query.scroll(ScrollMode.FORWARD_ONLY);
            return new StreamingQueryWalk<>(batchSize, session, afterBatch, plan, physical, scroll, kept);
        } catch (RuntimeException e) {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
            throw Failures.explainBuffering(Failures.explain(e, null), plan, -1);
        }
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
        return Failures.explainBuffering(super.translate(failure), plan, rowsRead());
    }

    @Override
    protected void release() {
        try {
            scroll.close();
        } finally {
            if (physical != null) {
                StreamingConnections.release(physical);
            }
        }
    }
}
