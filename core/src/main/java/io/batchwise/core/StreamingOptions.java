package io.batchwise.core;

import java.time.Duration;

import io.batchwise.core.spi.Arguments;

/**
 * The options every streaming walk shares (a plain-JDBC {@code JdbcWalker} and a Hibernate
 * {@code YieldPer} walk): one immutable value, validated when each option is set, so a bad value
 * is refused before any SQL runs. The walkers' builders set these through their own methods of the
 * same names; this class is where each option is explained.
 *
 * <p>A streaming walk reads one forward-only result over one connection and hands it out in
 * <em>batches</em>: the rows between two releases of what the walk holds (for an ORM walk, the
 * persistence context).
 *
 * <pre>{@code
 * StreamingOptions options = StreamingOptions.defaults()
 *         .withBatchSize(500)
 *         .withNetWriteTimeout(Duration.ofMinutes(30));
 * }</pre>
 *
 * <p>Immutable and thread-safe; every {@code withX} returns a new instance.
 *
 * @param batchSize       rows per batch; see {@link #withBatchSize(int)}
 * @param fetchSize       the fetch size asked for, or null to let Batchwise choose; see {@link #withFetchSize(int)}
 * @param connectionUse   see {@link #withConnectionUse(ConnectionUse)}
 * @param netWriteTimeout the {@code net_write_timeout} for the walk, or null to keep the connection's; see
 *                        {@link #withNetWriteTimeout(Duration)}
 */
public record StreamingOptions(int batchSize, Integer fetchSize, ConnectionUse connectionUse,
        Duration netWriteTimeout) {
    /** Rows per batch unless {@link #withBatchSize(int)} says otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 1_000;

    private static final StreamingOptions DEFAULTS = new StreamingOptions(DEFAULT_BATCH_SIZE, null,
            ConnectionUse.EXCLUSIVE, null);

    /** Validates every option, with the messages of the {@code withX} methods. */
    public StreamingOptions {
        Arguments.atLeastOne("batchSize", batchSize, "pass the rows per batch, e.g. batchSize(1000)");
        if (fetchSize != null) {
            Arguments.fetchSize(fetchSize);
        }
        Arguments.notNull("use", connectionUse, "pass ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED");
        if (netWriteTimeout != null) {
            Arguments.netWriteTimeout(netWriteTimeout);
        }
    }

    /**
     * Batches of {@value #DEFAULT_BATCH_SIZE} rows, the fetch Batchwise chooses for the driver,
     * {@link ConnectionUse#EXCLUSIVE}, and the connection's own {@code net_write_timeout}.
     */
    public static StreamingOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Rows per batch: what the walk holds at most before it releases it (for an ORM walk, the
     * entities in the persistence context), and the size of the lists {@code forEachBatch} hands
     * over. Default {@value #DEFAULT_BATCH_SIZE}.
     *
     * @throws IllegalArgumentException if {@code rows} is below 1
     */
    public StreamingOptions withBatchSize(int rows) {
        return new StreamingOptions(rows, fetchSize, connectionUse, netWriteTimeout);
    }

    /**
     * Overrides the fetch size Batchwise chooses for the driver ({@link FetchPlan}). {@code 0} (or a
     * positive size on MySQL Connector/J without {@code useCursorFetch=true}) buffers the whole
     * result: only for results known to be small. Checked against the driver when the walk opens.
     *
     * @throws IllegalArgumentException if {@code rows} is negative and not {@code Integer.MIN_VALUE}
     */
    public StreamingOptions withFetchSize(int rows) {
        return new StreamingOptions(batchSize, rows, connectionUse, netWriteTimeout);
    }

    /**
     * Whether other statements run on the walk's connection while it is open (lazy loading,
     * queries, writes); see {@link ConnectionUse}. Default {@link ConnectionUse#EXCLUSIVE}.
     *
     * @throws IllegalArgumentException if {@code use} is null
     */
    public StreamingOptions withConnectionUse(ConnectionUse use) {
        return new StreamingOptions(batchSize, fetchSize, use, netWriteTimeout);
    }

    /**
     * Raises the server's {@code net_write_timeout} for the walk to {@code timeout} (whole seconds,
     * rounded up) and sets it back when the walk closes: how long the code that takes the rows may
     * pause before the server gives up writing to a streaming walk and closes the connection (server
     * default 60 s; MySQL Connector/J raises it to its {@code netTimeoutForStreamingResults},
     * default 600 s, for every streaming query). Only a streaming fetch needs it; with a server-side
     * cursor or a buffered result it does nothing. For work that pauses for minutes per batch, a
     * keyset pager holds nothing open instead.
     *
     * @throws IllegalArgumentException if {@code timeout} is null or not between 1 second and 365
     *         days (the server's limit)
     */
    public StreamingOptions withNetWriteTimeout(Duration timeout) {
        Arguments.netWriteTimeout(timeout);
        return new StreamingOptions(batchSize, fetchSize, connectionUse, timeout);
    }
}
