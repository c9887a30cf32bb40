package io.batchwise.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeysetSamplesIT {
    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    interface Main {
        void run() throws Exception;
    }

    static String run(Main main, String rows) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("rows", rows);
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.run();
        } finally {
            System.setOut(original);
            System.clearProperty("rows");
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }

    @Test
    void theApiSampleServesEveryItemPageByPageFromTokens() throws Exception {
        String out = run(() -> KeysetApiSample.main(new String[0]), "2345");
        assertTrue(out.contains("served 2,345 items in 5 requests of up to 500"), out);
    }

    @Test
    void theTimestampSampleWalksNewestFirstStopsAndResumesWithEveryRowOnce() throws Exception {
        String out = run(() -> TimestampWalkSample.main(new String[0]), "3001");
        assertTrue(out.contains("walked 3,001 rows newest first; every id exactly once: true"), out);
    }
}
