package io.batchwise.hibernate;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.JdbcSettings;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.SortKey;
import io.batchwise.core.migration.ChunkReport;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.hibernate.fixtures.Counted;
import io.batchwise.hibernate.fixtures.SessionFactories;

/**
 * An entity migration in a JVM of its own, for {@link EntityMigrationCrashIT} (through core's
 * {@code KillNineRestarts}). Arguments: mode ({@code session}: {@code forEachEntity} on a
 * {@code Session}; {@code stateless}: {@code forEachChunkStateless} with {@code update}), JDBC URL,
 * user, password, job, partitions, chunk size; the rows are those of the {@code counted} table.
 * Prints {@code COMMITTED} after its first committed chunk and {@code RESULT outcome=.. rows=..
 * bootMs=.. runMs=..} at the end (the time to build the session factory, and the run's).
 */
public final class EntityMigrationProbe {
    private EntityMigrationProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String job = args[4];
        int partitions = Integer.parseInt(args[5]);
        int chunk = Integer.parseInt(args[6]);
        long start = System.nanoTime();
        AtomicBoolean first = new AtomicBoolean(true);
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(args[1]);
            dataSource.setUsername(args[2]);
            dataSource.setPassword(args[3]);
            dataSource.setMaximumPoolSize(partitions + 2);
            // the dialect is given (ServerDialect.of, one SELECT VERSION()), so Hibernate's boot need not read the
            // connection's metadata too: one connection and a dozen metadata queries fewer in each of the 44 boots
            try (SessionFactory factory = SessionFactories.of(dataSource,
                    Map.of(JdbcSettings.ALLOW_METADATA_ON_BOOT, false), Counted.class)) {
                long booted = System.nanoTime();
                EntityPager<Counted> rows = EntityPager.of(factory, Counted.class).orderBy(SortKey.asc("id")).open();
                EntityMigration.Builder<Counted> migration = EntityMigration.of(job, rows).chunkSize(chunk)
                        .partitions(partitions).lockWait(Duration.ofSeconds(30)).listener(new MigrationListener() {
                            @Override
                            public void chunkCommitted(ChunkReport report) {
                                if (first.getAndSet(false)) {
                                    System.out.println("COMMITTED");
                                    System.out.flush();
                                }
                            }
                        });
                if (mode.equals("stateless")) {
                    migration.forEachChunkStateless((session, chunkRows) -> {
                        for (Counted row : chunkRows) {
                            row.touch();
                            session.update(row);
                        }
                    });
                } else {
                    migration.forEachEntity((session, row) -> row.touch());
                }
                MigrationResult result = migration.build().run();
                System.out.println("RESULT outcome=" + result.outcome() + " rows=" + result.rowsRead() + " bootMs="
                        + (booted - start) / 1_000_000 + " runMs=" + result.elapsed().toMillis());
            }
        }
    }
}
