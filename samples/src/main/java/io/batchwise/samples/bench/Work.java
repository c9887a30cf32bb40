package io.batchwise.samples.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The work a benchmark walk does per row, the dimension that shows whether reading overlaps the
 * caller's work: {@code none}; {@code json} (the entity or row serialised to JSON with Jackson's
 * {@link ObjectMapper}, as an exporter would, into a sink that only counts bytes); {@code cpu:<µs>} (a
 * fixed CPU cost: the thread spins for that many microseconds per row); {@code wait:<µs>} (time the
 * thread waits per row without computing, as a job that sends its rows to another service waits for
 * the answer: a bulk call every {@value #ROWS_PER_CALL} rows, parked for that many rows' worth); or any
 * of them joined with {@code +}, e.g. {@code json+cpu:4} or {@code json+wait:6}.
 *
 * @param id            as given on the command line ({@code -Dwork=...})
 * @param json          whether each row is serialised
 * @param cpuNanos      the fixed CPU cost per row
 * @param waitNanos     the time waited per row, in bulk calls of {@value #ROWS_PER_CALL} rows
 */
record Work(String id, boolean json, long cpuNanos, long waitNanos) {
    static final Work NONE = new Work("none", false, 0, 0);
    /** The rows a {@code wait:} work sends per call. */
    static final int ROWS_PER_CALL = 100;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(LocalDateTime.class, ToStringSerializer.instance));

    /**
     * @throws IllegalArgumentException naming the value and the forms accepted
     */
    static Work parse(String text) {
        String id = text.trim().toLowerCase(Locale.ROOT);
        boolean json = false;
        long cpu = 0;
        long wait = 0;
        for (String part : id.split("\\+")) {
            if (part.equals("none")) {
                continue;
            } else if (part.equals("json")) {
                json = true;
            } else if (part.startsWith("cpu:")) {
                cpu = nanos(part);
            } else if (part.startsWith("wait:")) {
                wait = nanos(part);
            } else {
                throw new IllegalArgumentException("work: unknown '" + part + "' in '" + text + "'; pass none, json,"
                        + " cpu:<µs>, wait:<µs> or several joined by + (json+cpu:4), several works separated by commas");
            }
        }
        return new Work(id, json, cpu, wait);
    }

    private static long nanos(String part) {
        String name = part.substring(0, part.indexOf(':'));
        double micros;
        try {
            micros = Double.parseDouble(part.substring(name.length() + 1));
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (!(micros > 0 && micros <= 10_000)) {
            throw new IllegalArgumentException("work: " + name + ":<µs> needs microseconds in (0, 10000], was '" + part
                    + "'; pass e.g. -Dwork=" + name + ":3");
        }
        return Math.round(micros * 1_000);
    }

    boolean active() {
        return json || cpuNanos > 0 || waitNanos > 0;
    }

    /** A walk's own waiting state for {@code wait:} (one per thread that does the work). */
    Waiting waiting() {
        return new Waiting(waitNanos);
    }

    /** Does the work for {@code row}; returns a number to fold into a result, so none of it can be skipped. */
    long apply(Object row) {
        long folded = 0;
        if (json) {
            try {
                CountingSink sink = new CountingSink();
                MAPPER.writeValue(sink, row);
                folded += sink.bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (cpuNanos > 0) {
            long end = System.nanoTime() + cpuNanos;
            long spins = 0;
            while (System.nanoTime() < end) {
                spins++;
            }
            folded += spins & 1;
        }
        return folded;
    }

    /**
     * Waits {@code nanos} per row, in one park per {@value #ROWS_PER_CALL} rows; a park that overshoots
     * (the scheduler wakes the thread late) is paid back by the next, so the total waited stays
     * {@code rows × nanos}.
     */
    static final class Waiting {
        private final long nanos;
        private long rows;
        private long owed;

        Waiting(long nanos) {
            this.nanos = nanos;
        }

        void row() {
            if (nanos == 0 || ++rows % ROWS_PER_CALL != 0) {
                return;
            }
            owed += nanos * ROWS_PER_CALL;
            long start = System.nanoTime();
            while (owed > 0) {
                LockSupport.parkNanos(owed);
                long now = System.nanoTime();
                owed -= now - start;
                start = now;
            }
        }
    }

    /** An output that counts what is written (an exporter's socket or file, without its cost). */
    private static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
