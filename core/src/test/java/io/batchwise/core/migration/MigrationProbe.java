package io.batchwise.core.migration;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.MigrationListener;
import io.batchwise.testing.Counters;
import io.batchwise.testing.HeapProbe;

/**
 * A migration in a JVM of its own, for the tests that kill it ({@link MigrationCrashIT}) or bound
 * its heap ({@link MigrationMemoryIT}). Arguments: mode ({@code crash} or {@code memory}), JDBC URL,
 * user, password, table, job, partitions, chunk size. Prints {@code COMMITTED} after its first
 * committed chunk and {@code RESULT outcome=.. rows=.. peakMb=.. retainedQuarterMb=.. retainedEndMb=..}
 * at the end ({@link HeapProbe}).
 */
public final class MigrationProbe {
    private MigrationProbe() {
    }

    record Row(long id, BigDecimal amount, String payload) {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String table = args[4];
        String job = args[5];
        int partitions = Integer.parseInt(args[6]);
        int chunk = Integer.parseInt(args[7]);
        long total = args.length > 8 ? Long.parseLong(args[8]) : -1;
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        try (HeapProbe heap = HeapProbe.start(total / 4); HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(args[1]);
            dataSource.setUsername(args[2]);
            dataSource.setPassword(args[3]);
            dataSource.setMaximumPoolSize(partitions + 2);
            MigrationListener listener = new MigrationListener() {
                @Override
                public void chunkCommitted(ChunkReport report) {
                    if (first.getAndSet(false)) {
                        System.out.println("COMMITTED");
                        System.out.flush();
                    }
                    heap.progress(done.addAndGet(report.rows()));
                }
            };
            MigrationResult result;
            if (mode.equals("memory")) {
                // whole rows (~300 bytes each): holding them all would not fit in the heap
                JdbcKeysetPager<Row> rows = JdbcKeysetPager.select(dataSource, "id, amount, payload",
                        row -> new Row(row.getLong(1), row.getBigDecimal(2), row.getString(3))).from(table)
                        .orderBy(SortKey.asc("id")).open();
                result = JdbcMigration.of(job, rows).chunkSize(chunk).partitions(partitions).listener(listener)
                        .lockWait(Duration.ofSeconds(30))
                        .forEachChunk((connection, chunkRows) -> {
                            try (PreparedStatement ps = connection.prepareStatement("UPDATE `" + table
                                    + "` SET touched = touched + 1, amount = ? WHERE id = ?")) {
                                for (Row row : chunkRows) {
                                    ps.setBigDecimal(1, row.amount().add(BigDecimal.ONE));
                                    ps.setLong(2, row.id());
                                    ps.addBatch();
                                }
                                return ps.executeBatch().length;
                            }
                        }).build().run();
            } else {
                result = JdbcMigration.of(job, Counters.ids(dataSource, table)).chunkSize(chunk).partitions(partitions)
                        .listener(listener).lockWait(Duration.ofSeconds(30))
                        .forEachChunk(Counters.increment(table)).build().run();
            }
            heap.printResult("outcome", result.outcome(), "rows", result.rowsRead());
        }
    }
}
