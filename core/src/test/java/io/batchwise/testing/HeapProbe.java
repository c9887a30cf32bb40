package io.batchwise.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The heap sampler of the memory proofs, run inside the small-heap JVM that a test forks (with
 * {@link ForkedProbe}): a daemon thread samples the heap used every 5 ms for the peak, and the
 * retained heap (used after three {@code System.gc()}) is taken once at a quarter of the rows and
 * again at the end. The probe prints one line,
 * {@code RESULT key=value ... peakMb=.. retainedQuarterMb=.. retainedEndMb=..}, which the test reads
 * back with {@link #parse(String)}; a memory proof asserts that the end is no higher than the
 * quarter (the heap stays flat while the rows go by).
 *
 * <pre>{@code
 * try (HeapProbe heap = HeapProbe.start(rows / 4)) {
 *     ... for each row: heap.progress(++count);
 *     heap.printResult("outcome", outcome, "rows", count);
 * }
 * }</pre>
 */
public final class HeapProbe implements AutoCloseable {
    /** The result line's prefix. */
    public static final String RESULT = "RESULT ";

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long quarterRows;
    private final AtomicBoolean quarterTaken = new AtomicBoolean();
    private final Thread sampler;
    private volatile long peak;
    private volatile long retainedQuarter = -1;

    private HeapProbe(long quarterRows) {
        this.quarterRows = quarterRows;
        sampler = new Thread(() -> {
            while (true) {
                peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * Starts sampling; the retained heap is taken when {@link #progress} first reaches
     * {@code quarterRows} (never when it is 0 or less).
     */
    public static HeapProbe start(long quarterRows) {
        return new HeapProbe(quarterRows);
    }

    /**
     * The JVM options of a forked memory probe: {@code -Xmx<maxHeap>} and the serial collector, whose
     * {@code System.gc()} is a full stop-the-world collection, so that the retained heap is the live set.
     */
    public static List<String> jvmOptions(String maxHeap) {
        return List.of("-Xmx" + maxHeap, "-XX:+UseSerialGC");
    }

    /** {@code rows} done so far (from any thread): takes the retained heap once, at the quarter. */
    public void progress(long rows) {
        if (quarterRows > 0 && rows >= quarterRows && !quarterTaken.get() && !quarterTaken.getAndSet(true)) {
            retainedQuarter = retained();
        }
    }

    /** Heap used after three full collections: the live set now. */
    public long retained() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /**
     * Prints the result line: {@code keysAndValues} (key, value, key, value...; spaces in a value
     * become {@code _}), then {@code peakMb}, {@code retainedQuarterMb} ({@code -} when the quarter
     * was not reached) and {@code retainedEndMb}, taken now.
     */
    public void printResult(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("keysAndValues must come in pairs, was " + keysAndValues.length
                    + " items");
        }
        long retainedEnd = retained();
        StringBuilder line = new StringBuilder(RESULT);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            line.append(keysAndValues[i]).append('=').append(String.valueOf(keysAndValues[i + 1]).replace(' ', '_'))
                    .append(' ');
        }
        line.append("peakMb=").append(mb(peak)).append(" retainedQuarterMb=").append(mb(retainedQuarter))
                .append(" retainedEndMb=").append(mb(retainedEnd));
        System.out.println(line);
        System.out.flush();
    }

    /** The values of a {@code RESULT key=value ...} line; {@code null} for any other line. */
    public static Map<String, String> parse(String line) {
        if (!line.startsWith(RESULT)) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        for (String pair : line.substring(RESULT.length()).split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return values;
    }

    /**
     * Asserts a walk's result: outcome {@code ok}, {@code rows} rows read with the {@code checksum} the
     * server computed, and a retained heap at the end no higher than at the quarter (10% and 1 MB of slack
     * for the collector's noise).
     */
    public static void assertEveryRowWithAFlatHeap(Map<String, String> result, long rows, long checksum,
            String label) {
        assertEquals("ok", result.get("outcome"), label + " " + result);
        assertEquals(String.valueOf(rows), result.get("rows"), label + " " + result);
        assertEquals(String.valueOf(checksum), result.get("checksum"), label + " " + result);
        double quarter = Double.parseDouble(result.get("retainedQuarterMb"));
        double end = Double.parseDouble(result.get("retainedEndMb"));
        assertTrue(end <= quarter * 1.1 + 1.0, label + ": retained heap flat from 1/4 to the end: " + result);
    }

    /** Whether {@code e} or a cause of it is the heap running out (drivers wrap it in an SQLException). */
    public static boolean causedByHeap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError || String.valueOf(t.getMessage()).contains("Java heap space")) {
                return true;
            }
        }
        return false;
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    @Override
    public void close() {
        sampler.interrupt();
    }
}
