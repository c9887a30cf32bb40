package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.criteria.CriteriaQuery;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.query.SelectionQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcWalker;
import io.batchwise.core.RowMapper;
import io.batchwise.core.StreamingOptions;
import io.batchwise.hibernate.fixtures.Author;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.Library;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.StatementLog;
import io.batchwise.testing.TestSchema;

/**
 * Every bad argument to a streaming entry point ({@link YieldPer}, {@link JdbcWalker}, {@link StreamingOptions},
 * {@link FetchPlan})
 * in one table: each case names the call, the parameter, the bad value and a piece of the fix, and
 * the test checks the exception type, that the message names all three, and that no SQL was sent
 * (nothing in the statement logs under both pools, which the session factory reads through too, and
 * Hibernate's prepared-statement count unchanged). The keyset entry points have the same table in
 * {@link KeysetBadInputIT}.
 */
@ExtendWith(MySqlServerExtension.class)
class StreamingBadInputIT {
    static final String SQL = "select id from item order by id";
    static final RowMapper<Long> ID = row -> row.getLong(1);
    static final Duration ONE_YEAR_AND_A_DAY = Duration.ofDays(366);

    static TestSchema schema;
    static StatementLog connectorJ;
    static StatementLog mariaDb;
    static SessionFactory factory;
    static CriteriaQuery<Item> criteria;

    /** What a case may use; opened fresh for each case and closed after it. */
    static final class Fixture {
        Session session;
        Session closedSession;
        StatelessSession stateless;
        StatelessSession closedStateless;
        EntityManager entityManager;
        EntityManager closedEntityManager;
        EntityManager foreignEntityManager;
        Session otherSession;
        Connection connection;
        Connection closedConnection;
    }

    interface Call {
        void run(Fixture fixture) throws Exception;
    }

    /** One bad call; {@code inTransaction}: the session's transaction is begun before the call is measured. */
    record Case(String call, Class<? extends RuntimeException> type, String parameter, String badValue, String fix,
            Call run, boolean inTransaction) {
        Case(String call, Class<? extends RuntimeException> type, String parameter, String badValue, String fix,
                Call run) {
            this(call, type, parameter, badValue, fix, run, false);
        }

        Case insideATransaction() {
            return new Case(call + " in a transaction", type, parameter, badValue, fix, run, true);
        }

        @Override
        public String toString() {
            return call;
        }
    }

    Fixture fixture;

    @BeforeAll
    static void createTables(TestSchema testSchema) throws Exception {
        schema = testSchema;
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", 100);
        }
        Library.create(schema, 3, 2);
        connectorJ = new StatementLog(schema.dataSource(JdbcDriver.MYSQL_CONNECTOR_J));
        mariaDb = new StatementLog(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
        factory = SessionFactories.create(connectorJ);
        criteria = factory.getCriteriaBuilder().createQuery(Item.class);
        criteria.select(criteria.from(Item.class));
    }

    @AfterAll
    static void closeFactory() {
        factory.close();
    }

    @BeforeEach
    void openFixture() throws Exception {
        fixture = new Fixture();
        fixture.session = factory.openSession();
        fixture.closedSession = factory.openSession();
        fixture.closedSession.close();
        fixture.stateless = factory.openStatelessSession();
        fixture.closedStateless = factory.openStatelessSession();
        fixture.closedStateless.close();
        fixture.entityManager = factory.createEntityManager();
        fixture.closedEntityManager = factory.createEntityManager();
        fixture.closedEntityManager.close();
        fixture.foreignEntityManager = foreignEntityManager();
        fixture.otherSession = factory.openSession();
        fixture.connection = connectorJ.getConnection();
        fixture.closedConnection = connectorJ.getConnection();
        fixture.closedConnection.close();
    }

    @AfterEach
    void closeFixture() throws Exception {
        if (fixture.session.getTransaction().isActive()) {
            fixture.session.getTransaction().rollback();
        }
        fixture.session.close();
        fixture.stateless.close();
        fixture.entityManager.close();
        fixture.otherSession.close();
        fixture.connection.close();
    }

    /** An EntityManager of some other JPA provider: open, but not a Hibernate session underneath. */
    static EntityManager foreignEntityManager() {
        return (EntityManager) Proxy.newProxyInstance(StreamingBadInputIT.class.getClassLoader(),
                new Class<?>[] {EntityManager.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> true;
                    case "unwrap" -> throw new PersistenceException("not a Hibernate EntityManager");
                    case "toString" -> "a foreign EntityManager";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Case iae(String call, String parameter, String badValue, String fix, Call run) {
        return new Case(call, IllegalArgumentException.class, parameter, badValue, fix, run);
    }

    static Case ise(String call, String parameter, String badValue, String fix, Call run) {
        return new Case(call, IllegalStateException.class, parameter, badValue, fix, run);
    }

    static Case refused(String call, String parameter, String badValue, String fix, Call run) {
        return new Case(call, BatchwiseException.class, parameter, badValue, fix, run);
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String hqlFix = "pass the HQL/JPQL select";
        String typeFix = "pass the class of the rows";
        // YieldPer.query(Session, String, Class)
        cases.add(iae("YieldPer.query(null Session, hql, rowType)", "session", "null", "pass the Session",
                f -> YieldPer.query((Session) null, "from Item", Item.class)));
        cases.add(iae("YieldPer.query(Session, null hql, rowType)", "hql", "null", hqlFix,
                f -> YieldPer.query(f.session, (String) null, Item.class)));
        cases.add(iae("YieldPer.query(Session, blank hql, rowType)", "hql", "\"  \"", hqlFix,
                f -> YieldPer.query(f.session, "  ", Item.class)));
        cases.add(iae("YieldPer.query(Session, hql, null rowType)", "rowType", "null", typeFix,
                f -> YieldPer.query(f.session, "from Item", null)));
        cases.add(iae("YieldPer.query(Session, an update, rowType).open()", "hql", "update Item set amount = 0",
                "walk a select", f -> YieldPer.query(f.session, "update Item set amount = 0", Item.class).open()));
        cases.add(iae("YieldPer.query(Session, hql, a rowType the query does not select).open()", "rowType",
                "java.lang.String", "pass the entity class", f -> YieldPer.query(f.session, "from Item", String.class).open()));
        cases.add(iae("YieldPer.query(Session, a collection fetch join, rowType).open()", "query",
                "from Author a join fetch a.books", "@BatchSize",
                f -> YieldPer.query(f.session, "from Author a join fetch a.books", Author.class).open()));
        // YieldPer.query(StatelessSession, String, Class)
        cases.add(iae("YieldPer.query(null StatelessSession, hql, rowType)", "session", "null",
                "pass the StatelessSession", f -> YieldPer.query((StatelessSession) null, "from Item", Item.class)));
        cases.add(iae("YieldPer.query(StatelessSession, null hql, rowType)", "hql", "null", hqlFix,
                f -> YieldPer.query(f.stateless, (String) null, Item.class)));
        cases.add(iae("YieldPer.query(StatelessSession, blank hql, rowType)", "hql", "\"\t\"", hqlFix,
                f -> YieldPer.query(f.stateless, "\t", Item.class)));
        cases.add(iae("YieldPer.query(StatelessSession, hql, null rowType)", "rowType", "null", typeFix,
                f -> YieldPer.query(f.stateless, "from Item", null)));
        cases.add(iae("YieldPer.query(StatelessSession, a delete, rowType).open()", "hql", "delete from Item",
                "walk a select", f -> YieldPer.query(f.stateless, "delete from Item", Item.class).open()));
        // YieldPer.query(EntityManager, String, Class)
        cases.add(iae("YieldPer.query(null EntityManager, jpql, rowType)", "entityManager", "null",
                "pass the EntityManager", f -> YieldPer.query((EntityManager) null, "from Item", Item.class)));
        cases.add(ise("YieldPer.query(closed EntityManager, jpql, rowType)", "entityManager", "closed",
                "open the walk on an open EntityManager",
                f -> YieldPer.query(f.closedEntityManager, "from Item", Item.class)));
        cases.add(iae("YieldPer.query(EntityManager of another provider, jpql, rowType)", "entityManager", "$Proxy",
                "pass an EntityManager of a Hibernate persistence unit",
                f -> YieldPer.query(f.foreignEntityManager, "from Item", Item.class)));
        cases.add(iae("YieldPer.query(EntityManager, null jpql, rowType)", "jpql", "null", hqlFix,
                f -> YieldPer.query(f.entityManager, (String) null, Item.class)));
        cases.add(iae("YieldPer.query(EntityManager, blank jpql, rowType)", "jpql", "\" \"", hqlFix,
                f -> YieldPer.query(f.entityManager, " ", Item.class)));
        cases.add(iae("YieldPer.query(EntityManager, jpql, null rowType)", "rowType", "null", typeFix,
                f -> YieldPer.query(f.entityManager, "select i from Item i", null)));
        // YieldPer.query(..., CriteriaQuery)
        cases.add(iae("YieldPer.query(null Session, criteria)", "session", "null", "pass the Session",
                f -> YieldPer.query((Session) null, criteria)));
        cases.add(iae("YieldPer.query(Session, null criteria)", "criteria", "null", "pass the CriteriaQuery",
                f -> YieldPer.query(f.session, (CriteriaQuery<Item>) null)));
        cases.add(iae("YieldPer.query(null StatelessSession, criteria)", "session", "null", "pass the StatelessSession",
                f -> YieldPer.query((StatelessSession) null, criteria)));
        cases.add(iae("YieldPer.query(StatelessSession, null criteria)", "criteria", "null", "pass the CriteriaQuery",
                f -> YieldPer.query(f.stateless, (CriteriaQuery<Item>) null)));
        cases.add(iae("YieldPer.query(null EntityManager, criteria)", "entityManager", "null", "pass the EntityManager",
                f -> YieldPer.query((EntityManager) null, criteria)));
        cases.add(iae("YieldPer.query(EntityManager, null criteria)", "criteria", "null", "pass the CriteriaQuery",
                f -> YieldPer.query(f.entityManager, (CriteriaQuery<Item>) null)));
        cases.add(ise("YieldPer.query(closed EntityManager, criteria)", "entityManager", "closed",
                "open the walk on an open EntityManager", f -> YieldPer.query(f.closedEntityManager, criteria)));
        // YieldPer.query(SharedSessionContract, SelectionQuery)
        cases.add(iae("YieldPer.query(null session, selection query)", "session", "null",
                "pass the session that created the query",
                f -> YieldPer.query(null, f.session.createSelectionQuery("from Item", Item.class))));
        cases.add(iae("YieldPer.query(session, null selection query)", "query", "null", "pass the SelectionQuery",
                f -> YieldPer.query(f.session, (SelectionQuery<Item>) null)));
        cases.add(iae("YieldPer.query(session, a query of another session)", "query", "another session",
                "create the query on the session you pass",
                f -> YieldPer.query(f.session, f.otherSession.createSelectionQuery("from Item", Item.class))));
        // YieldPer.Builder
        cases.add(iae("YieldPer...parameter(null name, value)", "name", "null", "without the colon",
                f -> YieldPer.query(f.session, "from Item", Item.class).parameter((String) null, 1)));
        cases.add(iae("YieldPer...parameter(blank name, value)", "name", "\" \"", "without the colon",
                f -> YieldPer.query(f.session, "from Item", Item.class).parameter(" ", 1)));
        cases.add(iae("YieldPer...parameter(position 0, value)", "position", "was 0", "positions start at 1",
                f -> YieldPer.query(f.session, "from Item", Item.class).parameter(0, 1)));
        cases.add(iae("YieldPer...parameter(negative position, value)", "position", "was -3", "positions start at 1",
                f -> YieldPer.query(f.session, "from Item", Item.class).parameter(-3, 1)));
        cases.add(iae("YieldPer...batchSize(0)", "batchSize", "was 0", "batchSize(1000)",
                f -> YieldPer.query(f.session, "from Item", Item.class).batchSize(0)));
        cases.add(iae("YieldPer...batchSize(-1)", "batchSize", "was -1", "batchSize(1000)",
                f -> YieldPer.query(f.session, "from Item", Item.class).batchSize(-1)));
        cases.add(iae("YieldPer...fetchSize(-7)", "fetchSize", "was -7", "leave it unset",
                f -> YieldPer.query(f.session, "from Item", Item.class).fetchSize(-7)));
        cases.add(iae("YieldPer...afterBatch(null)", "policy", "null", "one of AfterBatch's constants",
                f -> YieldPer.query(f.session, "from Item", Item.class).afterBatch(null)));
        cases.add(iae("YieldPer...connectionUse(null)", "use", "null", "ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED",
                f -> YieldPer.query(f.session, "from Item", Item.class).connectionUse(null)));
        cases.add(iae("YieldPer...netWriteTimeout(null)", "netWriteTimeout", "null", "Duration.ofMinutes(30)",
                f -> YieldPer.query(f.session, "from Item", Item.class).netWriteTimeout(null)));
        cases.add(iae("YieldPer...netWriteTimeout(zero)", "netWriteTimeout", "was PT0S", "Duration.ofMinutes(30)",
                f -> YieldPer.query(f.session, "from Item", Item.class).netWriteTimeout(Duration.ZERO)));
        cases.add(iae("YieldPer...netWriteTimeout(negative)", "netWriteTimeout", "was PT-5S", "Duration.ofMinutes(30)",
                f -> YieldPer.query(f.session, "from Item", Item.class).netWriteTimeout(Duration.ofSeconds(-5))));
        cases.add(iae("YieldPer...netWriteTimeout(more than the server allows)", "netWriteTimeout", "was PT8784H",
                "365 days", f -> YieldPer.query(f.session, "from Item", Item.class).netWriteTimeout(ONE_YEAR_AND_A_DAY)));
        cases.add(iae("YieldPer...forEachBatch(null)", "handler", "null", "pass the code to run for each batch",
                f -> YieldPer.query(f.session, "from Item", Item.class).forEachBatch(null)));
        cases.add(ise("YieldPer.query(closed Session, ...).open()", "session", "closed", "open the walk on an open Session",
                f -> YieldPer.query(f.closedSession, "from Item", Item.class).open()));
        cases.add(ise("YieldPer.query(closed Session, ...).stream()", "session", "closed", "open the walk on an open Session",
                f -> YieldPer.query(f.closedSession, "from Item", Item.class).stream()));
        cases.add(ise("YieldPer.query(closed Session, ...).forEachBatch(handler)", "session", "closed",
                "open the walk on an open Session",
                f -> YieldPer.query(f.closedSession, "from Item", Item.class).forEachBatch(batch -> { })));
        cases.add(ise("YieldPer.query(closed StatelessSession, ...).open()", "session", "closed",
                "open the walk on an open StatelessSession",
                f -> YieldPer.query(f.closedStateless, "from Item", Item.class).open()));
        cases.add(iae("YieldPer.query(StatelessSession, ...).afterBatch(FLUSH_AND_CLEAR).open()", "afterBatch",
                "FLUSH_AND_CLEAR", "write with session.update()",
                f -> YieldPer.query(f.stateless, "from Item", Item.class).afterBatch(AfterBatch.FLUSH_AND_CLEAR).open()));
        cases.add(iae("YieldPer.query(StatelessSession, ...).afterBatch(DETACH_LOADED).open()", "afterBatch",
                "DETACH_LOADED", "write with session.update()",
                f -> YieldPer.query(f.stateless, "from Item", Item.class).afterBatch(AfterBatch.DETACH_LOADED).open()));
        cases.add(ise("YieldPer...afterBatch(FLUSH_AND_CLEAR).open() outside a transaction", "afterBatch",
                "FLUSH_AND_CLEAR", "Begin a transaction",
                f -> YieldPer.query(f.session, "from Item", Item.class).afterBatch(AfterBatch.FLUSH_AND_CLEAR).open()));
        cases.add(ise("YieldPer...connectionUse(SHARED).open() outside a transaction", "connectionUse", "SHARED",
                "Begin a transaction",
                f -> YieldPer.query(f.session, "from Item", Item.class).connectionUse(ConnectionUse.SHARED).open()));
        cases.add(refused("YieldPer...afterBatch(FLUSH_AND_CLEAR).open() on a streaming connection", "afterBatch",
                "FLUSH_AND_CLEAR", "useCursorFetch=true",
                f -> YieldPer.query(f.session, "from Item", Item.class).afterBatch(AfterBatch.FLUSH_AND_CLEAR).open())
                .insideATransaction());
        cases.add(refused("YieldPer...connectionUse(SHARED).open() on a streaming connection", "connectionUse",
                "SHARED", "useCursorFetch=true",
                f -> YieldPer.query(f.session, "from Item", Item.class).connectionUse(ConnectionUse.SHARED).open())
                .insideATransaction());

        // JdbcWalker.query(DataSource, String, RowMapper) and query(Connection, String, RowMapper)
        cases.add(iae("JdbcWalker.query(null DataSource, sql, mapper)", "dataSource", "null", "pass the DataSource",
                f -> JdbcWalker.query((DataSource) null, SQL, ID)));
        cases.add(iae("JdbcWalker.query(DataSource, null sql, mapper)", "sql", "null", "pass the SELECT to walk",
                f -> JdbcWalker.query(connectorJ, null, ID)));
        cases.add(iae("JdbcWalker.query(DataSource, blank sql, mapper)", "sql", "\"  \"", "pass the SELECT to walk",
                f -> JdbcWalker.query(connectorJ, "  ", ID)));
        cases.add(iae("JdbcWalker.query(DataSource, sql, null mapper)", "mapper", "null", "pass a RowMapper",
                f -> JdbcWalker.query(connectorJ, SQL, null)));
        cases.add(iae("JdbcWalker.query(null Connection, sql, mapper)", "connection", "null", "pass the Connection",
                f -> JdbcWalker.query((Connection) null, SQL, ID)));
        cases.add(iae("JdbcWalker.query(Connection, null sql, mapper)", "sql", "null", "pass the SELECT to walk",
                f -> JdbcWalker.query(f.connection, null, ID)));
        cases.add(iae("JdbcWalker.query(Connection, blank sql, mapper)", "sql", "\"\n\"", "pass the SELECT to walk",
                f -> JdbcWalker.query(f.connection, "\n", ID)));
        cases.add(iae("JdbcWalker.query(Connection, sql, null mapper)", "mapper", "null", "pass a RowMapper",
                f -> JdbcWalker.query(f.connection, SQL, null)));
        // JdbcWalker.Builder
        cases.add(iae("JdbcWalker...parameters(null array)", "values", "null", "pass the parameter values",
                f -> JdbcWalker.query(connectorJ, SQL, ID).parameters((Object[]) null)));
        cases.add(iae("JdbcWalker...batchSize(0)", "batchSize", "was 0", "batchSize(1000)",
                f -> JdbcWalker.query(connectorJ, SQL, ID).batchSize(0)));
        cases.add(iae("JdbcWalker...batchSize(-10)", "batchSize", "was -10", "batchSize(1000)",
                f -> JdbcWalker.query(connectorJ, SQL, ID).batchSize(-10)));
        cases.add(iae("JdbcWalker...fetchSize(-2)", "fetchSize", "was -2", "leave it unset",
                f -> JdbcWalker.query(connectorJ, SQL, ID).fetchSize(-2)));
        cases.add(iae("JdbcWalker...connectionUse(null)", "use", "null", "ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED",
                f -> JdbcWalker.query(connectorJ, SQL, ID).connectionUse(null)));
        cases.add(iae("JdbcWalker...netWriteTimeout(null)", "netWriteTimeout", "null", "Duration.ofMinutes(30)",
                f -> JdbcWalker.query(connectorJ, SQL, ID).netWriteTimeout(null)));
        cases.add(iae("JdbcWalker...netWriteTimeout(negative)", "netWriteTimeout", "was PT-0.001S",
                "Duration.ofMinutes(30)", f -> JdbcWalker.query(connectorJ, SQL, ID).netWriteTimeout(Duration.ofMillis(-1))));
        cases.add(iae("JdbcWalker...netWriteTimeout(more than the server allows)", "netWriteTimeout", "was PT9600H",
                "365 days", f -> JdbcWalker.query(connectorJ, SQL, ID).netWriteTimeout(Duration.ofDays(400))));
        cases.add(iae("JdbcWalker...forEachBatch(null)", "handler", "null", "pass the code to run for each batch",
                f -> JdbcWalker.query(connectorJ, SQL, ID).forEachBatch(null)));
        cases.add(ise("JdbcWalker.query(closed Connection, ...).open()", "connection", "closed",
                "pass an open Connection, or a DataSource", f -> JdbcWalker.query(f.closedConnection, SQL, ID).open()));
        cases.add(ise("JdbcWalker.query(closed Connection, ...).stream()", "connection", "closed",
                "pass an open Connection, or a DataSource", f -> JdbcWalker.query(f.closedConnection, SQL, ID).stream()));
        cases.add(ise("JdbcWalker.query(closed Connection, ...).forEachBatch(handler)", "connection", "closed",
                "pass an open Connection, or a DataSource",
                f -> JdbcWalker.query(f.closedConnection, SQL, ID).forEachBatch(batch -> { })));
        cases.add(refused("JdbcWalker.query(MariaDB DataSource, ...).connectionUse(SHARED).open()", "connectionUse",
                "SHARED", "useCursorFetch=true",
                f -> JdbcWalker.query(mariaDb, SQL, ID).connectionUse(ConnectionUse.SHARED).open()));
        cases.add(refused("JdbcWalker.query(Connector/J Connection, ...).connectionUse(SHARED).open()", "connectionUse",
                "SHARED", "useCursorFetch=true",
                f -> JdbcWalker.query(f.connection, SQL, ID).connectionUse(ConnectionUse.SHARED).open()));

        // StreamingOptions, the value both builders above set
        cases.add(iae("StreamingOptions...withBatchSize(0)", "batchSize", "was 0", "batchSize(1000)",
                f -> StreamingOptions.defaults().withBatchSize(0)));
        cases.add(iae("StreamingOptions...withFetchSize(-5)", "fetchSize", "was -5", "leave it unset",
                f -> StreamingOptions.defaults().withFetchSize(-5)));
        cases.add(iae("StreamingOptions...withConnectionUse(null)", "use", "null",
                "ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED", f -> StreamingOptions.defaults().withConnectionUse(null)));
        cases.add(iae("StreamingOptions...withNetWriteTimeout(null)", "netWriteTimeout", "null", "Duration.ofMinutes(30)",
                f -> StreamingOptions.defaults().withNetWriteTimeout(null)));
        cases.add(iae("new StreamingOptions(batchSize -3, ...)", "batchSize", "was -3", "batchSize(1000)",
                f -> new StreamingOptions(-3, null, ConnectionUse.EXCLUSIVE, null)));
        cases.add(iae("new StreamingOptions(..., null connectionUse, ...)", "use", "null", "ConnectionUse.EXCLUSIVE",
                f -> new StreamingOptions(1_000, null, null, null)));

        // FetchPlan
        cases.add(iae("new FetchPlan(null mode, size, driver)", "mode", "null", "pass a FetchPlan.Mode",
                f -> new FetchPlan(null, 100, JdbcDriver.MYSQL_CONNECTOR_J)));
        cases.add(iae("new FetchPlan(mode, size, null driver)", "driver", "null", "pass the JdbcDriver",
                f -> new FetchPlan(FetchPlan.Mode.STREAM, 100, null)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedBeforeAnySqlNamingTheParameterTheBadValueAndTheFix(Case c) {
        if (c.inTransaction()) {
            fixture.session.beginTransaction();
        }
        connectorJ.clear();
        mariaDb.clear();
        long prepared = factory.getStatistics().getPrepareStatementCount();
        RuntimeException e = assertThrows(c.type(), () -> c.run().run(fixture), c.call());
        String message = e.getMessage();
        assertTrue(message.contains(c.parameter()), "names the parameter '" + c.parameter() + "': " + message);
        assertTrue(message.contains(c.badValue()), "names the bad value '" + c.badValue() + "': " + message);
        assertTrue(message.contains(c.fix()), "says the fix '" + c.fix() + "': " + message);
        assertEquals(List.of(), connectorJ.statements(), "no SQL through the Connector/J pool: " + c.call());
        assertEquals(List.of(), mariaDb.statements(), "no SQL through the MariaDB Connector/J pool: " + c.call());
        assertEquals(prepared, factory.getStatistics().getPrepareStatementCount(), "Hibernate prepared nothing");
    }

    /** The witness for "no SQL was sent": the same logs see the SQL of a call that is not refused. */
    @org.junit.jupiter.api.Test
    void theLogsSeeTheSqlOfACallThatIsNotRefused() {
        connectorJ.clear();
        mariaDb.clear();
        long prepared = factory.getStatistics().getPrepareStatementCount();
        try (Stream<Long> ids = JdbcWalker.query(mariaDb, SQL, ID).stream()) {
            assertEquals(100, ids.count());
        }
        assertEquals(List.of(SQL), mariaDb.statements(), "a JDBC walk's query is logged");
        try (Stream<Item> items = YieldPer.query(fixture.session, "from Item", Item.class).stream()) {
            assertEquals(100, items.count());
        }
        assertEquals(1, connectorJ.statements().size(), "a yieldPer walk's query is logged: " + connectorJ.statements());
        assertTrue(factory.getStatistics().getPrepareStatementCount() > prepared, "and Hibernate counts it too");
    }
}
