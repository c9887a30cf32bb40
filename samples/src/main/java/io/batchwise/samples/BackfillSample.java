package io.batchwise.samples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.text.DecimalFormat;
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

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Backfills a new column of the items, {@code amount_cents = amount * 100}, as a resumable
 * migration with a progress bar: Ctrl-C stops it after the current chunk (committed with its
 * checkpoint), and running it again resumes there. A run after the job has finished says so and
 * resets the job, so that the next run backfills again. {@code -Drows=N} (default 1,000,000);
 * {@code -DstopAfterChunks=N} stops as Ctrl-C would after N chunks (for the test).
 */
public final class BackfillSample {
    static final String JOB = "backfill-amount-cents";
    /** Held, so that the level set on it stays (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger ENGINE_LOG =
            java.util.logging.Logger.getLogger("io.batchwise.core.migration");

    private BackfillSample() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 1_000_000L);
        int stopAfter = Integer.getInteger("stopAfterChunks", -1);
        // the bar shows the progress: the engine's own log line per interval would break it up
        ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
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
            ProgressBar progress = new ProgressBar(() -> {
                if (chunks.incrementAndGet() == stopAfter) {
                    stop.request();
                }
            });
            Migration backfill = JdbcMigration.of(JOB, ids)
                    .chunkSize(2_000)
                    .stopSignal(stop)
                    .progressInterval(Duration.ofMillis(500))
                    .listener(progress)
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
                progress.close();
                finished.countDown();
            }
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

    /**
     * The migration's progress on a terminal progress bar (me.tongfei:progressbar): rows done of the
     * estimated total, rate and time left, redrawn on every progress report of the listener SPI.
     */
    static final class ProgressBar implements MigrationListener, AutoCloseable {
        private final Runnable afterChunk;
        private final me.tongfei.progressbar.ProgressBar bar;

        ProgressBar(Runnable afterChunk) {
            this.afterChunk = afterChunk;
            this.bar = new ProgressBarBuilder()
                    .setTaskName("backfill")
                    .setInitialMax(-1) // unknown until the first report brings the estimate
                    .setUnit(" rows", 1)
                    .showSpeed(new DecimalFormat("#,##0"))
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500)
                    .setConsumer(new ConsoleProgressBarConsumer(System.out))
                    .build();
        }

        @Override
        public void chunkCommitted(ChunkReport chunk) {
            afterChunk.run();
        }

        @Override
        public void progress(MigrationProgress p) {
            if (p.estimatedTotal() > 0) {
                bar.maxHint(Math.max(p.estimatedTotal(), p.rowsRead()));
            }
            bar.stepTo(p.rowsRead());
        }

        @Override
        public void close() {
            bar.close();
        }
    }
}
