package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.NativeUuidDoc;
import io.batchwise.hibernate.fixtures.UuidDoc;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * {@link ServerDialect}, {@link MariaDbServerDialect} and {@link MySqlServerDialect}: the real
 * server and version whatever the driver reports (MariaDB 10.x and 11.x answer MySQL Connector/J
 * as "5.5.5-..."), named by {@code hibernate.dialect} alone with no DataSource, and on MariaDB the
 * column mappings of Hibernate's MySQL dialect: an existing {@code BINARY(16)} UUID id reads and
 * pages through EntityPager and YieldPer with both drivers; MariaDB's native {@code uuid} only
 * when asked for. Run on 10.11 with {@code -Dmariadb4j-db.version=10.11.5}.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerDialectIT {
    static final int ROWS = 300;
    static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)\\.(\\d+)");
    static TestSchema schema;
    static boolean nativeUuid;

    @BeforeAll
    static void createTables(TestSchema testSchema) throws Exception {
        schema = testSchema;
        DatabaseVersion version = serverVersion();
        nativeUuid = schema.server().isMariaDb() && version.isSameOrAfter(10, 7);
        schema.execute("CREATE TABLE uuid_doc (id BINARY(16) NOT NULL PRIMARY KEY, title VARCHAR(40))"
                + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        if (nativeUuid) {
            schema.execute("CREATE TABLE uuid_native_doc (id UUID NOT NULL PRIMARY KEY, title VARCHAR(40))"
                    + " DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
        }
        Random random = new Random(42);
        try (Connection c = schema.server().connect(schema.name());
                PreparedStatement binary = c.prepareStatement("INSERT INTO uuid_doc VALUES (?, ?)");
                PreparedStatement text = nativeUuid ? c.prepareStatement("INSERT INTO uuid_native_doc VALUES (?, ?)")
                        : null) {
            for (int i = 0; i < ROWS; i++) {
                UUID id = UUID.nameUUIDFromBytes(Long.toString(random.nextLong()).getBytes(StandardCharsets.UTF_8));
                binary.setBytes(1, ByteBuffer.allocate(16).putLong(id.getMostSignificantBits())
                        .putLong(id.getLeastSignificantBits()).array());
                binary.setString(2, "doc " + i);
                binary.addBatch();
                if (text != null) {
                    text.setString(1, id.toString());
                    text.setString(2, "doc " + i);
                    text.addBatch();
                }
            }
            binary.executeBatch();
            if (text != null) {
                text.executeBatch();
            }
        }
    }

    @AfterAll
    static void noConnectionLeft() {
        assertEquals(0, schema.borrowedConnections());
    }

    static DatabaseVersion serverVersion() {
        Matcher m = VERSION.matcher(schema.server().version());
        assertTrue(m.lookingAt(), schema.server().version());
        return DatabaseVersion.make(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
    }

    static String dialectName() {
        return schema.server().isMariaDb() ? MariaDbServerDialect.class.getName() : MySqlServerDialect.class.getName();
    }

    /** The ids of {@code table} in the server's own order, as UUIDs read from the bytes. */
    static List<UUID> idsInServerOrder(String table) throws Exception {
        List<UUID> ids = new ArrayList<>();
        String select = table.equals("uuid_doc") ? "SELECT id FROM uuid_doc ORDER BY id"
                : "SELECT CAST(id AS CHAR) FROM uuid_native_doc ORDER BY id";
        try (Connection c = schema.server().connect(schema.name()); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(select)) {
            while (r.next()) {
                if (table.equals("uuid_doc")) {
                    ByteBuffer bytes = ByteBuffer.wrap(r.getBytes(1));
                    ids.add(new UUID(bytes.getLong(), bytes.getLong()));
                } else {
                    ids.add(UUID.fromString(r.getString(1)));
                }
            }
        }
        return ids;
    }

    /**
     * A session factory configured as persistence.xml or Spring Boot would: properties only, no
     * DataSource. MySQL Connector/J gets useInformationSchema=false, which MariaDB needs for the
     * driver's metadata (see {@link #withoutMetadataTheNamedDialectRefusesAndNamesTheConnectorJSetting}).
     */
    static SessionFactory byProperties(JdbcDriver driver, Map<String, String> settings) {
        return byProperties(driver, driver == JdbcDriver.MYSQL_CONNECTOR_J ? Map.of("useInformationSchema", "false")
                : Map.of(), settings);
    }

    static SessionFactory byProperties(JdbcDriver driver, Map<String, String> urlParameters,
            Map<String, String> settings) {
        Configuration configuration = new Configuration().addAnnotatedClass(UuidDoc.class)
                .addAnnotatedClass(NativeUuidDoc.class);
        configuration.setProperty(AvailableSettings.JAKARTA_JDBC_URL, schema.jdbcUrl(driver, urlParameters));
        configuration.setProperty(AvailableSettings.JAKARTA_JDBC_USER, schema.server().user());
        configuration.setProperty(AvailableSettings.JAKARTA_JDBC_PASSWORD, schema.server().password());
        configuration.setProperty(AvailableSettings.POOL_SIZE, "2");
        configuration.setProperty("hibernate.hbm2ddl.auto", "none");
        settings.forEach(configuration::setProperty);
        return configuration.buildSessionFactory();
    }

    static SessionFactory byDialect(JdbcDriver driver, Dialect dialect) {
        Configuration configuration = new Configuration().addAnnotatedClass(UuidDoc.class)
                .addAnnotatedClass(NativeUuidDoc.class);
        configuration.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, schema.dataSource(driver));
        configuration.getProperties().put(AvailableSettings.DIALECT, dialect);
        configuration.setProperty("hibernate.hbm2ddl.auto", "none");
        return configuration.buildSessionFactory();
    }

    static Dialect dialectOf(SessionFactory factory) {
        return factory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect();
    }

    static JdbcDriver other(JdbcDriver driver) {
        return driver == JdbcDriver.MYSQL_CONNECTOR_J ? JdbcDriver.MARIADB_CONNECTOR_J : JdbcDriver.MYSQL_CONNECTOR_J;
    }

    /** What Hibernate logs while {@code action} runs, through whichever logging backend JBoss Logging chose. */
    static <T> String logOf(Supplier<T> action, List<T> result) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        List<String> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger hibernate = Logger.getLogger("org.hibernate");
        hibernate.addHandler(handler);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            result.add(action.get());
        } finally {
            System.setErr(original);
            hibernate.removeHandler(handler);
        }
        return err.toString(StandardCharsets.UTF_8) + String.join("\n", records);
    }

    /** Walks, pages back and resumes {@code entity} by its UUID id; the oracle is the server's ORDER BY. */
    static <E> void pagesEveryRowOnce(SessionFactory factory, SessionFactory fresh, Class<E> entity, List<UUID> expected,
            java.util.function.Function<E, UUID> id) {
        EntityPager<E> pager = EntityPager.of(factory, entity).pageSize(29).open();
        List<UUID> walked = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        try (Session session = factory.openSession()) {
            Page<E> page = pager.page(session, null);
            List<List<UUID>> pages = new ArrayList<>();
            pages.add(page.content().stream().map(id).toList());
            while (page.hasNext()) {
                tokens.add(page.nextToken());
                page = pager.page(session, page.nextToken());
                pages.add(page.content().stream().map(id).toList());
            }
            pages.forEach(walked::addAll);
            assertEquals(expected, walked, "forward pages: every row once, in the server's order");
            for (int i = pages.size() - 2; i >= 0; i--) {
                page = pager.page(session, page.previousToken());
                assertEquals(pages.get(i), page.content().stream().map(id).toList(), "page " + i + " read backward");
            }
        }
        EntityPager<E> resumed = EntityPager.of(fresh, entity).pageSize(29).open();
        String token = tokens.get(tokens.size() / 2);
        List<UUID> rest = new ArrayList<>();
        try (Session session = fresh.openSession(); KeysetWalk<E> walk = resumed.walk(session, token)) {
            walk.forEachRemaining(e -> rest.add(id.apply(e)));
        }
        assertEquals(expected.subList((tokens.size() / 2 + 1) * 29, expected.size()), rest,
                "resumed in a new SessionFactory");
        List<UUID> yielded = new ArrayList<>();
        try (Session session = factory.openSession();
                Walk<E> walk = YieldPer.query(session, "from " + entity.getSimpleName() + " order by id", entity)
                        .batchSize(50).open()) {
            walk.forEachRemaining(e -> yielded.add(id.apply(e)));
        }
        assertEquals(expected, yielded, "yieldPer reads every row");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void anExistingBinary16UuidIdReadsAndPagesThroughServerDialect(JdbcDriver driver) throws Exception {
        try (SessionFactory factory = byDialect(driver, ServerDialect.of(schema.dataSource(driver)));
                SessionFactory fresh = byDialect(other(driver), ServerDialect.of(schema.dataSource(other(driver))))) {
            pagesEveryRowOnce(factory, fresh, UuidDoc.class, idsInServerOrder("uuid_doc"), UuidDoc::getId);
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void theDialectNamedByPropertyReadsTheRealServerAndVersionAndLogsNoHHH000511(JdbcDriver driver) throws Exception {
        List<SessionFactory> built = new ArrayList<>();
        String log = logOf(() -> byProperties(driver, Map.of(AvailableSettings.DIALECT, dialectName())), built);
        try (SessionFactory factory = built.get(0);
                SessionFactory fresh = byProperties(other(driver), Map.of(AvailableSettings.DIALECT, dialectName()))) {
            Dialect dialect = dialectOf(factory);
            assertEquals(dialectName(), dialect.getClass().getName());
            assertEquals(serverVersion().toString(), dialect.getVersion().toString(),
                    "the server's own version, not the 5.5.5 MySQL Connector/J reports for MariaDB");
            assertFalse(log.contains("HHH000511"), log);
            assertFalse(log.contains("HHH90000025"), log);
            if (schema.server().isMariaDb()) {
                assertFalse(((MariaDbServerDialect) dialect).nativeTypes());
                pagesEveryRowOnce(factory, fresh, UuidDoc.class, idsInServerOrder("uuid_doc"), UuidDoc::getId);
            }
        }
    }

    @Test
    void theLogCaptureSeesHHH000511WhenHibernatesOwnMariaDbDialectIsGivenTheConnectorJStyleVersion() {
        assumeTrue(schema.server().isMariaDb(), "the prefix is MariaDB's");
        // MariaDB 10.x prefixes its version with 5.5.5- for MySQL Connector/J (11.x no longer does):
        // Hibernate's own dialect takes that for the version and warns
        List<SessionFactory> built = new ArrayList<>();
        String log = logOf(() -> byProperties(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(AvailableSettings.DIALECT,
                "org.hibernate.dialect.MariaDBDialect", AvailableSettings.JAKARTA_HBM2DDL_DB_VERSION,
                "5.5.5-10.11.5-MariaDB")), built);
        try (SessionFactory factory = built.get(0)) {
            assertEquals("5.5.5", dialectOf(factory).getVersion().toString());
            assertTrue(log.contains("HHH000511"), log);
        }
        // ours, given the same, takes the version after the prefix
        try (SessionFactory factory = byProperties(JdbcDriver.MYSQL_CONNECTOR_J, Map.of(AvailableSettings.DIALECT,
                dialectName(), AvailableSettings.JAKARTA_HBM2DDL_DB_VERSION, "5.5.5-10.11.5-MariaDB"))) {
            assertEquals("10.11.5", dialectOf(factory).getVersion().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void nativeTypesAreAnOptInThatMapsUuidToMariaDbsUuidType(JdbcDriver driver) throws Exception {
        assumeTrue(nativeUuid, "MariaDB has a uuid type from 10.7");
        try (SessionFactory named = byProperties(driver, Map.of(AvailableSettings.DIALECT, dialectName(),
                ServerDialect.NATIVE_TYPES, "true"));
                SessionFactory chosen = byDialect(other(driver), ServerDialect.of(schema.dataSource(other(driver)),
                        ServerDialect.ColumnTypes.MARIADB_NATIVE))) {
            assertTrue(((MariaDbServerDialect) dialectOf(named)).nativeTypes());
            pagesEveryRowOnce(named, chosen, NativeUuidDoc.class, idsInServerOrder("uuid_native_doc"),
                    NativeUuidDoc::getId);
            // what the default spares the BINARY(16) column: read as text, its bytes are no UUID string
            try (Session session = named.openSession()) {
                assertThrows(RuntimeException.class, () -> session.createSelectionQuery("from UuidDoc", UuidDoc.class)
                        .getResultList());
            }
        }
    }

    @Test
    void aDialectNamedForTheOtherServerIsRefusedNamingTheRightOne() {
        String wrong = schema.server().isMariaDb() ? MySqlServerDialect.class.getName()
                : MariaDbServerDialect.class.getName();
        RuntimeException e = assertThrows(RuntimeException.class, () -> byProperties(JdbcDriver.MARIADB_CONNECTOR_J,
                Map.of(AvailableSettings.DIALECT, wrong)).close());
        String message = causes(e);
        assertTrue(message.contains("hibernate.dialect names " + wrong + ", but the server is "
                + (schema.server().isMariaDb() ? "MariaDB " : "MySQL ")), message);
        assertTrue(message.contains("name " + dialectName() + " instead"), message);
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void withoutMetadataTheNamedDialectRefusesAndNamesTheSettings(JdbcDriver driver) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> byProperties(driver, Map.of(
                AvailableSettings.DIALECT, dialectName(), "hibernate.boot.allow_jdbc_metadata_access", "false"))
                .close());
        assertTrue(causes(e).contains("hibernate.dialect names " + dialectName() + ", which reads the server's real"
                + " version from the connection's metadata, but Hibernate gave it none"), causes(e));
        assertTrue(causes(e).contains("add useInformationSchema=false to the JDBC URL"), causes(e));
        // with the product settings instead of the metadata, the version is the one they name
        try (SessionFactory factory = byProperties(driver, Map.of(AvailableSettings.DIALECT, dialectName(),
                "hibernate.boot.allow_jdbc_metadata_access", "false", AvailableSettings.JAKARTA_HBM2DDL_DB_NAME,
                schema.server().isMariaDb() ? "MariaDB" : "MySQL", AvailableSettings.JAKARTA_HBM2DDL_DB_VERSION,
                schema.server().version()))) {
            assertEquals(serverVersion().toString(), dialectOf(factory).getVersion().toString());
        }
    }

    @Test
    void aNativeTypesSettingThatIsNotABooleanIsRefused() {
        assumeTrue(schema.server().isMariaDb(), "the setting is MariaDB's");
        RuntimeException e = assertThrows(RuntimeException.class, () -> byProperties(JdbcDriver.MARIADB_CONNECTOR_J,
                Map.of(AvailableSettings.DIALECT, dialectName(), ServerDialect.NATIVE_TYPES, "yes")).close());
        assertTrue(causes(e).contains("batchwise.dialect.native_types must be true or false, was 'yes'"), causes(e));
    }

    static String causes(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
