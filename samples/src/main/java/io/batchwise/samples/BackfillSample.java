package io.batchwise.samples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;
import io.batchwise.core.migration.ChunkReport;
import io.batchwise.core.migration.Migration;
import io.batchwise.core.migration.MigrationProgress;
import io.batchwise.core.migration.MigrationResult;
import io.batchwise.core.migration.StopSignal;
import io.batchwise.core.spi.MigrationListener;

/**
 * Backfills a new column of the items, {@code amount_cents = amount * 100}, as a resumable
 * migration with a progress bar: Ctrl-C stops it after the current chunk (committed with its
 * checkpoint), and running it again resumes there. A run after the job has finished says so and
 * resets the job, so that the next run backfills again. {@code -Drows=N} (default 1,000,000);
 * {@code -DstopAfterChunks=N} stops as Ctrl-C would after N chunks (for the test).
 */
public final class BackfillSample {
    static final String JOB = "backfill-amount-cents";

    private BackfillSample() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 1_000_000L);
        int stopAfter = Integer.getInteger("stopAfterChunks", -1);
        try (SampleDatabase db = SampleDatabase.withItems(rows)) {
            boolean newColumn = addColumn(db);
            StopSignal stop = new StopSignal();
            CountDownLatch finished = new CountDownLatch(1);
            Thread ctrlC = new Thread(() -> {
                stop.request(); // the current chunk commits with its checkpoint, then run() returns
                try {
                    finished.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(ctrlC);
            JdbcKeysetPager<Long> ids = JdbcKeysetPager.select(db.dataSource(), "id", row -> row.getLong(1))
                    .from("item").orderBy(SortKey.asc("id")).open();
            AtomicLong chunks = new AtomicLong();
            Migration backfill = JdbcMigration.of(JOB, ids)
                    .chunkSize(2_000)
                    .stopSignal(stop)
                    .progressInterval(Duration.ofMillis(500))
                    .listener(new ProgressBar(() -> {
                        if (chunks.incrementAndGet() == stopAfter) {
                            stop.request();
                        }
                    }))
                    .forEachChunk((connection, chunk) -> {
                        try (PreparedStatement update = connection.prepareStatement(
                                "UPDATE item SET amount_cents = amount * 100 WHERE id = ?")) {
                            for (long id : chunk) {
                                update.setLong(1, id);
                                update.addBatch();
                            }
                            return update.executeBatch().length;
                        }
                    })
                    .build();
            if (newColumn) {
                backfill.reset(); // a new item table: a checkpoint of an earlier one means nothing for it
            }
            MigrationResult result;
            try {
                result = backfill.run();
            } finally {
                finished.countDown();
            }
            System.out.println();
            switch (result.outcome()) {
                case STOPPED -> System.out.printf("stopped after %,d rows this run; run again to resume%n",
                        result.rowsRead());
                case ALREADY_FINISHED -> {
                    backfill.reset();
                    System.out.println("the job had finished in an earlier run; it is reset now, so the next run"
                            + " backfills again");
                }
                default -> System.out.printf(Locale.ROOT, "finished: %,d rows this run in %.1f s, %d retries;"
                        + " every row backfilled: %s%n", result.rowsRead(), result.elapsed().toMillis() / 1000.0,
                        result.retries(), missing(db) == 0);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(ctrlC);
            } catch (IllegalStateException exiting) {
                // Ctrl-C: the JVM is shutting down
            }
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    /** Adds amount_cents unless the table has it; whether it was added. */
    private static boolean addColumn(SampleDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA ="
                        + " DATABASE() AND TABLE_NAME = 'item' AND COLUMN_NAME = 'amount_cents'")) {
            r.next();
            if (r.getInt(1) > 0) {
                return false;
            }
            s.execute("ALTER TABLE item ADD COLUMN amount_cents BIGINT NULL");
            return true;
        }
    }

    /** Rows whose amount_cents is not amount * 100. */
    static long missing(SampleDatabase db) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM item WHERE amount_cents IS NULL"
                        + " OR amount_cents <> amount * 100")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** A one-line terminal progress bar: no library needed for a carriage return. */
    static final class ProgressBar implements MigrationListener {
        private final Runnable afterChunk;

        ProgressBar(Runnable afterChunk) {
            this.afterChunk = afterChunk;
        }

        @Override
        public void chunkCommitted(ChunkReport chunk) {
            afterChunk.run();
        }

        @Override
        public void progress(MigrationProgress p) {
            double done = p.fraction().orElse(0.0);
            int width = 30;
            int filled = (int) Math.round(done * width);
            System.out.printf(Locale.ROOT, "\r[%s%s] %5.1f %% %,d rows %,.0f rows/s%s   ", "#".repeat(filled),
                    " ".repeat(width - filled), done * 100, p.rowsRead(), p.rowsPerSecond(),
                    p.eta().map(d -> ", " + d.toSeconds() + " s left").orElse(""));
            System.out.flush();
        }
    }
}
