package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.batchwise.core.internal.migration.TableCheckpointStore;

/**
 * Where a migration keeps its checkpoints. Every method gets the connection to work on;
 * {@link #save} gets the chunk's own connection inside the chunk's transaction, which is what makes
 * a chunk and its checkpoint commit together (or not at all). An implementation must therefore
 * write through that connection and must not commit, roll back or close it.
 *
 * <p>The default, {@link #table(String)}, is an InnoDB table in the schema of the connections,
 * created on first use:
 * <pre>{@code
 * JdbcMigration.of("backfill-totals", pager)
 *         .checkpointStore(CheckpointStore.table("ops_checkpoint"))   // default "batchwise_checkpoint"
 *         ...
 * }</pre>
 * Implementations must be thread-safe: partitions save concurrently, each on its own connection.
 */
public interface CheckpointStore {

    /** The default table name. */
    String DEFAULT_TABLE = "batchwise_checkpoint";

    /** The default store: the table {@value #DEFAULT_TABLE}, created on first use. */
    static CheckpointStore table() {
        return table(DEFAULT_TABLE);
    }

    /**
     * A store in the InnoDB table {@code name} (or {@code schema.name}) of the connections' schema,
     * created on first use; its DDL is {@link #ddl()} and in docs/migrations.md.
     *
     * @throws IllegalArgumentException if {@code name} is not a plain or qualified identifier
     */
    static CheckpointStore table(String name) {
        return new TableCheckpointStore(name);
    }

    /** The DDL that creates the store, for teams that create tables by hand and for error messages; may be empty. */
    String ddl();

    /**
     * Makes sure the store can be used (creates it when missing), before anything else runs.
     *
     * @throws SQLException when it cannot; the caller reports it with {@link #ddl()}
     */
    void prepare(Connection connection) throws SQLException;

    /** Whether the store exists (a dry run reads it but never creates it). */
    boolean exists(Connection connection) throws SQLException;

    /** Every partition's checkpoint of {@code job}, ordered by partition; empty for a new job. */
    List<Checkpoint> load(Connection connection, String job) throws SQLException;

    /** The checkpoint of one partition, or null when there is none. */
    Checkpoint load(Connection connection, String job, int partition) throws SQLException;

    /** Stores the first checkpoints of a new job (one per partition), in the caller's transaction. */
    void create(Connection connection, List<Checkpoint> checkpoints) throws SQLException;

    /**
     * Replaces the stored checkpoint {@code previous} with {@code next} within the caller's (the
     * chunk's) transaction, as a compare-and-set: only when the stored position is still
     * {@code previous.position()}, so that a chunk some other runner committed meanwhile is never
     * committed twice.
     *
     * @throws SQLException when the stored checkpoint is missing, belongs to another query, or has
     *         moved on from {@code previous}
     */
    void save(Connection connection, Checkpoint previous, Checkpoint next) throws SQLException;

    /** Deletes every checkpoint of {@code job}; returns how many there were. */
    int reset(Connection connection, String job) throws SQLException;
}
