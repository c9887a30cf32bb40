package io.batchwise.core.spi;


/**
 * A walk over one forward-only result streamed over one connection: the base of every streaming
 * walker. It follows the {@link StreamingResource} protocol (failure translation, stopping the
 * query on early close, release) so that a walker supplies only how rows come
 * ({@link #fetchNext()}, {@link #current()}) and, for an ORM, what happens between batches
 * ({@link #endOfBatch()}).
 */
public abstract class StreamingWalk<T> extends AbstractWalk<T> {
    private final StreamingResource resource;
    private final AutoCloseable[] result;

    /**
     * @param resource the claimed resource the walk's query runs on
     * @param result   what to close when the walk ends, in order (result set before statement)
     */
    protected StreamingWalk(int batchSize, StreamingResource resource, AutoCloseable... result) {
        super(batchSize);
        this.resource = resource;
        this.result = result.clone();
    }

    /**
     * Called when the server has been asked to stop the query after an early close, before the
     * result is closed: a walker may read what is in flight up to the interruption here.
     */
    protected void afterQueryStopped() {
    }

    /**
     * Called after everything is closed and released; {@code connectionGone} tells whether a
     * failure showed the connection dead (it has been discarded).
     */
    protected void afterRelease(boolean connectionGone) {
    }

    /**
     * For a failure while reading what is in flight after a kill: ignored when it only says the
     * query was interrupted, noted (and the connection discarded) when it shows the connection gone.
     */
    protected final void expectInterruption(Exception e) {
        resource.unexpected(e, null, rowsRead());
    }

    @Override
    protected final RuntimeException translate(RuntimeException failure) {
        return resource.translate(failure, rowsRead(), batchSize(), slowestBatchMillis());
    }

    @Override
    protected final void release() {
        if (!reachedEnd() && resource.stop()) {
            afterQueryStopped();
        }
        RuntimeException failure = resource.close(rowsRead(), result);
        afterRelease(resource.connectionGone());
        if (failure != null) {
            throw failure;
        }
    }
}
