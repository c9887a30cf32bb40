package io.batchwise.hibernate.spring.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.Page;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/** The {@link KeysetRepository} fragment with Spring's JpaTransactionManager, both drivers. */
@ExtendWith(MySqlServerExtension.class)
class KeysetRepositoryIT {
    static final int ROWS = 2_345;
    static final int SIZE = 200;
    static final Sort BY_CATEGORY = Sort.by("category");   // nullable: every 7th row is NULL
    static final Map<JdbcDriver, AnnotationConfigApplicationContext> CONTEXTS = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;

    interface ItemRepository extends JpaRepository<Item, Long>, KeysetRepository<Item> {
        /** Spring Data's own keyset scrolling, for comparison. */
        Window<Item> findFirst200ByOrderByCategoryAscIdAsc(ScrollPosition position);
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ItemRepository.class))
    static class Repositories {
    }

    @BeforeAll
    static void createFixtures(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
        }
    }

    @AfterAll
    static void closeContexts() {
        CONTEXTS.values().forEach(AnnotationConfigApplicationContext::close);
        CONTEXTS.clear();
    }

    static ItemRepository repository(JdbcDriver driver) {
        return CONTEXTS.computeIfAbsent(driver, d -> SpringContexts.start(schema.dataSource(d), Repositories.class))
                .getBean(ItemRepository.class);
    }

    static List<Long> ids(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = schema.server().connect(schema.name());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    static BigDecimal totalAmount() throws SQLException {
        try (Connection c = schema.server().connect(schema.name());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select sum(amount) from item")) {
            r.next();
            return r.getBigDecimal(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void windowsOverANullableKeyVisitEveryRowOnceInOrderLikeSpringDatasOwnWindows(JdbcDriver driver)
            throws SQLException {
        ItemRepository repository = repository(driver);
        List<Long> seen = new ArrayList<>();
        List<Window<Item>> windows = new ArrayList<>();
        Window<Item> window = repository.keysetWindow(ScrollPosition.keyset(), BY_CATEGORY, SIZE);
        while (true) {
            windows.add(window);
            window.forEach(item -> seen.add(item.getId()));
            if (!window.hasNext()) {
                break;
            }
            window = repository.keysetWindow(window.positionAt(window.size() - 1), BY_CATEGORY, SIZE);
        }
        assertEquals(ids("select id from item order by category, id"), seen, "every row once, NULLs first, id last");

        Map<String, Object> keys = ((org.springframework.data.domain.KeysetScrollPosition) windows.get(0).positionAt(0))
                .getKeys();
        assertEquals(Set.of("category", "id"), keys.keySet(), "a position holds the sort key and the tiebreaker");

        // backward from the first row of the third window: the second window
        Window<Item> back = repository.keysetWindow(
                ((org.springframework.data.domain.KeysetScrollPosition) windows.get(2).positionAt(0)).backward(),
                BY_CATEGORY, SIZE);
        assertEquals(windows.get(1).map(Item::getId).getContent(), back.map(Item::getId).getContent());
        assertTrue(back.hasNext(), "more rows before it");

        // Spring Data's own keyset scrolling over the same key (4.1 handles this nullable key too): the same rows,
        // and its positions continue a KeysetRepository window, as they carry the same keys
        List<Long> spring = new ArrayList<>();
        Window<Item> own = repository.findFirst200ByOrderByCategoryAscIdAsc(ScrollPosition.keyset());
        for (int windowsRead = 0; windowsRead < ROWS / SIZE + 2; windowsRead++) {
            own.forEach(item -> spring.add(item.getId()));
            if (windowsRead == 3) {
                ScrollPosition after = own.positionAt(own.size() - 1);
                own = repository.findFirst200ByOrderByCategoryAscIdAsc(after);
                assertEquals(own.map(Item::getId).getContent(),
                        repository.keysetWindow(after, BY_CATEGORY, SIZE).map(Item::getId).getContent());
                continue;
            }
            if (!own.hasNext()) {
                break;
            }
            own = repository.findFirst200ByOrderByCategoryAscIdAsc(own.positionAt(own.size() - 1));
        }
        assertEquals(seen, spring);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void descendingNullsLastWindowsAndTokenPagesAgree(JdbcDriver driver) {
        ItemRepository repository = repository(driver);
        Sort sort = Sort.by(Sort.Order.desc("category").nullsLast());
        List<Long> byWindow = new ArrayList<>();
        Window<Item> window = repository.keysetWindow(ScrollPosition.keyset(), sort, SIZE);
        List<String> categories = new ArrayList<>();
        while (true) {
            window.forEach(item -> {
                byWindow.add(item.getId());
                categories.add(item.getCategory());
            });
            if (!window.hasNext()) {
                break;
            }
            window = repository.keysetWindow(window.positionAt(window.size() - 1), sort, SIZE);
        }
        assertEquals(ROWS, new HashSet<>(byWindow).size());
        assertEquals(ROWS, byWindow.size());
        int firstNull = categories.indexOf(null);
        assertTrue(categories.subList(firstNull, ROWS).stream().allMatch(c -> c == null), "NULLs last");
        for (int i = 1; i < firstNull; i++) {
            assertTrue(categories.get(i - 1).compareTo(categories.get(i)) >= 0, "descending at " + i);
        }

        List<Long> byToken = new ArrayList<>();
        String token = null;
        do {
            Page<Item> page = repository.keysetPage(token, sort, SIZE);
            page.content().forEach(item -> byToken.add(item.getId()));
            token = page.hasNext() ? page.nextToken() : null;
        } while (token != null);
        assertEquals(byWindow, byToken);
        assertFalse(TransactionSynchronizationManager.isActualTransactionActive());
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void keysetStreamReadsEveryRowInAReadOnlyTransactionThatEndsWithTheLastRow(JdbcDriver driver) throws SQLException {
        ItemRepository repository = repository(driver);
        List<Long> ids = new ArrayList<>();
        try (Stream<Item> items = repository.keysetStream(BY_CATEGORY, SIZE)) {
            items.forEach(item -> {
                assertTrue(TransactionSynchronizationManager.isCurrentTransactionReadOnly());
                ids.add(item.getId());
            });
            assertFalse(TransactionSynchronizationManager.isActualTransactionActive(), "ended with the last row");
        }
        assertEquals(ids("select id from item order by category, id"), ids);
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void forEachKeysetPageCommitsEachPageAndResumesAfterTheLastCommittedOne(JdbcDriver driver) throws SQLException {
        ItemRepository repository = repository(driver);
        BigDecimal before = totalAmount();
        int[] pages = new int[1];
        BatchwiseException failure = assertThrows(BatchwiseException.class,
                () -> repository.forEachKeysetPage(null, BY_CATEGORY, SIZE, (session, page) -> {
                    page.content().forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE)));
                    if (++pages[0] == 3) {
                        session.flush();   // written, then rolled back with its page
                        throw new IllegalStateException("page 3 fails");
                    }
                }));
        assertTrue(failure.getMessage().contains("after " + 2 * SIZE + " rows were committed"), failure.getMessage());
        assertEquals(before.add(BigDecimal.valueOf(2L * SIZE)), totalAmount(), "two pages committed, the third rolled back");
        String resume = failure.resumeToken().orElseThrow();

        repository.forEachKeysetPage(resume, BY_CATEGORY, SIZE,
                (session, page) -> page.content().forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE))));
        assertEquals(before.add(BigDecimal.valueOf(ROWS)), totalAmount(), "every row changed exactly once");
        assertEquals(0, schema.borrowedConnections());

        TransactionTemplate template = new TransactionTemplate(
                CONTEXTS.get(driver).getBean(PlatformTransactionManager.class));
        // Spring Data translates a repository's IllegalStateException to its InvalidDataAccessApiUsageException
        InvalidDataAccessApiUsageException inside = assertThrows(InvalidDataAccessApiUsageException.class,
                () -> template.executeWithoutResult(status -> repository.forEachKeysetPage(null, BY_CATEGORY, SIZE,
                        (session, page) -> { })));
        assertTrue(inside.getCause() instanceof IllegalStateException);
        assertTrue(inside.getMessage().startsWith("forEachKeysetPage commits each page in a transaction of its own,"
                + " but a transaction is active"), inside.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void badInputIsRefusedNamingTheParameter(JdbcDriver driver) {
        ItemRepository repository = repository(driver);
        assertMessage("position must not be null; pass ScrollPosition.keyset() for the first window, or"
                + " window.positionAt(i) to continue", () -> repository.keysetWindow(null, BY_CATEGORY, SIZE));
        assertMessage("position must be a KeysetScrollPosition, was", () -> repository.keysetWindow(
                ScrollPosition.offset(10), BY_CATEGORY, SIZE));
        assertMessage("position must hold the keys of this order [category, id], but holds [createdAt, id]",
                () -> repository.keysetWindow(ScrollPosition.forward(Map.of("createdAt", "x", "id", 1L)),
                        BY_CATEGORY, SIZE));
        assertMessage("position must scroll forward when it is initial", () -> repository.keysetWindow(
                ScrollPosition.keyset().backward(), BY_CATEGORY, SIZE));
        assertMessage("pageSize must be >= 1, was 0", () -> repository.keysetWindow(ScrollPosition.keyset(),
                BY_CATEGORY, 0));
        assertMessage("pageSize must be <= 100000, was 100001", () -> repository.keysetPage(null, BY_CATEGORY, 100_001));
        assertMessage("sort must not be null", () -> repository.keysetPage(null, null, SIZE));
        assertMessage("sort must not ignore case, but category does", () -> repository.keysetPage(null,
                Sort.by(Sort.Order.asc("category").ignoreCase()), SIZE));
        assertMessage("nope", () -> repository.keysetPage(null, Sort.by("nope"), SIZE));
        assertMessage("token", () -> repository.keysetPage("not-a-token", BY_CATEGORY, SIZE));
        assertMessage("work must not be null", () -> repository.forEachKeysetPage(null, BY_CATEGORY, SIZE, null));
    }

    /** Spring Data translates a repository's IllegalArgumentException to its InvalidDataAccessApiUsageException. */
    private static void assertMessage(String expected, Runnable call) {
        InvalidDataAccessApiUsageException e = assertThrows(InvalidDataAccessApiUsageException.class, call::run);
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }
}
