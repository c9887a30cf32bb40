package io.batchwise.samples.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.batchwise.core.Walk;
import io.batchwise.core.spi.AbstractWalk;

/**
 * The per-row cost of Batchwise's iteration layer ({@link AbstractWalk}: state machine, batch
 * boundary, row counting) against the loop a user writes by hand over a cursor
 * ({@code while (scroll.next()) use(scroll.get())}), with no database in the way: the rows come
 * from an in-memory cursor shaped like {@code ScrollableResults}. Run with the GC profiler to see
 * the allocation per row ({@code gc.alloc.rate.norm} is per operation, i.e. per row).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(WalkIterationBenchmark.ROWS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalkIterationBenchmark {
    static final int ROWS = 10_000;
    static final int CHUNK = 1_000;

    private Object[] rows;

    @Setup
    public void createRows() {
        rows = new Object[ROWS];
        for (int i = 0; i < ROWS; i++) {
            rows[i] = new long[] {i};
        }
    }

    /** The hand-written loop over a cursor. */
    @Benchmark
    public void handWrittenCursorLoop(Blackhole blackhole) {
        Cursor cursor = new Cursor(rows);
        int inChunk = 0;
        while (cursor.next()) {
            blackhole.consume(cursor.get());
            if (++inChunk == CHUNK) {
                inChunk = 0;
                cursor.endOfBatch();
            }
        }
    }

    /** The same cursor behind {@link AbstractWalk}, used as an {@code Iterator}. */
    @Benchmark
    public void walkIterator(Blackhole blackhole) {
        try (Walk<Object> walk = new CursorWalk(new Cursor(rows))) {
            while (walk.hasNext()) {
                blackhole.consume(walk.next());
            }
        }
    }

    /** The same walk as a {@code Stream}. */
    @Benchmark
    public void walkStream(Blackhole blackhole) {
        try (Stream<Object> stream = new CursorWalk(new Cursor(rows)).stream()) {
            stream.forEach(blackhole::consume);
        }
    }

    /** The same walk handed over in batches. */
    @Benchmark
    public void walkForEachChunk(Blackhole blackhole) {
        new CursorWalk(new Cursor(rows)).forEachBatch(batch -> {
            for (Object row : batch) {
                blackhole.consume(row);
            }
        });
    }

    /** An in-memory stand-in for {@code ScrollableResults}: {@code next()} moves, {@code get()} reads. */
    static final class Cursor {
        private final Object[] rows;
        private int position = -1;
        private int batches;

        Cursor(Object[] rows) {
            this.rows = rows;
        }

        boolean next() {
            return ++position < rows.length;
        }

        Object get() {
            return rows[position];
        }

        void endOfBatch() {
            batches++;
        }
    }

    static final class CursorWalk extends AbstractWalk<Object> {
        private final Cursor cursor;

        CursorWalk(Cursor cursor) {
            super(CHUNK);
            this.cursor = cursor;
        }

        @Override
        protected boolean fetchNext() {
            return cursor.next();
        }

        @Override
        protected Object current() {
            return cursor.get();
        }

        @Override
        protected void endOfBatch() {
            cursor.endOfBatch();
        }

        @Override
        protected void release() {
            // nothing to close in memory
        }
    }
}
