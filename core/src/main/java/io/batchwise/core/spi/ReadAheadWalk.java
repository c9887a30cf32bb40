package io.batchwise.core.spi;

import java.util.List;

/**
 * A walk over batches a {@link ReadAhead} reads on a thread of its own: the caller gets the rows of
 * one batch while the next are read. Release (the end, close, a failure) stops the reader and waits
 * for it, so its resources are released when the walk's are.
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
