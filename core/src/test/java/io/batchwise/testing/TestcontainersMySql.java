package io.batchwise.testing;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mysql.MySQLContainer;

/** MySQL 8.4 in a container, only where a Docker engine answers; elsewhere the tests are skipped. */
final class TestcontainersMySql {
    static final String IMAGE = "mysql:8.4";

    private TestcontainersMySql() {
    }

    static MySqlServer start() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            docker = false;
        }
        Assumptions.assumeTrue(docker, "batchwise.test.server=mysql asks for MySQL via Testcontainers (" + IMAGE
                + "), but no Docker engine is available here: skipped. Use -Dbatchwise.test.jdbcUrl=... for a"
                + " server of your own, or .ci/mysql-lane to provision MySQL without Docker.");
        @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM exits
        MySQLContainer mysql = new MySQLContainer(IMAGE)
                .withUsername("root")
                .withPassword("batchwise")
                .withCommand("--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci");
        mysql.start();
        return MySqlServer.container(mysql.getHost(), mysql.getMappedPort(3306), "root", "batchwise");
    }
}
