package io.batchwise.samples;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import org.hibernate.Session;
import org.hibernate.SessionFactory;

import io.batchwise.core.Walk;
import io.batchwise.hibernate.YieldPer;

/**
 * The main sample: creates a table of {@code -Drows=N} items (default 1,000,000, about 300 bytes
 * each) on the embedded MariaDB (or the server named by {@code BATCHWISE_JDBC_URL}), walks every row
 * as an entity with yieldPer in a heap far smaller than the table, and prints rows, time, rate and
 * peak heap.
 */
public final class YieldPerSample {
    private YieldPerSample() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 1_000_000L);
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be >= 1, was " + rows + "; pass -Drows=1000000");
        }
        try {
            walk(rows);
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    private static void walk(long rows) throws Exception {
        PeakHeap peak = PeakHeap.start();
        try (SampleDatabase db = SampleDatabase.withItems(rows);
                SessionFactory factory = db.sessionFactory();
                Session session = factory.openSession()) {
            long start = System.nanoTime();
            long count = 0;
            long amountCents = 0;
            try (Walk<Item> items = YieldPer.query(session, "from Item order by id", Item.class).batchSize(1_000).open()) {
                while (items.hasNext()) {
                    Item item = items.next();
                    amountCents += item.getAmount().movePointRight(2).longValueExact();
                    count++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long maxHeap = Runtime.getRuntime().maxMemory();
            System.out.printf("server:    %s%n", db.describe());
            System.out.printf("walked:    %,d items with yieldPer (batch 1000), sum(amount) = %,.2f%n", count, amountCents / 100.0);
            System.out.printf("time:      %.2f s, %,.0f rows/s%n", seconds, count / seconds);
            System.out.printf("heap:      peak %.1f MB used of %.0f MB max (-Xmx)%n", peak.stop() / 1048576.0, maxHeap / 1048576.0);
            if (count != rows) {
                throw new IllegalStateException("walked " + count + " rows, the table has " + rows);
            }
        }
    }

    /** Samples used heap every few milliseconds on a daemon thread. */
    static final class PeakHeap {
        private final Thread thread;
        private volatile long peak;

        private PeakHeap() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "peak-heap");
            thread.setDaemon(true);
        }

        static PeakHeap start() {
            PeakHeap p = new PeakHeap();
            p.thread.start();
            return p;
        }

        long stop() {
            thread.interrupt();
            return peak;
        }
    }
}
