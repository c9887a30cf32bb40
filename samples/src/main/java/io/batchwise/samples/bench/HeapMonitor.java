package io.batchwise.samples.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Measures the heap of the JVM it runs in, from inside:
 * <ul>
 *   <li><b>peak used</b>: the highest heap occupancy seen, garbage included: the maximum of a daemon
 *       thread's samples of {@link MemoryMXBean#getHeapMemoryUsage()} (every 5 ms) and of the heap
 *       pools' usage just before each collection (GC notifications), which is where the true peaks are;</li>
 *   <li><b>peak live</b>: the highest heap occupancy just after a collection, an upper bound of
 *       the live set during the run;</li>
 *   <li><b>retained</b>: heap used after explicit full collections, taken by {@link #retained()}
 *       at points the caller chooses (half way and at the last row, with the walk still open).</li>
 * </ul>
 * It also keeps traces of (elapsed ms, rows read, heap) for the charts: heap used every few
 * milliseconds, and heap left after every collection (the live set as the walk goes on).
 */
final class HeapMonitor implements AutoCloseable {
    private static final int TRACE_CAPACITY = 4_096;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Set<String> heapPools = new HashSet<>();
    private final long start = System.nanoTime();
    private final Thread sampler;
    private final Trace sampled = new Trace("sample");
    private final Trace afterGc = new Trace("gc");
    private volatile long peakUsed;
    private volatile long peakLive;
    private volatile int collections;
    private volatile Progress progress;

    /** What the walk under measure has done so far, read racily by the sampler. */
    interface Progress {
        long rows();
    }

    HeapMonitor() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                heapPools.add(pool.getName());
            }
        }
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        onCollection(info.getGcInfo().getMemoryUsageBeforeGc(), info.getGcInfo().getMemoryUsageAfterGc());
                    }
                }, null, null);
            }
        }
        sampler = new Thread(this::sample, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    void watch(Progress progress) {
        this.progress = progress;
    }

    private synchronized void onCollection(Map<String, MemoryUsage> before, Map<String, MemoryUsage> after) {
        long used = heapSum(before);
        long live = heapSum(after);
        peakUsed = Math.max(peakUsed, used);
        peakLive = Math.max(peakLive, live);
        collections++;
        Progress p = progress;
        if (p != null) {
            afterGc.add((System.nanoTime() - start) / 1_000_000, p.rows(), live);
        }
    }

    private long heapSum(Map<String, MemoryUsage> pools) {
        long sum = 0;
        for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                sum += pool.getValue().getUsed();
            }
        }
        return sum;
    }

    private void sample() {
        while (true) {
            long used = memory.getHeapMemoryUsage().getUsed();
            synchronized (this) {
                peakUsed = Math.max(peakUsed, used);
                record(used);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void record(long used) {
        Progress p = progress;
        if (p != null) {
            sampled.add((System.nanoTime() - start) / 1_000_000, p.rows(), used);
        }
    }

    /** (elapsed ms, rows read, heap bytes) points, thinned to every other one when full. */
    private static final class Trace {
        private final String kind;
        private final long[] ms = new long[TRACE_CAPACITY];
        private final long[] rows = new long[TRACE_CAPACITY];
        private final long[] bytes = new long[TRACE_CAPACITY];
        private int size;
        private int stride = 1;
        private long tick;

        Trace(String kind) {
            this.kind = kind;
        }

        void add(long atMs, long rowsRead, long heapBytes) {
            if (tick++ % stride != 0) {
                return;
            }
            if (size == TRACE_CAPACITY) {
                for (int i = 0; i < TRACE_CAPACITY / 2; i++) {
                    ms[i] = ms[2 * i];
                    rows[i] = rows[2 * i];
                    bytes[i] = bytes[2 * i];
                }
                size = TRACE_CAPACITY / 2;
                stride *= 2;
            }
            ms[size] = atMs;
            rows[size] = rowsRead;
            bytes[size] = heapBytes;
            size++;
        }

        void write(PrintWriter out) {
            for (int i = 0; i < size; i++) {
                out.println(kind + "," + ms[i] + "," + rows[i] + "," + bytes[i]);
            }
        }
    }

    /** Heap used after full collections (the live set at this point). */
    long retained() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    long peakUsed() {
        return Math.max(peakUsed, memory.getHeapMemoryUsage().getUsed());
    }

    long peakLive() {
        return peakLive;
    }

    int collections() {
        return collections;
    }

    static String collectorNames() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining("+"));
    }

    synchronized void writeTrace(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.println("kind,ms,rows,heapBytes");
            sampled.write(out);
            afterGc.write(out);
        }
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
