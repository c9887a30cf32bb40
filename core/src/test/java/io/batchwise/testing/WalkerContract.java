package io.batchwise.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.SortKey;
import io.batchwise.core.Walk;

/**
 * The contract every walker passes on the same data: every row exactly once, in the declared order,
 * with duplicate key values, NULLs in a nullable key, mixed directions, strings equal under the
 * collation and microsecond timestamps, on tables of 0, 1 and 2,000 rows, with both drivers. The
 * expected order is the server's own {@code ORDER BY}. One subclass per walker: JdbcWalker and
 * JdbcKeysetPager in core, YieldPer and EntityPager in hibernate-integration, and each again with read-ahead.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
public abstract class WalkerContract {
    protected static TestSchema schema;
    private static int currentRows = -1;

    /**
     * An order of the tricky table ({@link TrickyTable}): as HQL, as entity keys, as column keys,
     * and as the SQL that orders the same way.
     */
    public record Order(String name, String hql, List<SortKey> attributes, List<SortKey> columns, String sql) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final List<Order> ORDERS = List.of(
            new Order("id", "e.id", List.of(SortKey.asc("id")), List.of(SortKey.asc("id")), "id"),
            new Order("createdAt desc (non-unique, microseconds)", "e.createdAt desc, e.id desc",
                    List.of(SortKey.desc("createdAt")), List.of(SortKey.desc("created_at")), "created_at DESC, id DESC"),
            new Order("label (nullable, equal by collation)", "e.label, e.id",
                    List.of(SortKey.asc("label")), List.of(SortKey.asc("label").nullable()), "label, id"),
            new Order("amount asc, label desc (mixed, nullable)", "e.amount, e.label desc, e.id desc",
                    List.of(SortKey.asc("amount"), SortKey.desc("label")),
                    List.of(SortKey.asc("amount"), SortKey.desc("label").nullable()), "amount, label DESC, id DESC"));

    /**
     * A walk opened by the walker under test, how to get a row's id, and what to close after it (a
     * session; {@code () -> { }} when nothing).
     */
    public record Opened<T>(Walk<T> walk, ToLongFunction<T> id, AutoCloseable resources) {
    }

    @BeforeAll
    static void keepSchema(TestSchema testSchema) {
        schema = testSchema;
        currentRows = -1;
    }

    public static Stream<Arguments> cases() {
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

    /** Opens the walker under test over the whole tricky table in {@code order}, with 97 rows per batch or page. */
    protected abstract Opened<?> open(JdbcDriver driver, Order order) throws Exception;

    @ParameterizedTest(name = "{0} rows, {1}, {2}")
    @MethodSource("cases")
    void returnsEveryRowExactlyOnceInTheDeclaredOrder(int rows, JdbcDriver driver, Order order) throws Exception {
        if (rows != currentRows) {
            TrickyTable.create(schema, rows);
            currentRows = rows;
        }
        List<Long> expected = TrickyTable.idsInServerOrder(schema, order.sql());
        assertEquals(rows, expected.size());
        assertEquals(expected, readAll(open(driver, order)));
    }

    private static <T> List<Long> readAll(Opened<T> opened) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (AutoCloseable resources = opened.resources(); Walk<T> walk = opened.walk()) {
            walk.forEachRemaining(row -> ids.add(opened.id().applyAsLong(row)));
        }
        return ids;
    }
}
