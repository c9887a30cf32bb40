package io.batchwise.samples.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The work a benchmark walk does per row, the dimension that shows whether reading overlaps the
 * caller's work: {@code none}; {@code json} (the entity or row serialised to JSON with Jackson's
 * {@link ObjectMapper}, as an exporter would, into a sink that only counts bytes); {@code cpu:<µs>} (a
 * fixed CPU cost: the thread spins for that many microseconds per row); or {@code json+cpu:<µs>}.
 *
 * @param id            as given on the command line ({@code -Dwork=...})
 * @param json          whether each row is serialised
 * @param cpuNanos      the fixed CPU cost per row
 */
record Work(String id, boolean json, long cpuNanos) {
    static final Work NONE = new Work("none", false, 0);

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(LocalDateTime.class, ToStringSerializer.instance));

    /**
     * @throws IllegalArgumentException naming the value and the forms accepted
     */
    static Work parse(String text) {
        String id = text.trim().toLowerCase(Locale.ROOT);
        boolean json = false;
        long cpu = 0;
        for (String part : id.split("\\+")) {
            if (part.equals("none")) {
                continue;
            } else if (part.equals("json")) {
                json = true;
            } else if (part.startsWith("cpu:")) {
                double micros;
                try {
                    micros = Double.parseDouble(part.substring(4));
                } catch (NumberFormatException e) {
                    micros = -1;
                }
                if (!(micros > 0 && micros <= 10_000)) {
                    throw new IllegalArgumentException("work: cpu:<µs> needs microseconds in (0, 10000], was '" + part
                            + "'; pass e.g. -Dwork=cpu:3");
                }
                cpu = Math.round(micros * 1_000);
            } else {
                throw new IllegalArgumentException("work: unknown '" + part + "' in '" + text + "'; pass none, json,"
                        + " cpu:<µs> or json+cpu:<µs>, several separated by commas");
            }
        }
        return new Work(id, json, cpu);
    }

    boolean active() {
        return json || cpuNanos > 0;
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
