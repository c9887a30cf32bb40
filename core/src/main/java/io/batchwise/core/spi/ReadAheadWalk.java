package io.batchwise.core.spi;

import java.util.ArrayList;
import java.util.List;

import io.batchwise.core.Walk;

/**
 * A walk over batches a {@link ReadAhead} reads on a thread of its own: the caller gets the rows of
 * one batch while the next are read. Release (the end, close, a failure) stops the reader and waits
 * for it, so its resources are released when the walk's are; a walk dropped unclosed stops its reader
 * once collected ({@link ReadAhead#stopWhenUnreachable}).
 */
public final class ReadAheadWalk<T> extends AbstractWalk<T> {
    private final ReadAhead<List<T>> batches;
    private List<T> batch;
    private int index;

    /**
     * @param batches hands over batches of up to {@code batchSize} rows, never an empty one; stopped
     *                when this walk is closed, or collected unclosed
     */
    public ReadAheadWalk(int batchSize, ReadAhead<List<T>> batches) {
        super(batchSize);
        this.batches = batches.stopWhenUnreachable(this);
    }

    /**
     * The rows of {@code rows}, an open walk, read {@code ahead} batches ahead of the caller: the
     * reader takes {@code rows} over (it runs, and is closed, on the reader's thread; then
     * {@code alsoClose} runs there too, also after a failure). A failure of {@code rows} reaches the
     * caller after the rows read before it, as it was thrown, as without read-ahead.
     *
     * @param ahead batches read ahead, 1 to {@value ReadAhead#MAX}
     */
    public static <T> ReadAheadWalk<T> over(Walk<T> rows, int batchSize, int ahead, Runnable alsoClose) {
        ReadAhead.Source<List<T>> source = new ReadAhead.Source<>() {
            private RuntimeException pending;

            @Override
            public List<T> next() {
                if (pending != null) {
                    throw pending;
                }
                List<T> batch = new ArrayList<>(Math.min(batchSize, 10_000));
                try {
                    while (batch.size() < batchSize && rows.hasNext()) {
                        batch.add(rows.next());
                    }
                } catch (RuntimeException e) {
                    if (batch.isEmpty()) {
                        throw e;
                    }
                    pending = e; // the rows read before the failure first, as a walk without read-ahead hands them
                }
                return batch.isEmpty() ? null : batch;
            }

            @Override
            public void close() {
                try {
                    rows.close();
                } finally {
                    alsoClose.run();
                }
            }
        };
        return new ReadAheadWalk<>(batchSize, new ReadAhead<>(source, ahead));
    }

    @Override
    protected boolean fetchNext() {
        if (batch != null && index + 1 < batch.size()) {
            index++;
            return true;
        }
        batch = null; // let the batch go before the next is taken
        List<T> next = batches.take();
        if (next == null || next.isEmpty()) {
            return false;
        }
        batch = next;
        index = 0;
        return true;
    }

    @Override
    protected T current() {
        return batch.get(index);
    }

    @Override
    protected void release() {
        batch = null;
        batches.close();
    }
}
