package io.batchwise.core.spi;

import java.util.Spliterator;
import java.util.function.Consumer;

import io.batchwise.core.Walk;

/** Passes rows through, translating "connection busy with a stream" failures of the action. */
final class ExplainingSpliterator<T> implements Spliterator<T> {
    private final Spliterator<T> rows;
    private final Walk<T> walk;

    ExplainingSpliterator(Spliterator<T> rows, Walk<T> walk) {
        this.rows = rows;
        this.walk = walk;
    }

    @Override
    public boolean tryAdvance(Consumer<? super T> action) {
        try {
            return rows.tryAdvance(action);
        } catch (RuntimeException e) {
            throw Failures.explain(e, walk.rowsRead());
        }
    }

    @Override
    public void forEachRemaining(Consumer<? super T> action) {
        try {
            rows.forEachRemaining(action);
        } catch (RuntimeException e) {
            throw Failures.explain(e, walk.rowsRead());
        }
    }

    @Override
    public Spliterator<T> trySplit() {
        return null;
    }

    @Override
    public long estimateSize() {
        return rows.estimateSize();
    }

    @Override
    public int characteristics() {
        return rows.characteristics();
    }
}
