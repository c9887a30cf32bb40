package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.SortKey;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.hibernate.fixtures.TrickyTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The contract every walker passes on the same data: every row exactly once, in the declared order,
 * with duplicate key values, NULLs in a nullable key, mixed directions, strings equal under the
 * collation and microsecond timestamps, on tables of 0, 1 and 2,000 rows, with both drivers. The
 * expected order is the server's own {@code ORDER BY}.
 */
@ExtendWith(MySqlServerExtension.class)
abstract class WalkerContractIT {
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;

    /** An order: the HQL order by, the keyset keys, and the SQL that orders the same way. */
    record Order(String name, String hql, List<SortKey> keys, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Order> ORDERS = List.of(
            new Order("id", "e.id", List.of(SortKey.asc("id")), "id"),
            new Order("createdAt desc (non-unique, microseconds)", "e.createdAt desc, e.id desc",
                    List.of(SortKey.desc("createdAt")), "created_at DESC, id DESC"),
            new Order("label (nullable, equal by collation)", "e.label, e.id",
                    List.of(SortKey.asc("label")), "label, id"),
            new Order("amount asc, label desc (mixed, nullable)", "e.amount, e.label desc, e.id desc",
                    List.of(SortKey.asc("amount"), SortKey.desc("label")), "amount, label DESC, id DESC"));

    @BeforeAll
    static void keepSchema(TestSchema testSchema) {
        schema = testSchema;
        currentRows = -1;
    }

    @AfterAll
    static void closeFactories() {
        FACTORIES.values().forEach(SessionFactory::close);
        FACTORIES.clear();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int rows : new int[] {0, 1, 2_000}) {
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                for (Order order : ORDERS) {
                    cases.add(Arguments.of(rows, driver, order));
                }
            }
        }
        return cases.stream();
    }

    static int currentRows = -1;

    /** Opens the walker under test over all of {@link Tricky} in {@code order}, with 97 rows per batch/page. */
    abstract Walk<Tricky> open(Session session, Order order);

    @ParameterizedTest(name = "{0} rows, {1}, {2}")
    @MethodSource("cases")
    void returnsEveryRowExactlyOnceInTheDeclaredOrder(int rows, JdbcDriver driver, Order order) throws Exception {
        if (rows != currentRows) {
            TrickyTable.create(schema, rows);
            currentRows = rows;
        }
        List<Long> expected = TrickyTable.idsInServerOrder(schema, order.sql());
        List<Long> actual = new ArrayList<>();
        SessionFactory factory = FACTORIES.computeIfAbsent(driver, d -> SessionFactories.create(schema.dataSource(d)));
        try (Session session = factory.openSession(); Walk<Tricky> walk = open(session, order)) {
            walk.forEachRemaining(t -> actual.add(t.getId()));
        }
        assertEquals(rows, expected.size());
        assertEquals(expected, actual);
    }
}

class YieldPerContractIT extends WalkerContractIT {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        return YieldPer.query(session, "from Tricky e order by " + order.hql(), Tricky.class).batchSize(97).open();
    }
}

class EntityPagerContractIT extends WalkerContractIT {
    @Override
    Walk<Tricky> open(Session session, Order order) {
        List<SortKey> keys = order.keys();
        return EntityPager.of(session.getSessionFactory(), Tricky.class)
                .orderBy(keys.get(0), keys.subList(1, keys.size()).toArray(SortKey[]::new))
                .pageSize(97).open().walk(session, null);
    }
}
