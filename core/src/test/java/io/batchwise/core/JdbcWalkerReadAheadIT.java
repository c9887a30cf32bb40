package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.ServerThreads;
import io.batchwise.testing.TestSchema;

/**
 * {@link JdbcWalker.Builder#readAhead(int)}: the same rows as without it, mapped on the reader's
 * thread; a killed query or connection ends the walk with the same reason as without read-ahead,
 * after the rows read before it; the caller's own connection is refused before any SQL; and after
 * every ending no reader thread and no borrowed connection (the extension checks both, too).
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
class JdbcWalkerReadAheadIT {
    static final int ROWS = 50_000;
    /** With the ~250-character payload, far more than the socket buffers hold: the query is still running when killed. */
    static final String SQL = "SELECT id, payload FROM rw ORDER BY id";

    @BeforeAll
    static void createTable(TestSchema schema) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "rw", ROWS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void givesTheSameRowsAsWithoutMappedOnTheReadersThread(JdbcDriver driver, TestSchema schema) {
        List<Long> plain = new ArrayList<>();
        try (Walk<Long> walk = JdbcWalker.query(schema.dataSource(driver), SQL, r -> r.getLong(1)).batchSize(300)
                .open()) {
            walk.forEachRemaining(plain::add);
        }
        Set<Thread> mappers = ConcurrentHashMap.newKeySet();
        List<Long> ahead = new ArrayList<>();
        try (Walk<Long> walk = JdbcWalker.query(schema.dataSource(driver), SQL, r -> {
            mappers.add(Thread.currentThread());
            return r.getLong(1);
        }).batchSize(300).readAhead(2).open()) {
            walk.forEachRemaining(ahead::add);
        }
        assertEquals(ROWS, plain.size());
        assertEquals(plain, ahead);
        assertEquals(1, mappers.size(), "one reader thread maps every row");
        assertNotSame(Thread.currentThread(), mappers.iterator().next(), "rows mapped off the caller's thread");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKilledQueryEndsTheWalkAsWithoutReadAheadAfterTheRowsReadBeforeIt(JdbcDriver driver, TestSchema schema)
            throws Exception {
        for (int readAhead : new int[] {0, 2}) {
            List<Long> seen = new ArrayList<>();
            try (Walk<Long> walk = JdbcWalker.query(schema.dataSource(driver), SQL + " /* killed-" + readAhead + " */",
                    r -> r.getLong(1)).batchSize(100).readAhead(readAhead).open()) {
                seen.add(walk.next());
                ServerThreads.killQuery(schema, ServerThreads.running(schema, "killed-" + readAhead));
                BatchwiseException e = assertThrows(BatchwiseException.class, () -> walk.forEachRemaining(seen::add));
                assertEquals(BatchwiseException.Reason.QUERY_KILLED, e.reason(), e.getMessage());
            }
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i + 1L, seen.get(i), "rows before the failure, in order, none lost or repeated");
            }
            assertTrue(seen.size() < ROWS, "ended early: " + seen.size());
        }
    }

    @Test
    void refusesReadAheadOnTheCallersConnectionBeforeAnySql(TestSchema schema) throws Exception {
        try (Connection own = schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J).getConnection()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JdbcWalker.query(own, SQL, r -> r.getLong(1)).readAhead(1).open());
            assertTrue(e.getMessage().startsWith("readAhead(1) needs the walk's own connection")
                    && e.getMessage().contains("pass the DataSource"), e.getMessage());
        }
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> JdbcWalker.query(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J), SQL, r -> r.getLong(1))
                        .readAhead(17));
        assertTrue(range.getMessage().startsWith("readAhead must be between 0 (off) and 16, was 17"),
                range.getMessage());
    }
}
