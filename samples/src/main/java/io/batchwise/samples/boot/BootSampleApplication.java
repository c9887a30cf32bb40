package io.batchwise.samples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.persistence.autoconfigure.EntityScan;

import io.batchwise.samples.Item;

/**
 * A Spring Boot application as a user writes it, with Batchwise added by dependency alone: its
 * {@link ItemRepository} streams with {@code @BatchwiseStream} and pages with the
 * {@code KeysetRepository} fragment (Boot loads Batchwise's auto-configuration from the
 * {@code batchwise-hibernate} jar). {@link ExportRunner} uses both and prints what it read; the
 * application exits when the runners are done.
 *
 * <p>Database: an embedded MariaDB started by {@link io.batchwise.samples.SampleServer}, or the
 * server named by {@code BATCHWISE_JDBC_URL} (or {@code -Dbatchwise.jdbcUrl}); the schema
 * {@code batchwise_boot} with {@code -Drows=N} items (default 10,000), created on first use
 * ({@link SampleDataSourceConfiguration}). {@code -Dbatchwise.driver=mariadb} connects through
 * MariaDB Connector/J instead of MySQL Connector/J.
 *
 * <p>Run: {@code mvn -B -q -DskipTests package exec:exec -pl samples -am
 * -Dsample.mainClass=io.batchwise.samples.boot.BootSampleApplication -Drows=100000}. Further
 * {@code @Configuration} classes under {@code io.batchwise.samples.boot} (a Spring Batch job in
 * {@code io.batchwise.samples.boot.batch}) are picked up by the component scan.
 */
@SpringBootApplication
@EntityScan(basePackageClasses = Item.class)
public class BootSampleApplication {
    /**
     * Runs the application and exits with its exit code.
     *
     * @param args Spring Boot arguments, e.g. {@code --rows=5000}
     */
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(BootSampleApplication.class, args)));
    }
}
