package io.batchwise.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkTest {
    @Test
    void parsesEveryFormAndTheirCombinations() {
        assertEquals(new Work("none", false, 0, 0), Work.parse("none"));
        assertFalse(Work.parse("none").active());
        assertEquals(new Work("json", true, 0, 0), Work.parse("JSON"));
        assertEquals(new Work("cpu:4", false, 4_000, 0), Work.parse("cpu:4"));
        assertEquals(new Work("wait:2.5", false, 0, 2_500), Work.parse("wait:2.5"));
        Work all = Work.parse("json+cpu:1+wait:3");
        assertEquals(new Work("json+cpu:1+wait:3", true, 1_000, 3_000), all);
        assertTrue(Work.parse("wait:1").active());
    }

    @Test
    void refusesUnknownFormsAndOutOfRangeTimesNamingTheValue() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Work.parse("json+sleep:3"));
        assertTrue(unknown.getMessage().contains("'sleep:3'") && unknown.getMessage().contains("wait:<µs>"),
                unknown.getMessage());
        for (String bad : new String[] {"wait:0", "wait:-1", "wait:x", "cpu:10001"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Work.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    /** The wait is paid in one park per call of 100 rows, never less than rows × the wait in total. */
    @Test
    void waitsAtLeastTheRowsWorthInCallsOfAHundredRows() {
        Work.Waiting waiting = Work.parse("wait:50").waiting();
        long start = System.nanoTime();
        for (int i = 0; i < 99; i++) {
            waiting.row();
        }
        long beforeTheCall = System.nanoTime() - start;
        for (int i = 0; i < 301; i++) {
            waiting.row();
        }
        long total = System.nanoTime() - start;
        assertTrue(total >= 400 * 50_000L, "waited " + total + " ns for 400 rows at 50 µs");
        assertTrue(beforeTheCall < total, "the first 99 rows make no call");
    }
}
