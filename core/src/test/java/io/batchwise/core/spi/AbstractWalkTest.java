package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.batchwise.core.BatchwiseException;

class AbstractWalkTest {

    /** Walks 0..size-1, recording batch ends and releases; fails at row {@code failAt} if >= 0. */
    static final class Counting extends AbstractWalk<Integer> {
        final int size;
        final int failAt;
        int position = -1;
        final List<Long> batchEndsAtRow = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        int releases;
        Boolean reachedEndAtRelease;

        Counting(int size, int batchSize, int failAt) {
            super(batchSize);
            this.size = size;
            this.failAt = failAt;
        }

        @Override
        protected boolean fetchNext() {
            position++;
            if (position == failAt) {
                throw new IllegalStateException("driver failed at " + position);
            }
            return position < size;
        }

        @Override
        protected Integer current() {
            return position;
        }

        @Override
        protected void endOfBatch() {
            batchEndsAtRow.add(rowsRead());
        }

        @Override
        protected RuntimeException translate(RuntimeException failure) {
            events.add("translate");
            return super.translate(failure);
        }

        @Override
        protected void release() {
            events.add("release");
            reachedEndAtRelease = reachedEnd();
            releases++;
        }
    }

    @Test
    void releasesEachChunkBeforeTheFirstRowOfTheNextAndReleasesResourcesOnceAtTheEnd() {
        Counting walk = new Counting(25, 10, -1);
        List<Integer> rows = new ArrayList<>();
        walk.forEachRemaining(rows::add);
        assertEquals(25, rows.size());
        assertEquals(List.of(10L, 20L), walk.batchEndsAtRow);
        assertEquals(1, walk.releases);
        assertFalse(walk.hasNext());
        assertThrows(NoSuchElementException.class, walk::next);
        walk.close();
        assertEquals(1, walk.releases, "close after the end releases nothing twice");
    }

    @Test
    void hasNextIsIdempotentAndDoesNotSkipRows() {
        Counting walk = new Counting(3, 1, -1);
        assertTrue(walk.hasNext());
        assertTrue(walk.hasNext());
        assertEquals(0, walk.next());
        assertEquals(1, walk.next());
        assertEquals(2, walk.next());
        assertFalse(walk.hasNext());
    }

    @Test
    void closeIsIdempotentAndIterationAfterCloseIsLifecycleMisuse() {
        Counting walk = new Counting(10, 4, -1);
        walk.next();
        walk.close();
        walk.close();
        assertEquals(1, walk.releases);
        IllegalStateException e = assertThrows(IllegalStateException.class, walk::hasNext);
        assertTrue(e.getMessage().contains("closed after 1 rows"), e.getMessage());
    }

    @Test
    void aFailureReleasesResourcesAndLeavesTheWalkFailed() {
        Counting walk = new Counting(10, 4, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> walk.forEachRemaining(r -> { }));
        assertEquals("driver failed at 5", e.getMessage());
        assertEquals(1, walk.releases);
        IllegalStateException again = assertThrows(IllegalStateException.class, walk::hasNext);
        assertTrue(again.getMessage().contains("failed after 5 rows"), again.getMessage());
    }

    @Test
    void aFailureIsTranslatedBeforeResourcesAreReleasedSoADeadConnectionCanBeDiscardedFirst() {
        Counting walk = new Counting(10, 4, 5);
        assertThrows(IllegalStateException.class, () -> walk.forEachRemaining(r -> { }));
        assertEquals(List.of("translate", "release"), walk.events);
        assertFalse(walk.reachedEndAtRelease);
    }

    @Test
    void releaseKnowsWhetherTheWalkReachedItsEndOrWasLeftEarly() {
        Counting whole = new Counting(3, 2, -1);
        whole.forEachRemaining(r -> { });
        assertTrue(whole.reachedEndAtRelease);
        Counting left = new Counting(3, 2, -1);
        left.next();
        left.close();
        assertFalse(left.reachedEndAtRelease);
    }

    @Test
    void streamClosesTheWalkWhenClosedEarly() {
        Counting walk = new Counting(100, 10, -1);
        try (Stream<Integer> s = walk.stream()) {
            assertEquals(List.of(0, 1, 2), s.limit(3).toList());
        }
        assertEquals(1, walk.releases);
    }

    @Test
    void forEachBatchHandsImmutableChunksAndClosesOnHandlerFailure() {
        Counting walk = new Counting(25, 10, -1);
        List<List<Integer>> batches = new ArrayList<>();
        assertEquals(25, walk.forEachBatch(batches::add));
        assertEquals(List.of(10, 10, 5), batches.stream().map(List::size).toList());
        assertThrows(UnsupportedOperationException.class, () -> batches.get(0).add(1));

        Counting failing = new Counting(25, 10, -1);
        RuntimeException boom = new RuntimeException("handler failed");
        assertSame(boom, assertThrows(RuntimeException.class, () -> failing.forEachBatch(c -> {
            throw boom;
        })));
        assertEquals(1, failing.releases);
    }

    @Test
    void aBusyStreamingConnectionIsExplained() {
        Counting walk = new Counting(5, 2, -1);
        RuntimeException driver = new RuntimeException("wrapped", new java.sql.SQLException(
                "Streaming result set com.mysql.cj.protocol.a.result.ResultsetRowsStreaming@1 is still active."));
        RuntimeException explained = Failures.explain(driver, walk.rowsRead());
        BatchwiseException e = assertThrows(BatchwiseException.class, () -> {
            throw explained;
        });
        assertSame(driver, e.getCause());
        assertTrue(e.getMessage().contains("useCursorFetch=true"), e.getMessage());
    }

    @Test
    void batchSizeBelowOneIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Counting(1, 0, -1));
        assertEquals("batchSize must be >= 1, was 0; pass the number of rows per batch, e.g. 1000", e.getMessage());
    }
}
