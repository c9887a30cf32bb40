package io.batchwise.hibernate.spring.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Consumer;
import java.util.stream.Stream;

import jakarta.persistence.criteria.Subquery;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.IndexCheck;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.Page;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.fixtures.Author;
import io.batchwise.hibernate.fixtures.Book;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * The {@link KeysetRepository} fragment with Spring's JpaTransactionManager, both drivers: over every
 * row, over the rows of a {@link Specification}, and with the token options of a {@link KeysetTokens}
 * bean.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(120) // a keyset walk that loops fails here, with its name
class KeysetRepositoryIT {
    static final int ROWS = 2_345;
    static final int SIZE = 200;
    static final Sort BY_CATEGORY = Sort.by("category");   // nullable: every 7th row is NULL
    /** Two categories and the NULLs: 645 of the 2,345 rows. */
    static final Specification<Item> SOME = (item, query, cb) -> cb.or(item.get("category").in("cat-3", "cat-5"),
            cb.isNull(item.get("category")));
    static final String SOME_SQL = "category in ('cat-3', 'cat-5') or category is null";
    static final byte[] SECRET = "a secret of 32 bytes, kept here.".getBytes(StandardCharsets.UTF_8);
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

    static class SignedTokens {
        @Bean
        KeysetTokens keysetTokens() {
            return KeysetTokens.defaults().tokenSecret(SECRET).maxTokenChars(120);
        }
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

    static BigDecimal amount(String where) throws SQLException {
        try (Connection c = schema.server().connect(schema.name());
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select sum(amount) from item where " + where)) {
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

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void windowsPagesAndStreamsOfASpecificationVisitEveryMatchingRowOnceInOrder(JdbcDriver driver) throws SQLException {
        ItemRepository repository = repository(driver);
        List<Long> expected = ids("select id from item where " + SOME_SQL + " order by category, id");
        assertEquals(645, expected.size());

        List<Long> byWindow = new ArrayList<>();
        Window<Item> window = repository.keysetWindow(SOME, ScrollPosition.keyset(), BY_CATEGORY, SIZE);
        while (true) {
            window.forEach(item -> byWindow.add(item.getId()));
            if (!window.hasNext()) {
                break;
            }
            window = repository.keysetWindow(SOME, window.positionAt(window.size() - 1), BY_CATEGORY, SIZE);
        }
        assertEquals(expected, byWindow);

        assertEquals(expected, tokenPages(repository, SOME, token -> { }));

        try (Stream<Item> items = repository.keysetStream(SOME, BY_CATEGORY, SIZE)) {
            assertEquals(expected, items.map(Item::getId).toList());
        }

        // Spring Data's reading of a null predicate: no restriction
        try (Stream<Item> all = repository.keysetStream((item, query, cb) -> null, BY_CATEGORY, 1_000)) {
            assertEquals(ids("select id from item order by category, id"), all.map(Item::getId).toList());
        }
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aSpecificationMayUseItsQueryForASubquery(JdbcDriver driver) throws SQLException {
        ItemRepository repository = repository(driver);
        // the rows whose successor by id has the same category: needs query.subquery(...)
        Specification<Item> followedBySame = (item, query, cb) -> {
            Subquery<Long> next = query.subquery(Long.class);
            var other = next.from(Item.class);
            next.select(other.get("id")).where(cb.equal(other.get("id"), cb.sum(item.<Long>get("id"), 13L)),
                    cb.equal(other.get("category"), item.get("category")));
            return cb.exists(next);
        };
        List<Long> seen = new ArrayList<>();
        repository.keysetStream(followedBySame, Sort.unsorted(), SIZE).forEach(item -> seen.add(item.getId()));
        assertEquals(ids("select a.id from item a where exists (select 1 from item b where b.id = a.id + 13"
                + " and b.category = a.category) order by a.id"), seen);
        assertTrue(seen.size() > SIZE, "more than one page: " + seen.size());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void forEachKeysetPageOfASpecificationCommitsTheMatchingRowsOnlyAndResumes(JdbcDriver driver) throws SQLException {
        ItemRepository repository = repository(driver);
        BigDecimal some = amount(SOME_SQL);
        BigDecimal others = amount("not (" + SOME_SQL + ")");
        int[] pages = new int[1];
        BatchwiseException failure = assertThrows(BatchwiseException.class,
                () -> repository.forEachKeysetPage(SOME, null, BY_CATEGORY, SIZE, (session, page) -> {
                    page.content().forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE)));
                    if (++pages[0] == 4) {
                        session.flush();
                        throw new IllegalStateException("page 4 fails");
                    }
                }));
        assertTrue(failure.getMessage().startsWith("A page failed after " + 3 * SIZE + " rows were committed: page 4"
                + " fails. Its transaction was rolled back; resume with forEachKeysetPage(token, ...)"),
                failure.getMessage());
        assertEquals(some.add(BigDecimal.valueOf(3L * SIZE)), amount(SOME_SQL), "three pages committed");

        String end = repository.forEachKeysetPage(SOME, failure.resumeToken().orElseThrow(), BY_CATEGORY, SIZE,
                (session, page) -> page.content().forEach(item -> item.setAmount(item.getAmount().add(BigDecimal.ONE))));
        assertEquals(some.add(BigDecimal.valueOf(645)), amount(SOME_SQL), "every matching row exactly once");
        assertEquals(others, amount("not (" + SOME_SQL + ")"), "no other row touched");
        List<Long> afterEnd = new ArrayList<>();
        repository.forEachKeysetPage(SOME, end, BY_CATEGORY, SIZE,
                (session, page) -> page.content().forEach(item -> afterEnd.add(item.getId())));
        assertEquals(List.of(), afterEnd, "the returned token resumes after the last matching row");
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void badSpecificationsAndTokensAreRefusedNamingTheParameter(JdbcDriver driver) {
        ItemRepository repository = repository(driver);
        String fix = "spec must not be null; pass the Specification rows must meet, or call the method without one";
        assertMessage(fix, () -> repository.keysetWindow(null, ScrollPosition.keyset(), BY_CATEGORY, SIZE));
        assertMessage(fix, () -> repository.keysetPage(null, null, BY_CATEGORY, SIZE));
        assertMessage(fix, () -> repository.keysetStream(null, BY_CATEGORY, SIZE));
        assertMessage(fix, () -> repository.forEachKeysetPage(null, null, BY_CATEGORY, SIZE, (s, p) -> { }));
        assertMessage("work must not be null", () -> repository.forEachKeysetPage(SOME, null, BY_CATEGORY, SIZE, null));
        assertMessage("pageSize must be >= 1, was 0", () -> repository.keysetPage(SOME, null, BY_CATEGORY, 0));
        assertMessage("sort must not be null", () -> repository.keysetStream(SOME, null, SIZE));

        assertMessage("condition must only return a Predicate, but it changed the query itself", () -> repository
                .keysetPage((item, query, cb) -> {
                    query.distinct(true);
                    return cb.isNotNull(item.get("category"));
                }, null, BY_CATEGORY, SIZE));
        assertMessage("condition could not be built on entity", () -> repository.keysetPage(
                (item, query, cb) -> cb.equal(item.get("nope"), 1), null, BY_CATEGORY, SIZE));

        // tokens are bound to the filter
        String unfiltered = repository.keysetPage(null, BY_CATEGORY, SIZE).nextToken();
        assertMessage("token was issued for a different query",
                () -> repository.keysetPage(SOME, unfiltered, BY_CATEGORY, SIZE));
        String filtered = repository.keysetPage(SOME, null, BY_CATEGORY, SIZE).nextToken();
        assertMessage("token was issued for a different query",
                () -> repository.keysetPage(filtered, BY_CATEGORY, SIZE));
        assertMessage("token was issued for a different query", () -> repository.keysetPage(
                (item, query, cb) -> cb.isNotNull(item.get("category")), filtered, BY_CATEGORY, SIZE));
        // the same condition with another value: the values are bound, and part of the token's query too
        String cat3 = repository.keysetPage(category("cat-3"), null, BY_CATEGORY, SIZE).nextToken();
        assertEquals(cat3, repository.keysetPage(category("cat-3"), null, BY_CATEGORY, SIZE).nextToken(),
                "a specification built again for the next request takes the token");
        repository.keysetPage(category("cat-3"), cat3, BY_CATEGORY, SIZE);
        assertMessage("token was issued for a different query",
                () -> repository.keysetPage(category("cat-5"), cat3, BY_CATEGORY, SIZE));

        // forEachKeysetPage refuses a bad token before any transaction, as EntityPager.forEachPage does
        String previous = repository.keysetPage(SOME, filtered, BY_CATEGORY, SIZE).previousToken();
        assertMessage("token must continue forward, but it is a previous-page token",
                () -> repository.forEachKeysetPage(SOME, previous, BY_CATEGORY, SIZE, (s, p) -> { }));
        assertMessage("token is not a Batchwise resume token",
                () -> repository.forEachKeysetPage("%%", BY_CATEGORY, SIZE, (s, p) -> { }));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void aSpecificationThatJoinsACollectionOrAddsARootIsRefusedWhenThePagerOpens(JdbcDriver driver) {
        // the fragment's adapter on an entity with a collection; refused while the query is checked, before any SQL
        try (SessionFactory factory = SessionFactories.create(schema.dataSource(driver))) {
            Specification<Author> joinsBooks = (author, query, cb) -> cb.like(author.join("books").get("title"), "A%");
            IllegalArgumentException joined = assertThrows(IllegalArgumentException.class, () -> EntityPager
                    .of(factory, Author.class).where(KeysetRepositoryFragment.condition(joinsBooks))
                    .indexCheck(IndexCheck.OFF).open());
            assertTrue(joined.getMessage().contains("condition must not join or fetch the collection \"books\": a"
                    + " join repeats the entity once per element"), joined.getMessage());
            assertTrue(joined.getMessage().contains("filter on the collection with a subquery"), joined.getMessage());

            Specification<Author> fetchesBooks = (author, query, cb) -> {
                author.fetch("books");
                return cb.isNotNull(author.get("name"));
            };
            IllegalArgumentException fetched = assertThrows(IllegalArgumentException.class, () -> EntityPager
                    .of(factory, Author.class).where(KeysetRepositoryFragment.condition(fetchesBooks))
                    .indexCheck(IndexCheck.OFF).open());
            assertTrue(fetched.getMessage().contains("the collection \"books\""), fetched.getMessage());

            Specification<Author> secondRoot = (author, query, cb) -> cb.equal(query.from(Book.class).get("author"),
                    author);
            IllegalArgumentException root = assertThrows(IllegalArgumentException.class, () -> EntityPager
                    .of(factory, Author.class).where(KeysetRepositoryFragment.condition(secondRoot))
                    .indexCheck(IndexCheck.OFF).open());
            assertTrue(root.getMessage().contains("another root"), root.getMessage());

            // a to-one join keeps one row per entity
            Specification<Book> byAuthor = (book, query, cb) -> cb.like(book.join("author").get("name"), "A%");
            assertEquals(List.of("id"), EntityPager.of(factory, Book.class)
                    .where(KeysetRepositoryFragment.condition(byAuthor)).indexCheck(IndexCheck.OFF).open().order()
                    .keys().stream().map(k -> k.column()).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void aKeysetTokensBeanSignsTheTokensAndLimitsTheirLength(JdbcDriver driver) {
        ItemRepository plain = repository(driver);
        try (AnnotationConfigApplicationContext context = SpringContexts.start(schema.dataSource(driver),
                Repositories.class, SignedTokens.class)) {
            ItemRepository signed = context.getBean(ItemRepository.class);
            List<Long> ids = tokenPages(signed, SOME, token -> assertTrue(token.length() <= 120, token));
            assertEquals(645, ids.size());

            String signedToken = signed.keysetPage(null, BY_CATEGORY, SIZE).nextToken();
            String plainToken = plain.keysetPage(null, BY_CATEGORY, SIZE).nextToken();
            assertMessage("token is not signed, but this pager has a tokenSecret",
                    () -> signed.keysetPage(plainToken, BY_CATEGORY, SIZE));
            assertMessage("token is signed, but this pager has no tokenSecret",
                    () -> plain.keysetPage(signedToken, BY_CATEGORY, SIZE));
            assertMessage("token is 130 characters, more than the limit of 120",
                    () -> signed.keysetPage("A".repeat(130), BY_CATEGORY, SIZE));
            // a long key makes a token the limit refuses: the payload (250 characters) as the sort key
            assertMessage("more than the limit of 120: the key values are too long",
                    () -> signed.keysetPage(null, Sort.by("payload"), SIZE));
            assertTrue(plain.keysetPage(null, Sort.by("payload"), SIZE).nextToken().length() > 120,
                    "the default limit takes it");
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void keysetTokensRefuseBadSettingsWhenSet(JdbcDriver driver) {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> KeysetTokens.defaults().tokenSecret(new byte[8]));
        assertTrue(shortSecret.getMessage().startsWith("secret must be at least 16 bytes, was 8"),
                shortSecret.getMessage());
        IllegalArgumentException nullSecret = assertThrows(IllegalArgumentException.class,
                () -> KeysetTokens.defaults().tokenSecret(null));
        assertTrue(nullSecret.getMessage().startsWith("secret must not be null"), nullSecret.getMessage());
        IllegalArgumentException tiny = assertThrows(IllegalArgumentException.class,
                () -> KeysetTokens.defaults().maxTokenChars(10));
        assertTrue(tiny.getMessage().startsWith("maxTokenChars must be in [64, 4096], was 10"), tiny.getMessage());
    }

    /** The ids of {@code spec}'s rows by category, page by page through the tokens, each next token checked. */
    static List<Long> tokenPages(ItemRepository repository, Specification<Item> spec, Consumer<String> eachToken) {
        List<Long> ids = new ArrayList<>();
        String token = null;
        do {
            Page<Item> page = repository.keysetPage(spec, token, BY_CATEGORY, SIZE);
            page.content().forEach(item -> ids.add(item.getId()));
            token = page.hasNext() ? page.nextToken() : null;
            if (token != null) {
                eachToken.accept(token);
            }
        } while (token != null);
        return ids;
    }

    static Specification<Item> category(String category) {
        return (item, query, cb) -> cb.equal(item.get("category"), category);
    }

    /** Spring Data translates a repository's IllegalArgumentException to its InvalidDataAccessApiUsageException. */
    private static void assertMessage(String expected, Runnable call) {
        InvalidDataAccessApiUsageException e = assertThrows(InvalidDataAccessApiUsageException.class, call::run);
        assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }
}
