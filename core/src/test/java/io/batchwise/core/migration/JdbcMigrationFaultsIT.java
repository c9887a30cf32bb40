package io.batchwise.core.migration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.TestAbortedException;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.testing.Counters;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * Faults caused for real in the middle of a chunk, after the work has written part of it: a
 * deadlock, a lock wait timeout, KILL CONNECTION, KILL QUERY, a server restart. Each is rolled back
 * and retried from the checkpoint, and afterwards every row's counter is 1 and the per-chunk counter
 * in {@code chunk_log} equals the chunks committed: nothing lost, nothing applied twice.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JdbcMigrationFaultsIT {
    static final int ROWS = 5_000;
    static final int CHUNK = 500;
    /** The chunk (from 1) whose first attempt meets the fault. */
    static final int FAULTY_CHUNK = 4;
    static TestSchema schema;
    static ExecutorService side = Executors.newCachedThreadPool();

    enum Fault { DEADLOCK, LOCK_WAIT_TIMEOUT, KILL_CONNECTION, KILL_QUERY, SERVER_RESTART }

    @BeforeAll
    static void setUp(TestSchema testSchema) throws Exception {
        schema = testSchema;
        schema.execute("CREATE TABLE chunk_log (name VARCHAR(64) PRIMARY KEY, n INT NOT NULL, other INT NOT NULL)"
                + " ENGINE=InnoDB",
                "CREATE TABLE side_big (id INT PRIMARY KEY, x INT NOT NULL) ENGINE=InnoDB");
        try (Connection c = schema.server().connect(schema.name())) {
            io.batchwise.testing.ItemTable.create(c, "side_items", 5_000);
        }
        schema.execute("INSERT INTO side_big SELECT id, 0 FROM side_items");
    }

    @AfterAll
    static void tearDown() {
        side.shutdownNow();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @EnumSource(Fault.class)
    void aFaultMidChunkIsRetriedFromTheCheckpointWithEveryRowChangedOnce(Fault fault) throws Exception {
        for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
            run(fault, driver);
        }
    }

    private void run(Fault fault, JdbcDriver driver) throws Exception {
        String name = (fault.name() + "_" + driver.ordinal()).toLowerCase();
        try (Connection c = schema.server().connect(schema.name())) {
            Counters.create(c, name, ROWS);
        }
        schema.execute("INSERT INTO chunk_log VALUES ('" + name + "', 0, 0)");
        AtomicInteger chunk = new AtomicInteger();
        AtomicReference<TestAbortedException> skipped = new AtomicReference<>();
        List<String> reasons = new CopyOnWriteArrayList<>();
        try (HikariDataSource ds = schema.newPool(driver, Map.of("rewriteBatchedStatements", "true"), c -> {
            c.setMaximumPoolSize(4);
            c.setConnectionTimeout(2_000);
        })) {
            MigrationResult result = JdbcMigration.of(name, Counters.ids(ds, name)).chunkSize(CHUNK)
                    .retry(RetryPolicy.of(40, Duration.ofMillis(100), Duration.ofSeconds(3)))
                    .listener(new MigrationListener() {
                        @Override
                        public void retrying(int partition, int attempt, String reason, Duration backoff, Throwable e) {
                            reasons.add(reason);
                        }
                    })
                    .forEachChunk((connection, ids) -> {
                        boolean faulty = chunk.incrementAndGet() == FAULTY_CHUNK;
                        Counters.increment(connection, name, ids.subList(0, ids.size() / 2));
                        if (faulty) {
                            try {
                                inject(fault, connection, name, ids.get(ids.size() - 1));
                            } catch (TestAbortedException e) {
                                skipped.set(e);
                            } catch (SQLException | RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new IllegalStateException("injecting " + fault + " failed", e);
                            }
                        }
                        Counters.increment(connection, name, ids.subList(ids.size() / 2, ids.size()));
                        try (PreparedStatement log = connection.prepareStatement(
                                "UPDATE chunk_log SET n = n + 1 WHERE name = ?")) {
                            log.setString(1, name);
                            log.executeUpdate();
                        }
                        return ids.size();
                    }).build().run();
            if (skipped.get() != null) {
                throw skipped.get();
            }
            assertEquals(MigrationResult.Outcome.FINISHED, result.outcome(), fault + " " + driver);
            assertTrue(result.retries() >= 1, fault + " " + driver + ": retried, reasons " + reasons);
            String expected = switch (fault) {
                case DEADLOCK -> "deadlock";
                case LOCK_WAIT_TIMEOUT -> "lock wait timeout";
                case KILL_CONNECTION, SERVER_RESTART -> "lost connection";
                case KILL_QUERY -> "query interrupted";
            };
            assertTrue(reasons.get(0).startsWith(expected), fault + " " + driver + ": " + reasons);
            try (Connection c = schema.server().connect(schema.name())) {
                assertArrayEquals(new long[] {0, ROWS, 0}, Counters.histogram(c, name), fault + " " + driver);
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT n FROM chunk_log WHERE name = '" + name + "'")) {
                    r.next();
                    assertEquals(ROWS / CHUNK, r.getInt(1), fault + " " + driver + ": one chunk_log increment per chunk");
                }
            }
            assertEquals(ROWS / CHUNK, result.chunks());
        }
    }

    /** Causes {@code fault} on the chunk's {@code connection}, which has written half of its rows. */
    private static void inject(Fault fault, Connection connection, String name, long lastId) throws Exception {
        switch (fault) {
            case KILL_CONNECTION -> ServerThreads.killConnection(schema, ServerThreads.connectionId(connection));
            case SERVER_RESTART -> schema.server().restart();
            case KILL_QUERY -> {
                // a second connection holds chunk_log's row; the chunk's update of it waits and is killed
                try (Connection holder = schema.server().connect(schema.name())) {
                    holder.setAutoCommit(false);
                    lockLogRow(holder, name);
                    Future<?> killer = side.submit(() -> {
                        ServerThreads.killQuery(schema, ServerThreads.running(schema, "/* bw-kill-me */"));
                        return null;
                    });
                    try (Statement s = connection.createStatement()) {
                        s.executeUpdate("UPDATE /* bw-kill-me */ chunk_log SET n = n WHERE name = '" + name + "'");
                    } finally {
                        killer.get(30, TimeUnit.SECONDS);
                        holder.rollback();
                    }
                }
            }
            case LOCK_WAIT_TIMEOUT -> {
                try (Statement s = connection.createStatement()) {
                    s.execute("SET SESSION innodb_lock_wait_timeout = 1");
                }
                try (Connection holder = schema.server().connect(schema.name())) {
                    holder.setAutoCommit(false);
                    lockLogRow(holder, name);
                    try (Statement s = connection.createStatement()) {
                        s.executeUpdate("UPDATE chunk_log SET n = n WHERE name = '" + name + "'");
                    } finally {
                        holder.rollback();
                        try (Statement s = connection.createStatement()) {
                            s.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
                        } catch (SQLException ignored) {
                            // the pool's reset covers it
                        }
                    }
                }
            }
            case DEADLOCK -> {
                // the other transaction is the heavier one (5,000 rows changed), so InnoDB picks the chunk as victim
                Future<?> other = side.submit(() -> {
                    try (Connection c = schema.server().connect(schema.name())) {
                        c.setAutoCommit(false);
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE side_big SET x = x + 1");
                            lockLogRow(c, name);
                            s.executeUpdate("UPDATE /* bw-deadlock */ `" + name + "` SET payload = payload WHERE id = "
                                    + lastId);
                        }
                        c.commit();
                    }
                    return null;
                });
                ServerThreads.running(schema, "/* bw-deadlock */");
                try (Statement s = connection.createStatement()) {
                    s.executeUpdate("UPDATE chunk_log SET n = n WHERE name = '" + name + "'");
                } finally {
                    other.get(30, TimeUnit.SECONDS);
                }
            }
            default -> throw new IllegalArgumentException(fault.name());
        }
    }

    private static void lockLogRow(Connection connection, String name) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("UPDATE chunk_log SET other = other + 1 WHERE name = '" + name + "'");
        }
    }
}
