package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.IndexCheck;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.ResumeTokens;
import io.batchwise.hibernate.fixtures.Author;
import io.batchwise.hibernate.fixtures.Book;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.Library;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Shipment;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.testing.TrickyTable;
import io.batchwise.hibernate.fixtures.CompositeIdTables;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.StatementLog;
import io.batchwise.testing.TestSchema;

/**
 * Every public entry point of the keyset pagers ({@link EntityPager}, {@link JdbcKeysetPager}) and of
 * the key model ({@link SortKey}, {@link KeyOrder}) with each kind of bad argument, one row per case:
 * the exception type, fragments of its message (the parameter, the bad value, the fix), and that no
 * SQL reached the server (a statement log under the pool, and Hibernate's statistics). A few refusals
 * can only come from the table's schema; those rows allow the information_schema reads and nothing
 * else.
 */
@ExtendWith(MySqlServerExtension.class)
class KeysetBadInputIT {
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    static final byte[] OTHER_SECRET = "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static StatementLog log;
    static SessionFactory factory;
    static SessionFactory closedFactory;
    static EntityPager<Tricky> tricky;
    static EntityPager<Tricky> signed;
    static EntityPager<Tricky> otherSecret;
    static EntityPager<Tricky> filtered;
    static String next;
    static String previous;
    static String signedNext;
    static String filteredNext;
    static Session closedSession;
    static StatelessSession closedStateless;
    static EntityManager closedEntityManager;
    static Session session;
    static JdbcKeysetPager<Long> items;
    static JdbcKeysetPager<Long> signedItems;
    static JdbcKeysetPager<Long> cheapItems;
    static String itemsNext;
    static String itemsPrevious;
    static String signedItemsNext;

    /** What a refused call may have sent. */
    enum Sql {
        /** Nothing at all. */
        NONE,
        /** Reads of information_schema (the schema check that refused it), no query of the data. */
        SCHEMA_ONLY
    }

    /** One bad input: what it is, the call, what it must throw, what the message must say, what SQL it may send. */
    record Case(String description, Executable call, Class<? extends Throwable> type, List<String> fragments, Sql sql) {
        @Override
        public String toString() {
            return description;
        }

        Case schemaOnly() {
            return new Case(description, call, type, fragments, Sql.SCHEMA_ONLY);
        }
    }

    static Case bad(String description, Executable call, String... fragments) {
        return new Case(description, call, IllegalArgumentException.class, List.of(fragments), Sql.NONE);
    }

    static Case state(String description, Executable call, String... fragments) {
        return new Case(description, call, IllegalStateException.class, List.of(fragments), Sql.NONE);
    }

    /** A record without a constructor for one {@code Long}. */
    record ItemView(Long id, BigDecimal amount) {
    }

    @BeforeAll
    static void createTablesAndPagers(TestSchema schema) throws Exception {
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", 50);
        }
        TrickyTable.create(schema, 30);
        CompositeIdTables.createShipments(schema, 10);
        Library.create(schema, 2, 2);
        log = new StatementLog(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
        factory = SessionFactories.create(log);
        closedFactory = SessionFactories.create(log);
        closedFactory.close();

        tricky = EntityPager.of(factory, Tricky.class).orderBy(SortKey.desc("createdAt")).pageSize(5).open();
        signed = EntityPager.of(factory, Tricky.class).orderBy(SortKey.desc("createdAt")).pageSize(5)
                .tokenSecret(SECRET).open();
        otherSecret = EntityPager.of(factory, Tricky.class).orderBy(SortKey.desc("createdAt")).pageSize(5)
                .tokenSecret(OTHER_SECRET).open();
        filtered = EntityPager.of(factory, Tricky.class).where("e.id > :min").parameter("min", 3L)
                .orderBy(SortKey.desc("createdAt")).pageSize(5).open();
        session = factory.openSession();
        var first = tricky.page(session, null);
        next = first.nextToken();
        previous = tricky.page(session, next).previousToken();
        signedNext = signed.page(session, null).nextToken();
        filteredNext = filtered.page(session, null).nextToken();
        closedSession = factory.openSession();
        closedSession.close();
        closedStateless = factory.openStatelessSession();
        closedStateless.close();
        closedEntityManager = factory.createEntityManager();
        closedEntityManager.close();

        items = JdbcKeysetPager.select(log, "id", row -> row.getLong(1)).from("item")
                .orderBy(SortKey.desc("created_at")).pageSize(5).open();
        signedItems = JdbcKeysetPager.select(log, "id", row -> row.getLong(1)).from("item")
                .orderBy(SortKey.desc("created_at")).pageSize(5).tokenSecret(SECRET).open();
        cheapItems = JdbcKeysetPager.select(log, "id", row -> row.getLong(1)).from("item")
                .where("amount < ?", new BigDecimal("1.00")).orderBy(SortKey.desc("created_at")).pageSize(5).open();
        itemsNext = items.first().nextToken();
        itemsPrevious = items.page(itemsNext).previousToken();
        signedItemsNext = signedItems.first().nextToken();
    }

    @AfterAll
    static void close() {
        session.close();
        factory.close();
    }

    static String tampered(String token) {
        char[] chars = token.toCharArray();
        int middle = chars.length / 2;
        chars[middle] = chars[middle] == 'A' ? 'B' : 'A';
        return new String(chars);
    }

    /** A token written by hand, as anyone who knows the format can, with a text where a timestamp goes. */
    static String forged() {
        byte[] fingerprint = ResumeTokens.fingerprint(List.of("entity", "Tricky", tricky.order().toString(), ""),
                List.of());
        return new ResumeTokens.Codec(fingerprint, null, 2_048).encode(false, List.of("2024-03-01", 5L));
    }

    static List<SortKey> keys(int count) {
        List<SortKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(SortKey.asc("k" + i));
        }
        return keys;
    }

    static Stream<Case> cases() {
        String itemView = ItemView.class.getName();
        return Stream.of(
                // ---- EntityPager.of and the builder
                bad("of: null SessionFactory", () -> EntityPager.of((SessionFactory) null, Item.class),
                        "factory must not be null", "pass the SessionFactory"),
                bad("of: null entity class", () -> EntityPager.of(factory, null),
                        "entity must not be null", "pass the entity class"),
                bad("of: null EntityManagerFactory", () -> EntityPager.of((EntityManagerFactory) null, Item.class),
                        "factory must not be null", "pass the EntityManagerFactory"),
                state("of: closed SessionFactory", () -> EntityPager.of(closedFactory, Item.class),
                        "factory is closed", "pass an open SessionFactory"),
                state("of: closed EntityManagerFactory",
                        () -> EntityPager.of((EntityManagerFactory) closedFactory, Item.class),
                        "factory is closed", "pass an open EntityManagerFactory"),
                bad("open: a class that is not an entity", () -> EntityPager.of(factory, String.class).open(),
                        "entity must be an entity of this SessionFactory, was java.lang.String",
                        "add it to the persistence unit"),
                bad("orderBy: null first key", () -> EntityPager.of(factory, Item.class).orderBy(null),
                        "first must not be null", "pass at least one SortKey"),
                bad("orderBy: null array of further keys",
                        () -> EntityPager.of(factory, Item.class).orderBy(SortKey.asc("id"), (SortKey[]) null),
                        "more must not be null", "pass further keys, or none"),
                bad("orderBy: a null among the further keys", () -> EntityPager.of(factory, Item.class)
                        .orderBy(SortKey.asc("amount"), SortKey.asc("category"), null),
                        "more[1] must not be null", "pass a SortKey"),
                bad("orderBy: 17 keys", () -> EntityPager.of(factory, Item.class)
                        .orderBy(SortKey.asc("x"), keys(16).toArray(SortKey[]::new)),
                        "keys must be at most 16, was 17", "sort by fewer attributes"),
                bad("orderBy: a column name instead of the attribute",
                        () -> EntityPager.of(factory, Tricky.class).orderBy(SortKey.asc("created_at")).open(),
                        "orderBy attribute \"created_at\" is not an attribute of entity Tricky",
                        "it has [amount, createdAt, id, label]",
                        "Name a basic attribute as declared in the entity class (not a column name)"),
                bad("orderBy: an association", () -> EntityPager.of(factory, Book.class)
                        .orderBy(SortKey.asc("author")).open(),
                        "orderBy attribute \"author\" of Book is an association", "name a basic attribute"),
                bad("orderBy: a collection", () -> EntityPager.of(factory, Author.class)
                        .orderBy(SortKey.asc("books")).open(),
                        "orderBy attribute \"books\" of Author is a collection", "name a basic attribute"),
                bad("orderBy: an embeddable without a part", () -> EntityPager.of(factory, Shipment.class)
                        .orderBy(SortKey.asc("origin")).open(),
                        "orderBy attribute \"origin\" of Shipment is embeddable", "name its parts instead, e.g."
                                + " \"origin.city\""),
                bad("orderBy: a part the embeddable lacks", () -> EntityPager.of(factory, Shipment.class)
                        .orderBy(SortKey.asc("origin.street")).open(),
                        "\"origin.street\" is not an attribute of the embeddable Address of entity Shipment",
                        "it has [city, country]"),
                bad("orderBy: a part after a basic attribute", () -> EntityPager.of(factory, Shipment.class)
                        .orderBy(SortKey.asc("shippedAt.year")).open(),
                        "\"shippedAt\" of Shipment is not embeddable, so \"year\" cannot follow it",
                        "name a basic attribute"),
                bad("orderBy: an approximate number", () -> EntityPager.of(factory, Shipment.class)
                        .orderBy(SortKey.asc("volume")).open(),
                        "orderBy attribute \"volume\" of entity Shipment is a java.lang.Double, an approximate number",
                        "Sort by attributes of type Long"),
                bad("pageSize: 0", () -> EntityPager.of(factory, Item.class).pageSize(0),
                        "pageSize must be >= 1, was 0", "pass the rows per page"),
                bad("pageSize: negative", () -> EntityPager.of(factory, Item.class).pageSize(-1),
                        "pageSize must be >= 1, was -1", "pass the rows per page"),
                bad("pageSize: oversized", () -> EntityPager.of(factory, Item.class).pageSize(100_001),
                        "pageSize must be <= 100000, was 100001", "walk() reads any number of rows page by page"),
                bad("indexCheck: null", () -> EntityPager.of(factory, Item.class).indexCheck(null),
                        "check must not be null", "pass IndexCheck.WARN, STRICT or OFF"),
                bad("tokenSecret: null", () -> EntityPager.of(factory, Item.class).tokenSecret(null),
                        "secret must not be null", "random bytes kept on the server"),
                bad("tokenSecret: too short", () -> EntityPager.of(factory, Item.class).tokenSecret(new byte[15]),
                        "secret must be at least 16 bytes, was 15", "random bytes kept on the server"),
                bad("maxTokenChars: too small", () -> EntityPager.of(factory, Item.class).maxTokenChars(63),
                        "maxTokenChars must be in [64, 4096], was 63", "40 to 120 characters"),
                bad("maxTokenChars: too large", () -> EntityPager.of(factory, Item.class).maxTokenChars(4_097),
                        "maxTokenChars must be in [64, 4096], was 4097"),
                bad("where: null HQL", () -> EntityPager.of(factory, Item.class).where((String) null),
                        "condition must not be null", "pass an HQL condition on alias e"),
                bad("where: blank HQL", () -> EntityPager.of(factory, Item.class).where("  "),
                        "condition must not be blank, was \"  \"", "pass an HQL condition on alias e"),
                bad("where: an attribute the entity lacks", () -> EntityPager.of(factory, Item.class)
                        .where("e.nope = 1").open(),
                        "where condition \"e.nope = 1\" is not valid HQL on alias e of entity Item",
                        "whose attributes are [amount, category, createdAt, id, payload]", "Write HQL on alias e",
                        "Could not resolve attribute 'nope'"),
                bad("where: SQL statements after the condition", () -> EntityPager.of(factory, Item.class)
                        .where("e.id = 1; drop table item").open(),
                        "where condition \"e.id = 1; drop table item\" is not valid HQL on alias e of entity Item",
                        "Write HQL on alias e"),
                bad("where: null criteria condition",
                        () -> EntityPager.of(factory, Item.class).where((CriteriaCondition<Item>) null),
                        "condition must not be null", "pass a CriteriaCondition"),
                bad("where: a criteria condition that returns null", () -> EntityPager.of(factory, Item.class)
                        .where((cb, e) -> null).open(),
                        "condition could not be built on entity Item",
                        "condition must return a Predicate, but returned null", "builder.conjunction()"),
                bad("where: a criteria condition on an attribute the entity lacks",
                        () -> EntityPager.of(factory, Item.class).where((cb, e) -> cb.equal(e.get("nope"), 1)).open(),
                        "condition could not be built on entity Item", "nope",
                        "naming attributes the entity has"),
                bad("parameter: null name", () -> EntityPager.of(factory, Item.class).parameter(null, 1),
                        "name must not be null", "without the colon"),
                bad("parameter: Batchwise's own name", () -> EntityPager.of(factory, Item.class)
                        .parameter("bw_key_0", 1), "name must not start with bw_key_, was \"bw_key_0\"",
                        "rename the parameter"),
                bad("parameter: the condition's parameter has no value", () -> EntityPager.of(factory, Item.class)
                        .where("e.id > :min").open(),
                        "parameter :min of where condition \"e.id > :min\" has no value",
                        "bind it with parameter(\"min\", value)"),
                bad("parameter: a value the condition does not use", () -> EntityPager.of(factory, Item.class)
                        .where("e.id > :min").parameter("min", 1L).parameter("max", 2L).open(),
                        "parameter \"max\" is not used by the where condition \"e.id > :min\", which has [min]",
                        "remove it, or write :max in the condition"),
                bad("parameter: an SQL-looking name and no condition", () -> EntityPager.of(factory, Item.class)
                        .parameter("x; drop table item", 1).open(),
                        "parameter \"x; drop table item\" is not used by the where condition (none), which has no"
                                + " parameters", "remove it"),
                bad("where: a positional parameter", () -> EntityPager.of(factory, Item.class)
                        .where("e.id > ?1").open(),
                        "where condition \"e.id > ?1\" has a positional parameter (?1)",
                        "name it (:name) and bind it with parameter(name, value)"),
                bad("select: null items", () -> EntityPager.of(factory, Item.class).select(null, Long.class),
                        "items must not be null", "pass HQL select items on alias e"),
                bad("select: null row type", () -> EntityPager.of(factory, Item.class).select("e.id", null),
                        "rowType must not be null", "ItemView.class or Object[].class"),
                bad("select: distinct", () -> EntityPager.of(factory, Item.class)
                        .select("distinct e.category", String.class),
                        "items must not start with distinct, was \"distinct e.category\"",
                        "filter with where(...)"),
                bad("select: a select new of its own", () -> EntityPager.of(factory, Item.class)
                        .select("new " + itemView + "(e.id, e.amount)", ItemView.class),
                        "items must be the select items only, was \"new ", "pass the items and the class"),
                bad("select: a primitive row type", () -> EntityPager.of(factory, Item.class)
                        .select("e.id", long.class), "rowType must be a class, was the primitive long",
                        "pass its wrapper, e.g. Long.class"),
                bad("select: items no constructor of the row type takes", () -> EntityPager.of(factory, Item.class)
                        .select("e.id", ItemView.class).open(),
                        "rowType " + itemView + " cannot be made from the select items \"e.id\"",
                        "a constructor taking them in order", "or use Object[].class"),
                bad("select: an attribute the entity lacks", () -> EntityPager.of(factory, Item.class)
                        .select("e.nope", Object[].class).open(),
                        "select items \"e.nope\" or where condition (none) are not valid HQL on alias e of entity Item",
                        "whose attributes are [amount, category, createdAt, id, payload]"),
                bad("select: SQL after the items", () -> EntityPager.of(factory, Item.class)
                        .select("e.id from Item x; drop table item --", Long.class).open(),
                        "select items \"e.id from Item x; drop table item --\" or where condition (none) are not"
                                + " valid HQL", "Write HQL on alias e"),

                // ---- EntityPager: sessions
                bad("page: null session", () -> tricky.page((Session) null, null),
                        "session must not be null", "pass the Session or StatelessSession"),
                bad("page: null stateless session", () -> tricky.page((StatelessSession) null, null),
                        "session must not be null", "pass the Session or StatelessSession"),
                state("page: closed session", () -> tricky.page(closedSession, null),
                        "session is closed", "read pages with an open session"),
                state("page: closed stateless session", () -> tricky.page(closedStateless, null),
                        "session is closed", "read pages with an open session"),
                bad("page: null entity manager", () -> tricky.page((EntityManager) null, null),
                        "entityManager must not be null", "pass the EntityManager"),
                state("page: closed entity manager", () -> tricky.page(closedEntityManager, null),
                        "entityManager is closed", "read pages with an open EntityManager"),
                state("walk: closed session", () -> tricky.walk(closedSession, null),
                        "session is closed", "read pages with an open session"),
                state("walk: closed entity manager", () -> tricky.walk(closedEntityManager, null),
                        "entityManager is closed", "read pages with an open EntityManager"),
                bad("forEachPage: null work", () -> tricky.forEachPage(null, null),
                        "work must not be null", "pass the code to run for each page"),

                // ---- EntityPager: tokens
                bad("page: a malformed token", () -> tricky.page(session, "not a token!"),
                        "token is not a Batchwise resume token: it contains ' ' at position 3, outside base64url",
                        "Pass a token from Page.nextToken() or Page.previousToken() unchanged"),
                bad("page: a tampered token", () -> tricky.page(session, tampered(next)),
                        "token is not a Batchwise resume token: its checksum does not match",
                        "Pass a token from Page.nextToken() or Page.previousToken() unchanged"),
                bad("page: a truncated token", () -> tricky.page(session, next.substring(0, next.length() - 6)),
                        "token is not a Batchwise resume token", "unchanged, or ask for the first page"),
                bad("page: a token of another query", () -> tricky.page(session, filteredNext),
                        "token was issued for a different query", "Start the new query from its first page"),
                bad("page: an oversized token", () -> tricky.page(session, "A".repeat(3_000)),
                        "token is 3000 characters, more than the limit of 2048",
                        "pass a token from Page.nextToken() or Page.previousToken() of this query unchanged"),
                bad("page: a token signed with another secret", () -> otherSecret.page(session, signedNext),
                        "token signature does not match", "signed with another secret",
                        "pass a token issued by this pager unchanged"),
                bad("page: an unsigned token where a secret is set", () -> signed.page(session, next),
                        "token is not signed, but this pager has a tokenSecret",
                        "pass a token issued by this pager unchanged"),
                bad("page: a signed token where no secret is set", () -> tricky.page(session, signedNext),
                        "token is signed, but this pager has no tokenSecret",
                        "configure the same tokenSecret as the pager that issued it"),
                bad("page: a forged token with a value of the wrong type", () -> tricky.page(session, forged()),
                        "token carries \"2024-03-01\", which is not a datetime(6) value for key \"createdAt\"",
                        "the token was not issued by this pager", "ask for the first page"),
                bad("walk: a previous-page token", () -> tricky.walk(session, previous),
                        "token must continue forward, but it is a previous-page token",
                        "walk from a Page.nextToken() or a resumeToken()"),
                bad("forEachPage: a previous-page token", () -> tricky.forEachPage(previous, (s, p) -> { }),
                        "token must continue forward, but it is a previous-page token",
                        "walk from a Page.nextToken() or a resumeToken()"),
                bad("forEachPage: a malformed token", () -> tricky.forEachPage("%%", (s, p) -> { }),
                        "token is not a Batchwise resume token: it contains '%' at position 0"),

                // ---- SortKey and KeyOrder
                bad("SortKey: SQL after the name", () -> SortKey.asc("id; drop table x"),
                        "column must be a column name of letters, digits and _", "was \"id; drop table x\"",
                        "Name the column name itself, without quotes, functions or expressions"),
                bad("SortKey: an expression", () -> SortKey.desc("id) or (1=1"),
                        "column must be a column name", "was \"id) or (1=1\"", "Name the column name itself"),
                bad("SortKey: a quoted name", () -> SortKey.asc("`id`"),
                        "column must be a column name", "was \"`id`\"", "without quotes"),
                bad("SortKey: two qualifiers", () -> SortKey.asc("a.b.c"),
                        "column must be a column name", "optionally qualified by one table name or alias",
                        "was \"a.b.c\""),
                bad("SortKey: a comment", () -> SortKey.asc("id -- x"),
                        "column must be a column name", "was \"id -- x\""),
                bad("SortKey: null column", () -> SortKey.asc(null),
                        "column must not be null", "pass a column name such as"),
                bad("SortKey.of: null direction", () -> SortKey.of("id", null, false, SortKey.Nulls.DEFAULT, false),
                        "direction must not be null", "pass SortKey.Direction.ASC or DESC"),
                bad("SortKey.of: null NULL placement",
                        () -> SortKey.of("id", SortKey.Direction.ASC, false, null, false),
                        "nulls must not be null", "pass SortKey.Nulls.DEFAULT, FIRST or LAST"),
                bad("SortKey: nullable and unique", () -> SortKey.asc("code").nullable().unique(),
                        "column \"code\" cannot be both nullable and unique",
                        "Make the tiebreaker a NOT NULL unique column"),
                bad("KeyOrder: null keys", () -> new KeyOrder(null),
                        "keys must not be null", "pass at least one SortKey"),
                bad("KeyOrder: no keys", () -> new KeyOrder(List.of()),
                        "keys must not be empty", "pass at least one SortKey"),
                bad("KeyOrder: 17 keys", () -> new KeyOrder(keys(17)),
                        "keys must be at most 16, was 17", "sort by fewer columns"),
                bad("KeyOrder: a null key", () -> new KeyOrder(Arrays.asList(SortKey.asc("a"), null)),
                        "keys[1] must not be null", "pass a SortKey"),
                bad("KeyOrder: a column twice", () -> KeyOrder.of(SortKey.asc("id"), SortKey.desc("ID")),
                        "keys must name each column once, but \"ID\" appears twice", "remove the repeated key"),
                bad("KeyOrder.of: null first key", () -> KeyOrder.of(null),
                        "first must not be null", "pass at least one SortKey"),
                bad("KeyOrder.of: null further keys", () -> KeyOrder.of(SortKey.asc("a"), (SortKey[]) null),
                        "more must not be null", "pass the further keys, or none"),
                bad("KeyOrder.withTiebreaker: null", () -> KeyOrder.of(SortKey.asc("a")).withTiebreaker(null),
                        "tiebreaker must not be null", "pass the primary key columns"),
                bad("KeyOrder.withTiebreaker: empty",
                        () -> KeyOrder.of(SortKey.asc("a")).withTiebreaker(Collections.emptyList()),
                        "tiebreaker must not be empty", "pass the primary key columns"),
                bad("KeyOrder.withTiebreaker: a nullable column",
                        () -> KeyOrder.of(SortKey.asc("a")).withTiebreaker(List.of(SortKey.asc("note").nullable())),
                        "tiebreaker column \"note\" is nullable", "pass NOT NULL columns of a primary or unique key"),
                bad("KeyOrder.requireUnique: keys that do not identify a row",
                        () -> KeyOrder.of(SortKey.asc("created_at")).requireUnique("orderBy"),
                        "orderBy must end with a unique key, but (created_at ASC) ends with \"created_at\"",
                        "Add the primary key as the last key"),

                // ---- JdbcKeysetPager
                bad("JDBC select: null data source", () -> JdbcKeysetPager.select(null, "id", row -> 1L),
                        "dataSource must not be null", "pass the DataSource"),
                bad("JDBC select: blank columns", () -> JdbcKeysetPager.select(log, " ", row -> 1L),
                        "columns must not be blank, was \" \"", "pass the select list"),
                bad("JDBC select: null mapper", () -> JdbcKeysetPager.select(log, "id", null),
                        "mapper must not be null", "pass a RowMapper"),
                bad("JDBC from: null", () -> JdbcKeysetPager.select(log, "id", row -> 1L).from(null),
                        "from must not be null", "pass the table name"),
                bad("JDBC table: SQL after the name", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .table("item; drop table x"), "table must be a table name of letters, digits and _",
                        "was \"item; drop table x\"", "Name the table name itself"),
                bad("JDBC table: null", () -> JdbcKeysetPager.select(log, "id", row -> 1L).table(null),
                        "table must not be null", "pass a table name such as"),
                bad("JDBC where: null condition", () -> JdbcKeysetPager.select(log, "id", row -> 1L).where(null),
                        "condition must not be null", "pass a condition such as"),
                bad("JDBC where: null parameters", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .where("id > ?", (Object[]) null), "parameters must not be null",
                        "pass the values of the condition's ?, or none"),
                bad("JDBC orderBy: null order", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .orderBy((KeyOrder) null), "order must not be null", "pass the KeyOrder to page by"),
                bad("JDBC orderBy: null first key", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .orderBy((SortKey) null), "first must not be null", "pass at least one SortKey"),
                bad("JDBC pageSize: 0", () -> JdbcKeysetPager.select(log, "id", row -> 1L).pageSize(0),
                        "pageSize must be >= 1, was 0", "pass the rows per page"),
                bad("JDBC pageSize: oversized", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .pageSize(100_001), "pageSize must be <= 100000, was 100001",
                        "walk() reads any number of rows page by page"),
                bad("JDBC indexCheck: null", () -> JdbcKeysetPager.select(log, "id", row -> 1L).indexCheck(null),
                        "check must not be null", "pass IndexCheck.WARN, STRICT or OFF"),
                bad("JDBC tokenSecret: too short", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .tokenSecret(new byte[8]), "secret must be at least 16 bytes, was 8"),
                bad("JDBC maxTokenChars: too large", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .maxTokenChars(5_000), "maxTokenChars must be in [64, 4096], was 5000"),
                bad("JDBC open: no table", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .orderBy(SortKey.asc("id")).open(),
                        "from must not be null", "call from(\"table\") with the table to page"),
                bad("JDBC open: no keys", () -> JdbcKeysetPager.select(log, "id", row -> 1L).from("item").open(),
                        "orderBy must not be null", "call orderBy(...) with the keys to page by"),
                bad("JDBC open: strict check of a join without the table", () -> JdbcKeysetPager
                        .select(log, "i.id", row -> 1L).from("item i join item j on j.id = i.id")
                        .orderBy(SortKey.asc("i.id").unique()).indexCheck(IndexCheck.STRICT).open(),
                        "indexCheck(STRICT) needs the table to inspect, but from(\"item i join item j on j.id = i.id\")"
                                + " is not a table name", "name it with table(\"...\")"),
                bad("JDBC open: a join whose keys do not identify a row", () -> JdbcKeysetPager
                        .select(log, "i.id", row -> 1L).from("item i join item j on j.id = i.id")
                        .orderBy(SortKey.asc("i.created_at")).open(),
                        "orderBy must end with a unique key, but (i.created_at ASC) ends with \"i.created_at\"",
                        "Add the primary key as the last key"),
                bad("JDBC open: a key that is not a column", () -> JdbcKeysetPager.select(log, "id", row -> 1L)
                        .from("item").orderBy(SortKey.asc("createdAt")).open(),
                        "orderBy key \"createdAt\" is not a column of", "whose columns are [id, created_at, category,"
                                + " amount, payload]", "name a column of that table").schemaOnly(),
                bad("JDBC open: a nullable column not declared nullable", () -> JdbcKeysetPager
                        .select(log, "id", row -> 1L).from("item").orderBy(SortKey.asc("category")).open(),
                        "orderBy key \"category\" is a nullable column of",
                        "Declare it: SortKey.asc(\"category\").nullable()").schemaOnly(),
                bad("JDBC page: a malformed token", () -> items.page("token?"),
                        "token is not a Batchwise resume token: it contains '?' at position 5"),
                bad("JDBC page: a tampered token", () -> items.page(tampered(itemsNext)),
                        "token is not a Batchwise resume token: its checksum does not match"),
                bad("JDBC page: a token of another query", () -> cheapItems.page(itemsNext),
                        "token was issued for a different query", "Start the new query from its first page"),
                bad("JDBC page: an oversized token", () -> items.page("A".repeat(5_000)),
                        "token is 5000 characters, more than the limit of 2048"),
                bad("JDBC page: an unsigned token where a secret is set", () -> signedItems.page(itemsNext),
                        "token is not signed, but this pager has a tokenSecret"),
                bad("JDBC page: a signed token where no secret is set", () -> items.page(signedItemsNext),
                        "token is signed, but this pager has no tokenSecret"),
                bad("JDBC walk: a previous-page token", () -> items.walk(itemsPrevious),
                        "token must continue forward, but it is a previous-page token",
                        "walk from a Page.nextToken() or a resumeToken()"));
    }

    @Test
    void theLogSeesWhatAGoodCallSendsSoItsSilenceMeansSomething() {
        log.clear();
        long prepared = factory.getStatistics().getPrepareStatementCount();
        tricky.page(session, next);
        items.page(itemsNext);
        List<String> sent = log.statements();
        assertEquals(2, sent.size(), sent.toString());
        assertTrue(sent.get(0).contains("from tricky"), sent.get(0));
        assertTrue(sent.get(1).contains("FROM `item`"), sent.get(1));
        assertEquals(prepared + 1, factory.getStatistics().getPrepareStatementCount());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void isRefusedBeforeAnySqlWithAMessageNamingTheParameterTheValueAndTheFix(Case bad) {
        log.clear();
        long prepared = factory.getStatistics().getPrepareStatementCount();
        Throwable thrown = assertThrows(Throwable.class, bad.call());
        assertInstanceOf(bad.type(), thrown, () -> "expected " + bad.type().getSimpleName() + ", got " + thrown);
        for (String fragment : bad.fragments()) {
            assertTrue(thrown.getMessage().contains(fragment),
                    () -> "message lacks \"" + fragment + "\": " + thrown.getMessage());
        }
        List<String> sent = log.statements();
        if (bad.sql() == Sql.NONE) {
            assertEquals(List.of(), sent, "no SQL before the refusal");
        } else {
            for (String sql : sent) {
                assertTrue(sql.contains("information_schema") || sql.equals("SELECT DATABASE()"),
                        "only the schema was read: " + sql);
            }
        }
        assertEquals(prepared, factory.getStatistics().getPrepareStatementCount(), "Hibernate prepared nothing");
    }
}
