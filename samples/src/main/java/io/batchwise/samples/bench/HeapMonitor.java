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
import java.util.List;
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
 * It also keeps a trace of (elapsed ms, rows read, heap used) for the heap-vs-rows chart.
 */
final class HeapMonitor implements AutoCloseable {
    private static final int TRACE_CAPACITY = 4_096;

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Set<String> heapPools = new HashSet<>();
    private final long start = System.nanoTime();
    private final Thread sampler;
    private final long[] traceMs = new long[TRACE_CAPACITY];
    private final long[] traceRows = new long[TRACE_CAPACITY];
    private final long[] traceUsed = new long[TRACE_CAPACITY];
    private int traceSize;
    private int traceStride = 1;
    private int traceTick;
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
        if (p == null || traceTick++ % traceStride != 0) {
            return;
        }
        if (traceSize == TRACE_CAPACITY) {
            // Full: keep every other sample and sample half as often from now on.
            for (int i = 0; i < TRACE_CAPACITY / 2; i++) {
                traceMs[i] = traceMs[2 * i];
                traceRows[i] = traceRows[2 * i];
                traceUsed[i] = traceUsed[2 * i];
            }
            traceSize = TRACE_CAPACITY / 2;
            traceStride *= 2;
        }
        traceMs[traceSize] = (System.nanoTime() - start) / 1_000_000;
        traceRows[traceSize] = p.rows();
        traceUsed[traceSize] = used;
        traceSize++;
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
            out.println("ms,rows,usedBytes");
            for (int i = 0; i < traceSize; i++) {
                out.println(traceMs[i] + "," + traceRows[i] + "," + traceUsed[i]);
            }
        }
    }

    static List<String> heapPoolNames() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).toList();
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
