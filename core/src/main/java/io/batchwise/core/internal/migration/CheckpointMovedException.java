package io.batchwise.core.internal.migration;

import java.sql.SQLException;

/** The stored checkpoint moved on or vanished under a chunk: the chunk must not commit. */
public final class CheckpointMovedException extends SQLException {
    private static final long serialVersionUID = 1L;

    public CheckpointMovedException(String message) {
        super(message, "40000");
    }
}
