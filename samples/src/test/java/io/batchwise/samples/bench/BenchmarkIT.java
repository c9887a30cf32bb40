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
}
