package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The skip policy's bookkeeping on its own: chunks over rows 0..n-1, of which some always fail; the
 * engine's loop is played with {@link Bisection} deciding each chunk's size, and the rows that were
 * worked on, the rows skipped and the attempts are checked.
 */
class BisectionTest {
    record Played(List<Integer> worked, List<Integer> skipped, int attempts) {
    }

    /** Plays the engine's loop over {@code rows} rows in chunks of {@code chunk}; a chunk holding a bad row fails. */
    static Played play(int rows, int chunk, Set<Integer> bad) {
        Bisection bisection = new Bisection();
        List<Integer> worked = new ArrayList<>();
        List<Integer> skipped = new ArrayList<>();
        int position = 0;
        int attempts = 0;
        while (position < rows) {
            attempts++;
            int limit = bisection.limit(chunk);
            int end = Math.min(rows, position + limit);
            if (bisection.rowToSkip() != null) {
                skipped.add(position);
                bisection.committed(1);
                position++;
                continue;
            }
            boolean fails = false;
            for (int row = position; row < end; row++) {
                fails |= bad.contains(row);
            }
            if (fails) {
                bisection.failed(chunk, new IllegalArgumentException("row failed"));
                continue;
            }
            for (int row = position; row < end; row++) {
                worked.add(row);
            }
            bisection.committed(end - position);
            position = end;
        }
        return new Played(worked, skipped, attempts);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 1_000, 1_024})
    void findsExactlyTheFailingRowsAndWorksOnEveryOtherRowOnce(int chunk) {
        Set<Integer> bad = new TreeSet<>(List.of(0, 513, 514, 999, 1_000, 2_047, 4_999));
        Played played = play(5_000, chunk, bad);
        assertEquals(List.copyOf(bad), played.skipped());
        List<Integer> expected = new ArrayList<>();
        for (int row = 0; row < 5_000; row++) {
            if (!bad.contains(row)) {
                expected.add(row);
            }
        }
        assertEquals(expected, played.worked(), "every other row once, in order");
    }

    @Test
    void oneBadRowInAChunkCostsAboutTwiceLogTwoOfTheChunkInExtraAttempts() {
        Played clean = play(1_000, 1_000, Set.of());
        Played one = play(1_000, 1_000, Set.of(617));
        assertEquals(1, clean.attempts());
        // a failed chunk, then per halving level one failing half and at most one succeeding half, then the skip
        assertTrue(one.attempts() <= 2 + 2 * 10, "attempts " + one.attempts());
        assertEquals(List.of(617), one.skipped());
    }

    @Test
    void aChunkThatReachesTheEndOfThePartitionShortLeavesNoPartBehind() {
        Played played = play(300, 1_000, Set.of(299));
        assertEquals(List.of(299), played.skipped());
        assertEquals(299, played.worked().size());
    }

    @Test
    void rowsCommittedUnseenByALostAcknowledgementLeaveThePartsInOrder() {
        Bisection bisection = new Bisection();
        assertFalse(bisection.failed(1_000, new IllegalStateException()));
        assertEquals(500, bisection.limit(1_000));
        bisection.committed(700); // the first half and 200 rows of the second
        assertEquals(300, bisection.limit(1_000));
        IllegalArgumentException failure = new IllegalArgumentException("bad row");
        bisection.committed(299);
        assertTrue(bisection.failed(1_000, failure), "a part of one row narrowed down");
        assertSame(failure, bisection.rowToSkip());
        bisection.committed(1);
        assertNull(bisection.rowToSkip());
        assertFalse(bisection.active());
        assertEquals(1_000, bisection.limit(1_000));
    }
}
