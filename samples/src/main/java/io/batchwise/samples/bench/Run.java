package io.batchwise.samples.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One child JVM's result: a whole walk ({@code mode=walk}) or single-page timings
 * ({@code mode=pages}), as parsed from its {@code BENCH-RESULT} line, plus what the harness
 * checked about it.
 */
final class Run {
    final Method method;
    final long tableRows;
    final int rep;
    final String mode;
    final Map<String, String> fields;
    final Path log;
    final Path trace;
    /** "yes", "no", or "" when there was nothing to check (failed before reading, or page timings). */
    String checksumOk = "";

    Run(Method method, long tableRows, int rep, String mode, Map<String, String> fields, Path log, Path trace) {
        this.method = method;
        this.tableRows = tableRows;
        this.rep = rep;
        this.mode = mode;
        this.fields = fields;
        this.log = log;
        this.trace = trace;
    }

    static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.substring(Probe.RESULT_PREFIX.length()).trim().split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    String outcome() {
        return fields.getOrDefault("outcome", "error");
    }

    boolean ok() {
        return outcome().equals("ok");
    }

    long rows() {
        return longField("rows");
    }

    long checksum() {
        return longField("checksum");
    }

    long wallMs() {
        return longField("wallMs");
    }

    double rowsPerSecond() {
        long ms = wallMs();
        return ms <= 0 ? 0 : rows() * 1000.0 / ms;
    }

    double number(String key) {
        String v = fields.get(key);
        return v == null || v.isBlank() ? Double.NaN : Double.parseDouble(v);
    }

    String text(String key) {
        return fields.getOrDefault(key, "");
    }

    private long longField(String key) {
        String v = fields.get(key);
        return v == null || v.isBlank() ? 0 : Long.parseLong(v);
    }
}
