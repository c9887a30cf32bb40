package io.batchwise.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.batchwise.samples.SampleServer;
import io.batchwise.samples.TestServer;

/**
 * The smoke test of the benchmark harness: every method on a tiny table, one repetition, the
 * default heap cap; the report, the CSV, the JSON and the charts must be written and every
 * method's checksum must agree with the server's. No timing is asserted.
 */
class BenchmarkIT {
    private static final Map<String, String> SETTINGS = Map.of(
            "rows", "2000",
            "reps", "1",
            "heap", "64m",
            "offsetCap", "60",
            "batchwise.test.embedded.bufferPool", "256M");

    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    @AfterAll
    static void stopServer() {
        SampleServer.stopEmbeddedNow();
    }

    @Test
    void runsEveryMethodOnATinyTableAndWritesTableCsvJsonAndChartsWithAgreeingChecksums() throws Exception {
        Path work = Path.of(System.getProperty("batchwise.test.workdir", "target")).toAbsolutePath();
        Path out = work.resolve("bench-it");
        SETTINGS.forEach(System::setProperty);
        System.setProperty("out", out.toString());
        System.setProperty("bench.dataDir", work.resolve("bench-it-db").toString());
        System.setProperty("batchwise.test.embedded.dataDir", work.resolve("bench-it-db").toString());
        int status;
        try {
            status = new Benchmark.Harness(Options.fromSystemProperties()).run();
        } finally {
            SETTINGS.keySet().forEach(System::clearProperty);
            List.of("out", "bench.dataDir", "batchwise.test.embedded.dataDir").forEach(System::clearProperty);
            SampleServer.stopEmbeddedNow();
        }
        assertEquals(0, status, "the harness reports disagreeing checksums");

        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        assertTrue(table.contains("| jdbc-stream | ok |"), table);
        assertTrue(table.contains("| yieldPer-session | ok |"), table);
        assertTrue(table.contains("time ÷ raw JDBC streaming"), table);
        assertTrue(table.contains("One page of 1000 rows"), table);

        List<String> csv = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(csv.get(0).split(","));
        int method = header.indexOf("method");
        int mode = header.indexOf("mode");
        int outcome = header.indexOf("outcome");
        int checksumOk = header.indexOf("checksumOk");
        long walks = 0;
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",", -1);
            if (cells[mode].equals("walk")) {
                walks++;
                assertEquals("ok", cells[outcome], "every method completes on a tiny table: " + line);
                assertEquals("yes", cells[checksumOk], cells[method] + " checksum: " + line);
            } else {
                assertEquals("ok", cells[outcome], "page timings: " + line);
            }
        }
        assertEquals(Method.values().length, walks, "one walk per method");

        assertTrue(Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8).contains("\"runs\""));
        for (String chart : List.of("results-rows-per-second.png", "results-heap-vs-rows.png", "results-page-time.png")) {
            Path png = out.resolve(chart);
            assertTrue(Files.size(png) > 1_000, chart + " written");
            byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertEquals("\u0089PNG", new String(magic, StandardCharsets.ISO_8859_1), chart + " is a PNG");
        }
    }

    /**
     * The read-ahead dimensions: the read-ahead methods and their walks without read-ahead, directly
     * and through the latency relay, without work and with JSON plus a fixed CPU cost plus a wait per
     * row, each timed after an untimed warm-up walk; every checksum agrees, every walk has its CPU
     * times (the JVM's, the caller thread's, the local server's), the read-ahead table and chart are
     * written, and a round trip through the relay takes at least the two delays it adds.
     */
    @Test
    void runsTheReadAheadMethodsAtEachLatencyAndWorkWithAgreeingChecksums() throws Exception {
        Path work = Path.of(System.getProperty("batchwise.test.workdir", "target")).toAbsolutePath();
        Path out = work.resolve("bench-it-read-ahead");
        SETTINGS.forEach(System::setProperty);
        Map<String, String> more = Map.of("out", out.toString(),
                "bench.dataDir", work.resolve("bench-it-db").toString(),
                "batchwise.test.embedded.dataDir", work.resolve("bench-it-db").toString(),
                "methods", "scroll+clear,yieldPer-session,yieldPer-readAhead,batchwise-keyset,batchwise-keyset-readAhead,"
                        + "batchwise-keyset-jdbc,batchwise-keyset-jdbc-readAhead",
                "latency", "0,1",
                "work", "none,json+cpu:1+wait:1",
                "warmups", "1");
        more.forEach(System::setProperty);
        int status;
        try {
            status = new Benchmark.Harness(Options.fromSystemProperties()).run();
        } finally {
            SETTINGS.keySet().forEach(System::clearProperty);
            more.keySet().forEach(System::clearProperty);
            SampleServer.stopEmbeddedNow();
        }
        assertEquals(0, status, "the harness reports disagreeing checksums");

        String table = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        assertTrue(table.contains("### 2,000 rows, latency 1 ms per direction (SELECT 1 round trip "), table);
        assertTrue(table.contains("work per row: json+cpu:1+wait:1"), table);
        assertTrue(table.contains("| cores busy, without / with |"), table);
        assertTrue(table.contains("### Read-ahead against the same walk without it"), table);
        assertTrue(table.contains("| 2,000 | 1 ms/json+cpu:1+wait:1 | batchwise-keyset-readAhead |"), table);
        assertTrue(table.contains("| batchwise-keyset-readAhead s | the same at 0 ms s | ratio |"), table);

        List<String> csv = Files.readAllLines(out.resolve("results.csv"), StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(csv.get(0).split(","));
        long walks = csv.subList(1, csv.size()).stream().map(l -> l.split(",", -1))
                .filter(c -> c[header.indexOf("mode")].equals("walk"))
                .peek(c -> assertEquals("yes", c[header.indexOf("checksumOk")], String.join(",", c)))
                .peek(c -> List.of("jvmCpuMs", "callerCpuMs", "serverCpuMs").forEach(cpu ->
                        assertTrue(c[header.indexOf(cpu)].matches("[0-9]+"), cpu + " in " + String.join(",", c))))
                .count();
        assertEquals(7 * 2 * 2, walks, "every method at every latency and work");

        String json = Files.readString(out.resolve("results.json"), StandardCharsets.UTF_8);
        java.util.regex.Matcher trip = java.util.regex.Pattern.compile("\"roundTripMs@1\": \"([0-9.]+)\"").matcher(json);
        assertTrue(trip.find(), json);
        assertTrue(Double.parseDouble(trip.group(1)) >= 2.0, "a round trip pays both delays: " + trip.group(1));
        assertTrue(Files.size(out.resolve("results-read-ahead.png")) > 1_000, "read-ahead chart written");
    }
}
