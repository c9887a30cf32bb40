package io.batchwise.core.migration;

/**
 * Asks a running migration to stop gracefully: each partition finishes the chunk it is in, commits
 * it with its checkpoint and returns; {@code run()} then returns a result with
 * {@link MigrationResult.Outcome#STOPPED}, and the next run resumes after the last committed chunk.
 * Thread-safe; meant to be triggered from another thread or a shutdown hook (Ctrl-C).
 *
 * <pre>{@code
 * StopSignal stop = new StopSignal();
 * Runtime.getRuntime().addShutdownHook(new Thread(stop::request));
 * migration.stopSignal(stop) ... .run();
 * }</pre>
 */
public final class StopSignal {
    private volatile boolean requested;

    /** Asks the migrations watching this signal to stop after their current chunk. */
    public void request() {
        requested = true;
    }

    /** Whether a stop was requested. */
    public boolean isRequested() {
        return requested;
    }
}
