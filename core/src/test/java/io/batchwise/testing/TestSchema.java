package io.batchwise.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.batchwise.core.JdbcDriver;

/**
 * One test class's own schema on the {@link MySqlServer}, with a HikariCP pool per driver (and per
 * extra URL parameters), leak detection on, as users run them. Dropped after the class.
 */
public final class TestSchema implements AutoCloseable {
    private final MySqlServer server;
    private final String name;
    private final Map<String, HikariDataSource> pools = new LinkedHashMap<>();

    public TestSchema(MySqlServer server, String name) throws SQLException {
        this.server = server;
        this.name = name;
        server.createSchema(name);
    }

    public MySqlServer server() {
        return server;
    }

    public String name() {
        return name;
    }

    /** A pooled data source for this schema through {@code driver}. */
    public HikariDataSource dataSource(JdbcDriver driver) {
        return dataSource(driver, Map.of());
    }

    /** A pooled data source through {@code driver} with extra URL parameters (e.g. {@code useCursorFetch=true}). */
    public synchronized HikariDataSource dataSource(JdbcDriver driver, Map<String, String> urlParameters) {
        String key = driver + new TreeMap<>(urlParameters).toString();
        return pools.computeIfAbsent(key, k -> {
            HikariConfig config = new HikariConfig();
            config.setPoolName("bw-" + name + "-" + pools.size());
            config.setJdbcUrl(jdbcUrl(driver, urlParameters));
            config.setUsername(server.user());
            config.setPassword(server.password());
            config.setMaximumPoolSize(4);
            config.setMinimumIdle(0);
            config.setLeakDetectionThreshold(10_000);
            return new HikariDataSource(config);
        });
    }

    /**
     * A pool of the test's own (one connection, leak detection off unless {@code tuning} sets it),
     * for tests that need pool settings of their own: connectionInitSql, a short connectionTimeout.
     * The caller closes it.
     */
    public HikariDataSource newPool(JdbcDriver driver, Map<String, String> urlParameters,
            java.util.function.Consumer<HikariConfig> tuning) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bw-" + name + "-own-" + OWN_POOLS.incrementAndGet());
        config.setJdbcUrl(jdbcUrl(driver, urlParameters));
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(0);
        tuning.accept(config);
        return new HikariDataSource(config);
    }

    private static final java.util.concurrent.atomic.AtomicInteger OWN_POOLS = new java.util.concurrent.atomic.AtomicInteger();

    public String jdbcUrl(JdbcDriver driver, Map<String, String> urlParameters) {
        return server.jdbcUrl(driver, name, urlParameters);
    }

    /** Runs statements (DDL, fixtures) on a connection of their own. */
    public void execute(String... sql) {
        try (Connection c = server.connect(name); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Fixture SQL failed: " + e.getMessage(), e);
        }
    }

    /** Connections currently borrowed from this schema's pools: must be 0 between tests. */
    public synchronized int borrowedConnections() {
        return pools.values().stream().mapToInt(p -> p.getHikariPoolMXBean().getActiveConnections()).sum();
    }

    public DataSource anyDataSource() {
        return dataSource(JdbcDriver.MYSQL_CONNECTOR_J);
    }

    @Override
    public synchronized void close() throws SQLException {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
        server.dropSchema(name);
    }
}
