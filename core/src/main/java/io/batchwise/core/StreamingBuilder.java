package io.batchwise.core;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.batchwise.core.spi.Arguments;

/**
 * The part every streaming walker's builder shares: the {@link StreamingOptions} set through
 * methods named after them, and the three ways to run the walk ({@link #open()}, {@link #stream()},
 * {@link #forEachBatch(Consumer)}). Each option is validated when it
 * is set, before any SQL runs; {@link #open()} validates the rest.
 *
 * <p>A builder is not thread-safe; it may be opened more than once, and each {@link #open()} runs
 * the query afresh.
 *
 * @param <T> the row type
 * @param <B> the builder's own type, returned by every option so that calls chain
 */
public abstract class StreamingBuilder<T, B extends StreamingBuilder<T, B>> {
    private StreamingOptions options = StreamingOptions.defaults();

    /** For the builders of Batchwise's streaming walkers. */
    protected StreamingBuilder() {
    }

    /** Rows per batch; see {@link StreamingOptions#withBatchSize(int)}. */
    public final B batchSize(int rows) {
        options = options.withBatchSize(rows);
        return self();
    }

    /** Overrides the fetch size Batchwise chooses; see {@link StreamingOptions#withFetchSize(int)}. */
    public final B fetchSize(int rows) {
        options = options.withFetchSize(rows);
        return self();
    }

    /** Whether other statements run on the walk's connection; see {@link StreamingOptions#withConnectionUse}. */
    public final B connectionUse(ConnectionUse use) {
        options = options.withConnectionUse(use);
        return self();
    }

    /** Raises {@code net_write_timeout} for the walk; see {@link StreamingOptions#withNetWriteTimeout(Duration)}. */
    public final B netWriteTimeout(Duration timeout) {
        options = options.withNetWriteTimeout(timeout);
        return self();
    }

    /** The options set so far. */
    protected final StreamingOptions options() {
        return options;
    }

    /** Validates what the options cannot check alone, runs the query and returns the open walk; close it. */
    public abstract Walk<T> open();

    /** {@link #open()} as a {@link Stream}; close the stream (try-with-resources). */
    public final Stream<T> stream() {
        return open().stream();
    }

    /**
     * Opens the walk and hands it to {@code handler} one batch at a time (an unmodifiable list of up
     * to {@link #batchSize(int)} rows; for an ORM walk, managed while the handler runs and released
     * after it returns), and closes the walk at the end or on failure.
     *
     * @return the number of rows handled
     */
    public final long forEachBatch(Consumer<? super List<T>> handler) {
        Arguments.notNull("handler", handler, "pass the code to run for each batch");
        return open().forEachBatch(handler);
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
