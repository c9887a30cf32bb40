package io.batchwise.hibernate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.SortKey;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.testing.WalkerContract;

/** {@link WalkerContract} for the Hibernate walkers: each walk in a session of its own, closed after it. */
abstract class HibernateWalkerContract extends WalkerContract {
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);

    @AfterAll
    static void closeFactories() {
        FACTORIES.values().forEach(SessionFactory::close);
        FACTORIES.clear();
    }

    @Override
    protected Opened<Tricky> open(JdbcDriver driver, Order order) {
        SessionFactory factory = FACTORIES.computeIfAbsent(driver, d -> SessionFactories.create(schema.dataSource(d)));
        Session session = factory.openSession();
        return new Opened<>(open(session, order), Tricky::getId, session::close);
    }

    /** Opens the walker under test in {@code session} over all of {@link Tricky}, 97 rows per batch or page. */
    abstract Walk<Tricky> open(Session session, Order order);
}

class YieldPerContractIT extends HibernateWalkerContract {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        return YieldPer.query(session, "from Tricky e order by " + order.hql(), Tricky.class).batchSize(97).open();
    }
}

class EntityPagerContractIT extends HibernateWalkerContract {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        List<SortKey> keys = order.attributes();
        return EntityPager.of(session.getSessionFactory(), Tricky.class)
                .orderBy(keys.get(0), keys.subList(1, keys.size()).toArray(SortKey[]::new))
                .pageSize(97).open().walk(session, null);
    }
}

class EntityPagerReadAheadContractIT extends HibernateWalkerContract {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        List<SortKey> keys = order.attributes();
        return EntityPager.of(session.getSessionFactory(), Tricky.class)
                .orderBy(keys.get(0), keys.subList(1, keys.size()).toArray(SortKey[]::new))
                .pageSize(97).readAhead(1).open().walk(session, null);
    }
}

class YieldPerReadAheadContractIT extends HibernateWalkerContract {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        return YieldPer.query(session, "from Tricky e order by " + order.hql(), Tricky.class).batchSize(97).readAhead(2)
                .open();
    }
}
