package io.batchwise.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class YieldPerSampleIT {
    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    @Test
    void theMainSampleWalksEveryRowAndReportsTimeRateAndHeap() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("rows", "5000");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            YieldPerSample.main(new String[0]);
        } finally {
            System.setOut(original);
            System.clearProperty("rows");
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertTrue(out.contains("walked:    5,000 items with yieldPer"), out);
        assertTrue(out.matches("(?s).*time: +[0-9.]+ s, [0-9,]+ rows/s.*"), out);
        assertTrue(out.matches("(?s).*heap: +peak [0-9.]+ MB used.*"), out);
    }
}
