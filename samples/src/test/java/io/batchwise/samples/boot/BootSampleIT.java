package io.batchwise.samples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import io.batchwise.hibernate.spring.data.BatchwiseJpaRepositoryFactoryBean;
import io.batchwise.samples.ItemTable;
import io.batchwise.samples.SampleServer;
import io.batchwise.samples.boot.batch.CounterJobConfiguration;
import io.batchwise.samples.TestServer;

/** Runs the Spring Boot sample as its README command does, through both drivers, and checks what it read. */
class BootSampleIT {
    static final int ROWS = 3_000;

    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql", "mariadb"})
    void theAppStreamsEveryItemAndPagesByKeysetThroughItsRepository(String driver) throws SQLException {
        dropSpringBatchTables();
        try (ConfigurableApplicationContext context = SpringApplication.run(BootSampleApplication.class,
                "--rows=" + ROWS, "--batchwise.driver=" + driver)) {
            assertTrue(context.getBean("&itemRepository") instanceof BatchwiseJpaRepositoryFactoryBean,
                    "Boot's repository comes from Batchwise's factory bean (auto-configuration)");
            ExportRunner.Report report = context.getBean(ExportRunner.class).report();
            try (Connection c = SampleServer.get().connect(SampleDataSourceConfiguration.SCHEMA)) {
                assertEquals(ROWS, report.rows());
                assertEquals(ItemTable.expectedChecksum(c, "item"), report.checksum());
                List<Long> newest = ids(c, "select id from item order by created_at desc, id desc limit 10");
                assertEquals(newest.subList(0, 5), report.firstPage());
                assertEquals(newest.subList(5, 10), report.secondPage(), "the second page from the first's token");
                assertEquals(ids(c, "select id from item order by category is null, category, id limit 6"),
                        report.windows(), "windows by the nullable category, NULLs last");
                // the Spring Batch job Boot ran at start: 4 key-range partitions, every counter once
                assertEquals(List.of((long) ROWS), ids(c, "select count(*) from " + CounterJobConfiguration.TABLE
                        + " where counter = 1"));
                assertEquals(List.of((long) ROWS), ids(c, "select count(*) from " + CounterJobConfiguration.TABLE));
                assertEquals(List.of(1L + CounterJobConfiguration.PARTITIONS), ids(c, "select count(*) from"
                        + " BATCH_STEP_EXECUTION s join BATCH_JOB_EXECUTION e using (JOB_EXECUTION_ID) where"
                        + " e.JOB_EXECUTION_ID = (select max(JOB_EXECUTION_ID) from BATCH_JOB_EXECUTION)"
                        + " and s.STATUS = 'COMPLETED' and s.STEP_NAME like 'count%'"));
            }
        }
    }

    /**
     * Spring Batch chooses its id incrementers by the driver's product name (MariaDB Connector/J:
     * sequences; MySQL Connector/J: tables of the same names), so each driver's run starts without
     * the BATCH_ objects the other one made. A real application keeps one driver.
     */
    private static void dropSpringBatchTables() throws SQLException {
        try (Connection c = SampleServer.get().connect(null); Statement s = c.createStatement()) {
            List<String[]> objects = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
                    + " WHERE TABLE_SCHEMA = '" + SampleDataSourceConfiguration.SCHEMA + "'"
                    + " AND TABLE_NAME LIKE 'BATCH\\_%'")) {
                while (r.next()) {
                    objects.add(new String[] {r.getString(1), r.getString(2)});
                }
            }
            s.execute("SET FOREIGN_KEY_CHECKS = 0");
            for (String[] object : objects) {
                s.execute(("SEQUENCE".equals(object[1]) ? "DROP SEQUENCE " : "DROP TABLE ")
                        + SampleDataSourceConfiguration.SCHEMA + "." + object[0]);
            }
            s.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
    }

    private static List<Long> ids(Connection c, String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }
}
