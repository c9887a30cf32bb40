package io.batchwise.hibernate.spring.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.YieldPer;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.StatementLog;
import io.batchwise.testing.TestSchema;

/**
 * The Spring Batch readers and the partitioner against the real server, with both drivers: the
 * partitions of {@link KeyRangePartitioner} are disjoint and cover every row (by a unique key and by
 * a non-unique one, for several grid sizes, and on a table with fewer rows than partitions); a keyset
 * reader restarted from the context its last {@code update} wrote continues right after the last item
 * of that chunk; the streaming reader reads every row once and refuses a restart in the middle.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SpringBatchReadersIT {
    static final int ROWS = 5_003;
    static TestSchema schema;

    @BeforeAll
    static void setUp(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
            ItemTable.create(c, "tiny", 2);
        }
    }

    HikariDataSource ds;
    SessionFactory factory;

    void open(JdbcDriver driver) {
        ds = schema.newPool(driver, Map.of(), c -> c.setMaximumPoolSize(4));
        factory = SessionFactories.create(ds);
    }

    @BeforeEach
    void reset() {
        ds = null;
        factory = null;
    }

    @org.junit.jupiter.api.AfterEach
    void close() {
        if (factory != null) {
            factory.close();
        }
        if (ds != null) {
            ds.close();
        }
    }

    static JdbcKeysetPager<Long> ids(javax.sql.DataSource ds, String table, SortKey key) {
        return JdbcKeysetPager.select(ds, "id", row -> row.getLong(1)).from(table).orderBy(key).pageSize(300).open();
    }

    /** Every item {@code reader} returns, opened on {@code context} and closed at the end. */
    static <T> List<T> readAll(ItemStreamReader<T> reader, ExecutionContext context) throws Exception {
        List<T> items = new ArrayList<>();
        reader.open(context);
        try {
            for (T item; (item = reader.read()) != null; ) {
                items.add(item);
            }
        } finally {
            reader.close();
        }
        return items;
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void jdbcPartitionsAreDisjointAndCoverEveryRow(JdbcDriver driver) throws Exception {
        open(driver);
        for (SortKey key : List.of(SortKey.asc("id"), SortKey.desc("created_at"))) {
            JdbcKeysetPager<Long> pager = ids(ds, "item", key);
            for (int grid : new int[] {1, 3, 4, 7}) {
                Map<String, ExecutionContext> partitions = KeyRangePartitioner.of(pager).partition(grid);
                assertEquals(grid, partitions.size(), key + " grid " + grid);
                Set<Long> seen = new HashSet<>();
                int total = 0;
                for (Map.Entry<String, ExecutionContext> p : partitions.entrySet()) {
                    List<Long> part = readAll(new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(pager).build(),
                            p.getValue());
                    // each partition is about ROWS / grid rows: quantiles, not a first partition with everything
                    assertTrue(part.size() >= ROWS / grid && part.size() <= ROWS / grid + ROWS % grid,
                            key + " grid " + grid + " " + p.getKey() + ": " + part.size() + " rows");
                    seen.addAll(part);
                    total += part.size();
                }
                assertEquals(ROWS, total, key + " grid " + grid + ": rows read over all partitions");
                assertEquals(ROWS, seen.size(), key + " grid " + grid + ": distinct rows (no overlap, none missing)");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void entityPartitionsAreDisjointAndCoverEveryRow(JdbcDriver driver) throws Exception {
        open(driver);
        EntityPager<Item> pager = EntityPager.of(factory, Item.class).orderBy(SortKey.asc("createdAt")).pageSize(400)
                .open();
        Map<String, ExecutionContext> partitions = KeyRangePartitioner.of(pager).partition(4);
        Set<Long> seen = new HashSet<>();
        int total = 0;
        for (ExecutionContext context : partitions.values()) {
            List<Item> part = readAll(new EntityKeysetItemReaderBuilder<Item>().name("items").pager(pager).build(),
                    context);
            part.forEach(i -> seen.add(i.getId()));
            total += part.size();
        }
        assertEquals(ROWS, total);
        assertEquals(ROWS, seen.size());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aTableWithFewerRowsThanPartitionsGivesEmptyPartitionsAndEveryRowOnce(JdbcDriver driver) throws Exception {
        open(driver);
        JdbcKeysetPager<Long> pager = ids(ds, "tiny", SortKey.asc("id"));
        Map<String, ExecutionContext> partitions = KeyRangePartitioner.of(pager).partition(4);
        assertEquals(List.of("partition0", "partition1", "partition2", "partition3"), List.copyOf(partitions.keySet()));
        List<Long> all = new ArrayList<>();
        int empty = 0;
        for (ExecutionContext context : partitions.values()) {
            if (Boolean.TRUE.equals(context.get(KeyRangePartitioner.EMPTY_KEY))) {
                empty++;
            }
            all.addAll(readAll(new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(pager).build(), context));
        }
        assertEquals(List.of(1L, 2L), all);
        assertEquals(3, empty);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aRestartedKeysetReaderContinuesAfterTheLastUpdatedItem(JdbcDriver driver) throws Exception {
        open(driver);
        // by a non-unique key (ten rows share a created_at): the token carries the tiebreaker
        EntityPager<Item> pager = EntityPager.of(factory, Item.class).orderBy(SortKey.asc("createdAt")).pageSize(300)
                .open();
        List<Long> expected = readAll(new EntityKeysetItemReaderBuilder<Item>().name("items").pager(pager).build(),
                new ExecutionContext()).stream().map(Item::getId).toList();
        assertEquals(ROWS, expected.size());

        ExecutionContext context = new ExecutionContext();
        EntityKeysetItemReader<Item> first = new EntityKeysetItemReaderBuilder<Item>().name("items").pager(pager)
                .build();
        first.open(context);
        for (int i = 0; i < 2_005; i++) {     // chunks of 1,000 ...
            first.read();
            if (i == 1_999) {
                first.update(context);        // ... the second one commits here
            }
        }
        first.close();                        // the job dies in the third chunk: its update never comes
        assertTrue(context.getString("items." + KeysetItemReader.TOKEN_KEY).length() > 10);

        List<Long> rest = readAll(new EntityKeysetItemReaderBuilder<Item>().name("items").pager(pager).build(),
                context).stream().map(Item::getId).toList();
        assertEquals(expected.subList(2_000, ROWS), rest, "the restart continues after item 2,000, nothing skipped"
                + " or read twice");

        // saveState(false): the stored position is ignored, the reader starts over
        List<Long> again = readAll(new EntityKeysetItemReaderBuilder<Item>().name("items").pager(pager)
                .saveState(false).build(), context).stream().map(Item::getId).toList();
        assertEquals(expected, again);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aRestartedPartitionStaysInItsRange(JdbcDriver driver) throws Exception {
        open(driver);
        JdbcKeysetPager<Long> pager = ids(ds, "item", SortKey.asc("id"));
        ExecutionContext partition = KeyRangePartitioner.of(pager).partition(3).get("partition1");
        List<Long> whole = readAll(new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(pager).build(),
                new ExecutionContext(partition));
        JdbcKeysetItemReader<Long> reader = new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(pager).build();
        reader.open(partition);
        for (int i = 0; i < 700; i++) {
            reader.read();
        }
        reader.update(partition);
        reader.close();
        List<Long> rest = readAll(new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(pager).build(), partition);
        assertEquals(whole.subList(700, whole.size()), rest);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void theStreamingReaderReadsEveryRowOnceAndRefusesARestartInTheMiddle(JdbcDriver driver) throws Exception {
        open(driver);
        YieldPerItemReaderBuilder<Item> builder = new YieldPerItemReaderBuilder<Item>().name("stream")
                .sessionFactory(factory)
                .query(session -> YieldPer.query(session, "from Item order by id", Item.class).batchSize(500));
        ExecutionContext context = new ExecutionContext();
        YieldPerItemReader<Item> reader = builder.build();
        reader.open(context);
        long previous = 0;
        int count = 0;
        for (Item item; (item = reader.read()) != null; ) {
            assertTrue(item.getId() > previous);
            previous = item.getId();
            if (++count == 1_000) {
                reader.update(context);
            }
        }
        reader.close();
        assertEquals(ROWS, count);
        assertEquals(1_000, context.getLong("stream." + YieldPerItemReader.READ_COUNT_KEY));

        ItemStreamException refused = assertThrows(ItemStreamException.class, () -> builder.build().open(context));
        assertTrue(refused.getMessage().contains("1000 items were read in an earlier run (stream.read.count)")
                && refused.getMessage().contains("EntityKeysetItemReader")
                && refused.getMessage().contains("saveState(false)"), refused.getMessage());

        // saveState(false): the documented way to run it again, from the first row
        assertEquals(ROWS, readAll(builder.saveState(false).build(), context).size());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aStoredPositionOfAnotherQueryIsRefusedBeforeAnySql(JdbcDriver driver) throws Exception {
        open(driver);
        JdbcKeysetPager<Long> byId = ids(ds, "item", SortKey.asc("id"));
        ExecutionContext context = new ExecutionContext();
        JdbcKeysetItemReader<Long> reader = new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(byId).build();
        reader.open(context);
        reader.read();
        reader.update(context);
        reader.close();
        // the job's query changed between the runs: keys by created_at instead of id
        JdbcKeysetPager<Long> byTime = ids(ds, "item", SortKey.asc("created_at"));
        JdbcKeysetItemReader<Long> changed = new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(byTime).build();
        ItemStreamException e = assertThrows(ItemStreamException.class, () -> changed.open(context));
        assertTrue(e.getMessage().contains("Reader \"ids\" cannot start from the stored position \"ids.token\"")
                && e.getMessage().contains("start a new job instance"), e.getMessage());
        assertThrows(IllegalStateException.class, changed::read, "not open");
        assertEquals(0, ds.getHikariPoolMXBean().getActiveConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void theStreamingReaderRefusesAKeyRangePartition(JdbcDriver driver) throws Exception {
        open(driver);
        ExecutionContext partition = KeyRangePartitioner.of(ids(ds, "item", SortKey.asc("id"))).partition(2)
                .get("partition0");
        YieldPerItemReader<Item> reader = new YieldPerItemReaderBuilder<Item>().name("stream").sessionFactory(factory)
                .query(session -> YieldPer.query(session, "from Item", Item.class)).build();
        ItemStreamException e = assertThrows(ItemStreamException.class, () -> reader.open(partition));
        assertTrue(e.getMessage().contains("every partition would read every row"), e.getMessage());
        assertNull(KeyRangePartitioner.range(new ExecutionContext(Map.of(KeyRangePartitioner.EMPTY_KEY, true))));
        assertFalse(partition.containsKey(KeyRangePartitioner.AFTER_KEY), "the first partition starts at the start");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void misuseWithARealPagerIsRefusedBeforeAnySql(JdbcDriver driver) throws Exception {
        open(driver);
        StatementLog log = new StatementLog(ds);
        JdbcKeysetPager<Long> pager = ids(log, "item", SortKey.asc("id"));
        EntityPager<Item> entities = EntityPager.of(factory, Item.class).orderBy(SortKey.asc("id")).open();
        log.clear();
        {
            IllegalArgumentException grid = assertThrows(IllegalArgumentException.class,
                    () -> KeyRangePartitioner.of(pager).partition(0));
            assertEquals("gridSize must be >= 1, was 0; set the partition step's gridSize(n) to the number of"
                    + " partitions, e.g. 4", grid.getMessage());
            String unnamed = "name must be set while saveState is on: the reader stores its position under"
                    + " <name>.token; call name(\"...\"), or saveState(false) for a reader that starts over on restart";
            assertEquals(unnamed, assertThrows(IllegalArgumentException.class,
                    () -> new JdbcKeysetItemReaderBuilder<Long>().pager(pager).build()).getMessage());
            assertEquals(unnamed, assertThrows(IllegalArgumentException.class,
                    () -> new EntityKeysetItemReaderBuilder<Item>().pager(entities).build()).getMessage());
            assertEquals("name must be set while saveState is on: the reader stores the items read under"
                    + " <name>.read.count; call name(\"...\"), or saveState(false)",
                    assertThrows(IllegalArgumentException.class, () -> new YieldPerItemReaderBuilder<Item>()
                            .sessionFactory(factory).query(s -> YieldPer.query(s, "from Item", Item.class)).build())
                            .getMessage());
            IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> pager.split(0));
            assertTrue(split.getMessage().startsWith("ranges must be >= 1, was 0"), split.getMessage());
            assertEquals(List.of(), log.statements(), "no SQL for misuse");
        }
        // a reader without a name is fine when it saves no state
        assertEquals(ROWS, readAll(new JdbcKeysetItemReaderBuilder<Long>().pager(pager).saveState(false).build(),
                new ExecutionContext()).size());
    }
}
