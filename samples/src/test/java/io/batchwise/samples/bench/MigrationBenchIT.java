package io.batchwise.samples.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The migration benchmark runs every method end to end on a small table (no timing is asserted):
 * each method leaves every row changed exactly once more, the copy job copies them all, the delete
 * job deletes them all.
 */
class MigrationBenchIT {
    @Test
    void everyMethodRunsAndLeavesEveryRowChangedOnceMore() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("rows", "3000");
        System.setProperty("heap", "96m");
        // on 3,000 rows a child is mostly JVM start (and Hibernate's boot): start it quickly, as BenchmarkIT does
        System.setProperty("childJvmArgs", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            MigrationBench.main(new String[0]);
        } finally {
            System.setOut(original);
            System.clearProperty("rows");
            System.clearProperty("heap");
            System.clearProperty("childJvmArgs");
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        for (String method : MigrationBench.METHODS) {
            assertTrue(out.matches("(?s).*\\| " + method + " \\| 1 \\| ok \\|[^\\n]*\\| ok \\|.*"), method + ":\n" + out);
        }
    }
}
