package io.batchwise.core.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.batchwise.core.Walk;

/**
 * The iterator state machine every walker shares: lazy fetch in {@link #hasNext()}, a batch
 * boundary hook before the first row of each new batch, and release of resources on exhaustion,
 * on {@link #close()} and on any failure (after {@link #translate} has seen the failure, so a
 * walk can discard a dead connection before it closes what it holds). It implements the whole
 * {@link Walk} contract, {@link #stream()} and {@link #forEachBatch} included, so a walker supplies
 * only how rows come and what it releases.
 */
public abstract class AbstractWalk<T> implements Walk<T> {
    private enum State { OPEN, EXHAUSTED, CLOSED, FAILED }

    private final int batchSize;
    private long rowsRead;
    private boolean fetched;
    private T pending;
    private State state = State.OPEN;
    private long batchStartedNanos;
    private long slowestBatchNanos;

    protected AbstractWalk(int batchSize) {
        this.batchSize = Arguments.atLeastOne("batchSize", batchSize, "pass the number of rows per batch, e.g. 1000");
    }

    /** Moves to the next row; false at the end. */
    protected abstract boolean fetchNext();

    /** The row {@link #fetchNext()} moved to. */
    protected abstract T current();

    /** Called before the first row of every batch after the first: release what the last batch held. */
    protected void endOfBatch() {
    }

    /**
     * Releases the walk's resources; called once, after the end, on close, or after a failure.
     * {@link #reachedEnd()} tells whether the walk got to its last row.
     */
    protected abstract void release();

    /** Whether the walk read its last row (rather than being closed early or failing). */
    protected final boolean reachedEnd() {
        return state == State.EXHAUSTED;
    }

    /**
     * The longest the walk took for one batch so far, the batch in progress included: fetching its
     * rows plus whatever the caller did between them. Measured once per batch, so it costs nothing
     * per row; it bounds from above every pause of the caller between two rows.
     */
    protected final long slowestBatchMillis() {
        long current = batchStartedNanos == 0 ? 0 : System.nanoTime() - batchStartedNanos;
        return Math.max(slowestBatchNanos, current) / 1_000_000;
    }

    /** Turns a failure into the exception the caller sees; by default explains a busy streaming connection. */
    protected RuntimeException translate(RuntimeException failure) {
        return Failures.explain(failure, rowsRead);
    }

    @Override
    public final int batchSize() {
        return batchSize;
    }

    @Override
    public final long rowsRead() {
        return rowsRead;
    }

    @Override
    public final boolean hasNext() {
        if (fetched) {
            return true;
        }
        switch (state) {
            case EXHAUSTED:
                return false;
            case CLOSED:
                throw new IllegalStateException("This walk was closed after " + rowsRead
                        + " rows; open a new walk to read again");
            case FAILED:
                throw new IllegalStateException("This walk failed after " + rowsRead
                        + " rows and was closed; open a new walk (or resume from the last key) to read again");
            default:
                break;
        }
        try {
            if (rowsRead % batchSize == 0) {
                long now = System.nanoTime();
                if (rowsRead > 0) {
                    slowestBatchNanos = Math.max(slowestBatchNanos, now - batchStartedNanos);
                    endOfBatch();
                }
                batchStartedNanos = now;
            }
            if (fetchNext()) {
                pending = current();
                fetched = true;
                return true;
            }
        } catch (RuntimeException failure) {
            state = State.FAILED;
            RuntimeException explained = translate(failure);
            releaseAfter(explained);
            throw explained;
        }
        state = State.EXHAUSTED;
        release();
        return false;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("The walk has ended after " + rowsRead + " rows");
        }
        T row = pending;
        pending = null;
        fetched = false;
        rowsRead++;
        return row;
    }

    @Override
    public final void close() {
        if (state == State.OPEN) {
            state = State.CLOSED;
            pending = null;
            fetched = false;
            release();
        }
    }

    @Override
    public final Stream<T> stream() {
        Spliterator<T> rows = Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED);
        return StreamSupport.stream(new ExplainingSpliterator<>(rows, this), false).onClose(this::close);
    }

    @Override
    public final long forEachBatch(Consumer<? super List<T>> handler) {
        Arguments.notNull("handler", handler, "pass the code to run for each batch");
        long handed = 0;
        try (this) {
            List<T> batch = new ArrayList<>(Math.min(batchSize, 10_000));
            while (hasNext()) {
                batch.add(next());
                if (batch.size() == batchSize) {
                    handed += hand(handler, batch);
                }
            }
            if (!batch.isEmpty()) {
                handed += hand(handler, batch);
            }
        }
        return handed;
    }

    private int hand(Consumer<? super List<T>> handler, List<T> batch) {
        int size = batch.size();
        try {
            handler.accept(Collections.unmodifiableList(new ArrayList<>(batch)));
        } catch (RuntimeException e) {
            throw Failures.explain(e, rowsRead);
        }
        batch.clear();
        return size;
    }

    private void releaseAfter(RuntimeException failure) {
        try {
            release();
        } catch (RuntimeException secondary) {
            failure.addSuppressed(secondary);
        }
    }
}
