package io.batchwise.samples.boot.batch;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ScriptUtils;
import org.springframework.jdbc.support.JdbcTransactionManager;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.samples.SampleServer;

/**
 * Runs {@link CounterJobConfiguration}'s job without Spring Boot, the job repository on the same
 * database (Spring Batch's MySQL schema, created on first use; it runs on MariaDB as well), and
 * resumes a job that did not finish: a run killed with {@code kill -9} leaves its execution STARTED,
 * so the next run marks it failed ({@link JobOperator#recover}) and restarts it, and every partition
 * continues after its last committed chunk. A run after a finished one starts a new job instance,
 * which re-creates the table.
 *
 * <p>{@code -Drows=N} (default 1,000,000; the job's {@code batchwise.counter.rows}),
 * {@code -Dbatchwise.driver=mysql|mariadb} (default
 * MySQL Connector/J), {@code -Dbatchwise.batch.schema=NAME} (default {@value #SCHEMA}); the server as
 * every sample finds it ({@link SampleServer}). Prints {@code RESULT status=... counters=a/b/c} with
 * the rows whose counter is 0, 1 and more than 1.
 */
public final class CounterJobSample {
    static final String SCHEMA = "batchwise_batch";

    private CounterJobSample() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 1_000_000L);
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, was " + rows + "; pass -Drows=1000000");
        }
        String schema = System.getProperty("batchwise.batch.schema", SCHEMA);
        JdbcDriver driver = "mariadb".equalsIgnoreCase(System.getProperty("batchwise.driver", "mysql"))
                ? JdbcDriver.MARIADB_CONNECTOR_J : JdbcDriver.MYSQL_CONNECTOR_J;
        SampleServer server = SampleServer.get();
        try {
            run(server, schema, driver, rows);
        } finally {
            SampleServer.stopEmbeddedNow(); // its watcher thread would keep the JVM alive
        }
    }

    private static void run(SampleServer server, String schema, JdbcDriver driver, long rows) throws Exception {
        try (Connection c = server.connect(null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
        try (HikariDataSource dataSource = pool(server, driver, schema)) {
            createJobRepositorySchema(dataSource);
            try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
                context.registerBean("dataSource", DataSource.class, () -> dataSource);
                context.getEnvironment().getPropertySources().addFirst(
                        new MapPropertySource("counterJobSample", Map.of("batchwise.counter.rows", rows)));
                context.register(Standalone.class);
                context.refresh();
                JobOperator operator = context.getBean(JobOperator.class);
                JobRepository repository = context.getBean(JobRepository.class);
                Job job = context.getBean(CounterJobConfiguration.JOB, Job.class);
                long started = System.nanoTime();
                JobExecution execution = run(operator, repository, job, rows);
                double seconds = (System.nanoTime() - started) / 1e9;
                long[] counters = counters(dataSource);
                System.out.printf(Locale.ROOT, "%s: job %s instance %d execution %d %s in %.1f s on %s (%s)%n",
                        CounterJobSample.class.getSimpleName(), job.getName(), execution.getJobInstance().getInstanceId(),
                        execution.getId(), execution.getStatus(), seconds, server.describe(), driver);
                System.out.printf(Locale.ROOT, "RESULT status=%s execution=%d counters=%d/%d/%d%n",
                        execution.getStatus(), execution.getId(), counters[0], counters[1], counters[2]);
            }
        }
    }

    /** Restarts the last execution if it did not finish (recovering one a crash left STARTED), else starts a new instance. */
    static JobExecution run(JobOperator operator, JobRepository repository, Job job, long rows) throws Exception {
        JobInstance last = repository.getLastJobInstance(job.getName());
        JobExecution previous = last == null ? null : repository.getLastJobExecution(last);
        if (previous != null && previous.getStatus() != BatchStatus.COMPLETED
                && previous.getStatus() != BatchStatus.ABANDONED) {
            if (EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING)
                    .contains(previous.getStatus())) {
                // no JVM runs it any more (the job runs in one process here): the last one was killed
                System.out.println("execution " + previous.getId() + " was left " + previous.getStatus()
                        + " by a crash; recovering it");
                previous = operator.recover(previous);
            }
            System.out.println("RESTART execution " + previous.getId() + " (" + previous.getStatus() + ")");
            return operator.restart(previous);
        }
        System.out.println("START a new instance of " + job.getName() + " over " + rows + " rows");
        return operator.startNextInstance(job);
    }

    /** Rows whose counter is 0, 1, more than 1. */
    static long[] counters(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COALESCE(SUM(counter = 0), 0), COALESCE(SUM(counter = 1), 0),"
                        + " COALESCE(SUM(counter > 1), 0) FROM " + CounterJobConfiguration.TABLE)) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        }
    }

    /** Spring Batch's own MySQL schema, unless its tables exist. */
    static void createJobRepositorySchema(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (ResultSet tables = c.getMetaData().getTables(c.getCatalog(), null, "BATCH_JOB_INSTANCE", null)) {
                if (tables.next()) {
                    return;
                }
            }
            ScriptUtils.executeSqlScript(c, new ClassPathResource("org/springframework/batch/core/schema-mysql.sql"));
        }
    }

    static HikariDataSource pool(SampleServer server, JdbcDriver driver, String schema) {
        HikariConfig config = new HikariConfig();
        String url = server.jdbcUrl(driver, schema);
        // Connector/J sends a JdbcBatchItemWriter's batch as one statement per row without it
        config.setJdbcUrl(driver == JdbcDriver.MYSQL_CONNECTOR_J ? url + "&rewriteBatchedStatements=true" : url);
        config.setUsername(server.user());
        config.setPassword(server.password());
        // per partition: the chunk's transaction, and the reader's page between two chunks; plus the manager
        config.setMaximumPoolSize(2 * CounterJobConfiguration.PARTITIONS + 2);
        config.setPoolName("counter-job");
        return new HikariDataSource(config);
    }

    /**
     * The infrastructure a Spring Boot application would configure: data source, transactions, job
     * repository. Registered by hand, and on purpose not a {@code @Configuration}: the Boot sample's
     * component scan covers this package and must not find it (Boot configures its own).
     */
    @EnableBatchProcessing
    @EnableJdbcJobRepository(databaseType = "MYSQL")
    @Import(CounterJobConfiguration.class)
    static class Standalone {
        @Bean
        JdbcTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }
    }
}
