package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.SortKey;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.migration.RetryPolicy;
import io.batchwise.core.migration.SkippedRow;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * Entity migrations on the same engine as the JDBC ones: every entity changed exactly once
 * ({@code amount} is a function of the id, and the work adds 1) with a {@code Session} and with a
 * {@code StatelessSession}, in 1 and 4 partitions, on both drivers; a connection killed in the middle
 * of a chunk is retried with nothing doubled; a dry run changes nothing; work that takes over the
 * session's transaction is refused with the chunk rolled back; entities the flush or the work fails on
 * are bisected out and skipped, up to the limit.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EntityMigrationIT {
    static final int ROWS = 6_000;
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) {
        schema = testSchema;
    }

    static void items() throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
    }

    /** Rows whose amount is its original value plus {@code plus} (the fixture's amount is (id % 100000) / 100). */
    static long rowsPlus(int plus) throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM item WHERE amount = (id % 100000) / 100 + " + plus)) {
            r.next();
            return r.getLong(1);
        }
    }

    interface FactoryWork {
        void accept(SessionFactory factory) throws Exception;
    }

    static void withFactory(JdbcDriver driver, FactoryWork work) throws Exception {
        try (HikariDataSource ds = schema.newPool(driver, Map.of("rewriteBatchedStatements", "true"), c -> {
            c.setMaximumPoolSize(6);
        }); SessionFactory factory = SessionFactories.create(ds, Map.of("hibernate.order_inserts", "true"))) {
            work.accept(factory);
        }
    }

    static EntityPager<Item> pager(SessionFactory factory) {
        return EntityPager.of(factory, Item.class).orderBy(SortKey.asc("id")).open();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void everyEntityIsChangedExactlyOnceThroughTheChunksSession(JdbcDriver driver) throws Exception {
        items();
        withFactory(driver, factory -> {
            MigrationResult result = EntityMigration.of("entity-" + driver, pager(factory)).chunkSize(700)
                    .forEachEntity((session, item) -> item.setAmount(item.getAmount().add(BigDecimal.ONE)))
                    .build().run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(ROWS, result.rowsRead());
        });
        assertEquals(ROWS, rowsPlus(1));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void fourPartitionsOfStatelessChunksChangeEveryEntityOnce(JdbcDriver driver) throws Exception {
        items();
        withFactory(driver, factory -> {
            EntityPager<Item> filtered = EntityPager.of(factory, Item.class).where("e.amount >= :min")
                    .parameter("min", BigDecimal.ZERO).orderBy(SortKey.desc("createdAt")).open();
            Migration migration = EntityMigration.of("stateless-" + driver, filtered).chunkSize(500)
                    .partitions(4).forEachChunkStateless((session, items) -> {
                        // only the changed column: a whole-row update would also write createdAt, the key,
                        // which MySQL Connector/J truncates to whole seconds on MariaDB 10.x ("5.5.5-"),
                        // moving rows into another partition (docs/migrations.md)
                        for (Item item : items) {
                            session.createMutationQuery("update Item set amount = amount + 1 where id = :id")
                                    .setParameter("id", item.getId()).executeUpdate();
                        }
                    }).build();
            MigrationResult result = migration.run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(ROWS, result.rowsRead());
            List<Checkpoint> checkpoints = migration.checkpoints();
            assertEquals(4, checkpoints.size());
            for (Checkpoint cp : checkpoints) {
                assertTrue(Math.abs(cp.rowsRead() - ROWS / 4) <= 10, checkpoints.toString());
            }
        });
        assertEquals(ROWS, rowsPlus(1));
    }

    @Test
    void aConnectionKilledMidChunkIsRetriedWithNothingDoubled() throws Exception {
        items();
        List<String> reasons = new CopyOnWriteArrayList<>();
        AtomicInteger chunks = new AtomicInteger();
        withFactory(JdbcDriver.MYSQL_CONNECTOR_J, factory -> {
            MigrationResult result = EntityMigration.of("killed", pager(factory)).chunkSize(1_000)
                    .retry(RetryPolicy.of(10, Duration.ofMillis(50), Duration.ofSeconds(1)))
                    .listener(new MigrationListener() {
                        @Override
                        public void retrying(int partition, int attempt, String reason, Duration backoff, Throwable e) {
                            reasons.add(reason);
                        }
                    })
                    .forEachChunk((session, items) -> {
                        items.forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE)));
                        if (chunks.incrementAndGet() == 3) {
                            session.flush(); // half-way: the chunk's updates are on the server, uncommitted
                            long id = session.doReturningWork(ServerThreads::connectionId);
                            ServerThreads.killConnection(schema, id);
                        }
                    }).build().run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(1, result.retries(), reasons.toString());
            assertTrue(reasons.get(0).startsWith("lost connection"), reasons.toString());
        });
        assertEquals(ROWS, rowsPlus(1));
    }

    /** Rows whose amount is the largest DECIMAL(12,2): adding 1 is out of range (strict mode). */
    static void topAmounts(List<Long> ids) throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE item SET amount = 9999999999.99 WHERE id IN (" + String.join(",",
                    ids.stream().map(String::valueOf).toList()) + ")");
        }
    }

    static long rowsAtTheTop() throws Exception {
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM item WHERE amount = 9999999999.99")) {
            r.next();
            return r.getLong(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void entitiesWhoseFlushFailsAreBisectedOutAndSkippedAndEveryOtherEntityIsChangedOnce(JdbcDriver driver)
            throws Exception {
        items();
        List<Long> bad = List.of(1L, 350L, 351L, 2_999L, 6_000L);
        topAmounts(bad);
        List<SkippedRow> heard = new CopyOnWriteArrayList<>();
        withFactory(driver, factory -> {
            MigrationResult result = EntityMigration.of("skip-session-" + driver, pager(factory)).chunkSize(700)
                    .partitions(2).skipLimit(10).listener(new MigrationListener() {
                        @Override
                        public void skipped(SkippedRow row, Throwable failure) {
                            heard.add(row);
                        }
                    })
                    // the failure comes from the server at the chunk's flush, not from the work
                    .forEachEntity((session, item) -> item.setAmount(item.getAmount().add(BigDecimal.ONE)))
                    .build().run();
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome());
            assertEquals(new HashSet<>(bad), result.skipped().stream().map(row -> row.keys().get(0))
                    .collect(Collectors.toSet()), result.skipped().toString());
            assertEquals(new HashSet<>(result.skipped()), new HashSet<>(heard));
            assertTrue(result.skipped().get(0).error().contains("Out of range value for column 'amount'"),
                    result.skipped().toString());
            assertEquals(ROWS, result.rowsRead());
            assertEquals(ROWS - bad.size(), result.rowsWritten());
        });
        assertEquals(ROWS - bad.size(), rowsPlus(1));
        assertEquals(bad.size(), rowsAtTheTop(), "the skipped entities are unchanged");
    }

    @Test
    void statelessWorkThatThrowsOnSomeEntitiesHasThemSkippedUpToTheLimitThenStops() throws Exception {
        items();
        withFactory(JdbcDriver.MARIADB_CONNECTOR_J, factory -> {
            EntityMigration.Builder<Item> job = EntityMigration.of("skip-stateless", pager(factory)).chunkSize(500)
                    .skipLimit(2).forEachChunkStateless((session, items) -> {
                        for (Item item : items) {
                            if (item.getId() % 1_000 == 77) {
                                throw new IllegalArgumentException("no price for item " + item.getId());
                            }
                            session.createMutationQuery("update Item set amount = amount + 1 where id = :id")
                                    .setParameter("id", item.getId()).executeUpdate();
                        }
                    });
            BatchwiseException stopped = assertThrows(BatchwiseException.class, () -> job.build().run());
            assertTrue(stopped.getMessage().startsWith("Migration job \"skip-stateless\" stopped in partition 0 at"
                    + " the row after key [2076]: the work failed on this row alone (IllegalArgumentException: no price"
                    + " for item 2077), and this run has skipped 2 rows already, its skipLimit"), stopped.getMessage());
            assertEquals(2_076 - 2, rowsPlus(1));
            MigrationResult rest = EntityMigration.of("skip-stateless", pager(factory)).chunkSize(500).skipLimit(10)
                    .forEachChunkStateless((session, items) -> {
                        for (Item item : items) {
                            if (item.getId() % 1_000 == 77) {
                                throw new IllegalArgumentException("no price for item " + item.getId());
                            }
                            session.createMutationQuery("update Item set amount = amount + 1 where id = :id")
                                    .setParameter("id", item.getId()).executeUpdate();
                        }
                    }).build().run();
            assertEquals(List.of(2_077L, 3_077L, 4_077L, 5_077L), rest.skipped().stream()
                    .map(row -> row.keys().get(0)).toList());
            assertEquals("IllegalArgumentException: no price for item 3077", rest.skipped().get(1).error());
        });
        assertEquals(ROWS - 6, rowsPlus(1));
        assertEquals(6, rowsPlus(0));
    }

    @Test
    void aDryRunFlushesEveryChunkAndRollsItBack() throws Exception {
        items();
        withFactory(JdbcDriver.MARIADB_CONNECTOR_J, factory -> {
            Migration dry = EntityMigration.of("dry", pager(factory)).dryRun(true)
                    .forEachEntity((session, item) -> item.setAmount(item.getAmount().add(BigDecimal.ONE))).build();
            MigrationResult result = dry.run();
            assertEquals(MigrationResult.Outcome.DRY_RUN, result.outcome());
            assertEquals(ROWS, result.rowsRead());
            assertTrue(dry.checkpoints().isEmpty());
        });
        assertEquals(ROWS, rowsPlus(0));
    }

    @Test
    void workThatCommitsOrClosesTheSessionIsRefusedAndItsChunkRolledBack() throws Exception {
        items();
        withFactory(JdbcDriver.MYSQL_CONNECTOR_J, factory -> {
            for (String misuse : List.of("commit", "close", "beginTransaction", "stateless commit")) {
                EntityMigration.Builder<Item> builder = EntityMigration.of("misuse-" + misuse.replace(' ', '-'),
                        pager(factory));
                if (misuse.startsWith("stateless")) {
                    builder.forEachChunkStateless((session, items) -> {
                        items.forEach(item -> {
                            item.setAmount(item.getAmount().add(BigDecimal.ONE));
                            session.update(item);
                        });
                        session.getTransaction().commit();
                    });
                } else {
                    builder.forEachChunk((session, items) -> {
                        items.forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE)));
                        switch (misuse) {
                            case "commit" -> session.getTransaction().commit();
                            case "close" -> session.close();
                            default -> session.beginTransaction();
                        }
                    });
                }
                BatchwiseException refused = assertThrows(BatchwiseException.class, () -> builder.build().run());
                assertInstanceOf(IllegalStateException.class, refused.getCause());
                assertTrue(refused.getMessage().contains("on the chunk's session"), refused.getMessage());
                assertTrue(refused.getMessage().contains("Remove the call and return from the work"),
                        refused.getMessage());
                assertEquals(ROWS, rowsPlus(0), misuse + ": nothing written");
            }
        });
    }

    @Test
    void badArgumentsAreRefusedBeforeAnySql() throws Exception {
        withFactory(JdbcDriver.MYSQL_CONNECTOR_J, factory -> {
            EntityPager<Item> pager = pager(factory);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("", pager)).getMessage()
                    .startsWith("job must be 1 to 190 characters without control characters, was \"\""));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", null)).getMessage()
                    .startsWith("pager must not be null"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", pager)
                    .chunkSize(0)).getMessage().startsWith("chunkSize must be in [1, 100000], was 0"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", pager)
                    .jdbcBatchSize(0)).getMessage().startsWith("jdbcBatchSize must be in [1, 10000], was 0"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", pager).build())
                    .getMessage().startsWith("work must not be null; call forEachChunk(..), forEachEntity(..)"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", pager)
                    .startAfter("garbage!")).getMessage().contains("token"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> EntityMigration.of("j", pager)
                    .skipLimit(-1)).getMessage().startsWith("skipLimit must be in [0, 100000], was -1"));
        });
    }
}
