package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.batchwise.testing.Collected;

@Timeout(30)
class ReadAheadTest {

    /** Units 1..count; records on which thread it ran, how far ahead of the caller it got, and its close. */
    static final class Numbers implements ReadAhead.Source<Integer> {
        final int count;
        final AtomicInteger asked = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile int mostAhead;
        volatile Thread thread;
        volatile RuntimeException failAt;
        volatile int failOn = -1;
        volatile RuntimeException closeFailure;
        final CountDownLatch secondRead = new CountDownLatch(1);

        Numbers(int count) {
            this.count = count;
        }

        @Override
        public Integer next() {
            thread = Thread.currentThread();
            int call = calls.incrementAndGet();
            mostAhead = Math.max(mostAhead, call - asked.get());
            if (call == 2) {
                secondRead.countDown();
            }
            if (call == failOn) {
                throw failAt;
            }
            return call <= count ? call : null;
        }

        @Override
        public void close() {
            thread = Thread.currentThread();
            closes.incrementAndGet();
            if (closeFailure != null) {
                throw closeFailure;
            }
        }

        Integer take(ReadAhead<Integer> ahead) {
            asked.incrementAndGet();
            return ahead.take();
        }
    }

    @AfterEach
    void noReaderLeftRunning() {
        assertEquals(0, ReadAhead.running(), "reader threads still running");
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(ReadAhead.THREAD_NAME)).count(), "reader threads still listed");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 16})
    void handsOverEveryUnitInOrderNeverMoreThanNAheadOfTheCaller(int n) {
        Numbers source = new Numbers(200);
        List<Integer> taken = new ArrayList<>();
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source, n)) {
            for (Integer unit; (unit = source.take(ahead)) != null; ) {
                taken.add(unit);
            }
            assertNull(ahead.take(), "stays at the end");
        }
        assertEquals(200, taken.size());
        for (int i = 0; i < taken.size(); i++) {
            assertEquals(i + 1, taken.get(i));
        }
        assertTrue(source.mostAhead <= n, "read " + source.mostAhead + " units ahead of the caller, allowed " + n);
        assertEquals(1, source.closes.get(), "the source is closed once");
        assertTrue(source.thread.getName().startsWith(ReadAhead.THREAD_NAME), source.thread.getName());
    }

    @Test
    void readsTheNextUnitWhileTheCallerHoldsTheCurrentOne() throws Exception {
        Numbers source = new Numbers(3);
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source, 1)) {
            assertEquals(1, source.take(ahead));
            // the caller has not asked for unit 2, yet it is being read
            assertTrue(source.secondRead.await(20, TimeUnit.SECONDS), "unit 2 was not read ahead");
            assertEquals(2, source.take(ahead));
        }
    }

    @Test
    void readerThreadsAreVirtualWhereTheJdkHasThemAndDaemonPlatformThreadsOn17() throws Exception {
        Numbers source = new Numbers(1);
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source, 1)) {
            assertEquals(1, source.take(ahead));
        }
        boolean virtualJdk = Runtime.version().feature() >= 21;
        assertEquals(virtualJdk, ReadAhead.virtualThreads());
        assertTrue(source.thread.isDaemon());
        if (virtualJdk) {
            assertTrue((Boolean) Thread.class.getMethod("isVirtual").invoke(source.thread));
        }
    }

    @Test
    void aFailureOfTheSourceReachesTheCallerAsThrownAfterTheUnitsReadBeforeIt() {
        Numbers source = new Numbers(10);
        source.failOn = 4;
        source.failAt = new IllegalStateException("page 4 could not be read");
        source.closeFailure = new IllegalStateException("closing failed too");
        try (ReadAhead<Integer> ahead = new ReadAhead<>(source, 2)) {
            assertEquals(1, source.take(ahead));
            assertEquals(2, source.take(ahead));
            assertEquals(3, source.take(ahead));
            RuntimeException e = assertThrows(RuntimeException.class, () -> source.take(ahead));
            assertSame(source.failAt, e, "the first failure, unchanged");
            assertSame(source.closeFailure, e.getSuppressed()[0], "the close failure is kept with it");
            assertNull(ahead.take(), "nothing after the failure");
        }
        assertEquals(1, source.closes.get());
    }

    @Test
    void closingEarlyStopsTheReaderAndReturnsOnlyAfterItsSourceIsClosed() {
        Numbers source = new Numbers(1_000_000);
        ReadAhead<Integer> ahead = new ReadAhead<>(source, 3);
        assertEquals(1, source.take(ahead));
        ahead.close();
        assertEquals(1, source.closes.get(), "closed before close() returned");
        assertTrue(source.calls.get() <= 1 + 3 + 1, "stopped after the read in progress: " + source.calls.get());
        assertFalse(source.thread.isAlive(), "the reader has ended");
        assertNull(ahead.take());
        ahead.close(); // again: nothing happens
        assertEquals(1, source.closes.get());
    }

    /** The net under a forgotten close: the reader holds the reader, never the walk the caller dropped. */
    @Test
    void aWalkDroppedWithoutClosingStopsItsReaderAndClosesItsSourceOnceCollected() throws Exception {
        Numbers source = new Numbers(1_000_000);
        ReadAhead<Integer> ahead = new ReadAhead<>(source, 2);
        Object walk = new Object();
        assertSame(ahead, ahead.stopWhenUnreachable(walk));
        assertEquals(1, source.take(ahead));
        walk = null; // dropped without close()
        Collected.await(() -> source.closes.get() == 1 && !source.thread.isAlive(),
                "the reader of a dropped walk closes its source and ends");
        assertTrue(source.calls.get() <= 1 + 2 + 1, "stopped after the read in progress: " + source.calls.get());
        assertNull(walk);
    }

    @Test
    void aFailureClosingTheSourceAfterAStopIsThrownByClose() {
        Numbers source = new Numbers(100);
        source.closeFailure = new IllegalStateException("could not close");
        ReadAhead<Integer> ahead = new ReadAhead<>(source, 1);
        assertEquals(1, source.take(ahead));
        assertSame(source.closeFailure, assertThrows(IllegalStateException.class, ahead::close));
    }

    @Test
    void closingBeforeTheFirstTakeStartsNoThread() {
        Numbers source = new Numbers(5);
        new ReadAhead<>(source, 1).close();
        assertEquals(0, source.calls.get());
        assertNull(source.thread);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 17, Integer.MAX_VALUE})
    void refusesAReadAheadOutsideItsRangeNamingTheParameterAndTheValue(int n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReadAhead.checked("readAhead", n));
        assertTrue(e.getMessage().startsWith("readAhead must be between 0 (off) and 16, was " + n + ";"),
                e.getMessage());
    }
}
