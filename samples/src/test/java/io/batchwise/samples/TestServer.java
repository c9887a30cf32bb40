package io.batchwise.samples;

import java.util.Map;

import io.batchwise.core.JdbcDriver;
import io.batchwise.testing.MySqlServer;

/**
 * Runs the samples in tests on the server the test suite was told to use, when it was told
 * ({@code -Dbatchwise.test.jdbcUrl}, as the real-MySQL lane does, or {@code -Dbatchwise.test.server=mysql});
 * otherwise the samples start their own embedded MariaDB, as they do for a user.
 */
public final class TestServer {
    private TestServer() {
    }

    /** Names the suite's server to {@link SampleServer} if the suite has an explicit one. */
    public static void shareWithTheSamples() {
        String url = setting("batchwise.test.jdbcUrl", "BATCHWISE_TEST_JDBC_URL");
        String server = setting("batchwise.test.server", "BATCHWISE_TEST_SERVER");
        boolean named = (url != null && !url.isBlank()) || (server != null && server.trim().equalsIgnoreCase("mysql"));
        if (!named) {
            return;
        }
        MySqlServer suite = MySqlServer.get(); // a skip (JUnit abort) where that server cannot exist, as for every IT
        System.setProperty("batchwise.jdbcUrl", suite.jdbcUrl(JdbcDriver.MYSQL_CONNECTOR_J, null, Map.of()));
        System.setProperty("batchwise.test.user", suite.user());
        System.setProperty("batchwise.test.password", suite.password());
    }

    private static String setting(String property, String environment) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environment);
    }
}
