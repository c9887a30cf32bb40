package io.batchwise.hibernate;

/**
 * What a walk over a stateful {@code Session} does with the persistence context after every batch
 * of rows, so the context never holds more than about one batch.
 *
 * <p>Detachment, for the caller: once a batch is released, its entities are detached. Changes
 * made to them afterwards are not saved (use {@code merge} if you must), and touching an
 * uninitialised lazy association or collection on them throws {@code LazyInitializationException}.
 * Within its batch an entity is managed as usual; see {@link YieldPer} for lazy loading while a
 * streaming result is open.
 */
public enum AfterBatch {
    /**
     * Default. Entities are loaded read-only (no snapshot for dirty checking, so changes to them
     * are never saved) and the whole persistence context is cleared after each batch, including
     * entities the caller had loaded before the walk.
     */
    CLEAR(false, true),
    /**
     * Entities are loaded read-only; after each batch only the entities that entered the
     * persistence context since the walk opened are detached. Entities the caller had before the
     * walk stay managed.
     */
    DETACH_LOADED(false, false),
    /**
     * Entities are managed; after each batch the session is flushed (changes made in the batch are
     * written in the caller's transaction) and then cleared. Needs a connection that stays usable
     * while rows are read: MySQL Connector/J with {@code useCursorFetch=true}; refused otherwise.
     */
    FLUSH_AND_CLEAR(true, true),
    /**
     * Entities are managed; after each batch the session is flushed, then the entities that entered
     * the persistence context since the walk opened are detached. Same connection needs as
     * {@link #FLUSH_AND_CLEAR}.
     */
    FLUSH_AND_DETACH_LOADED(true, false);

    private final boolean flushes;
    private final boolean clearsAll;

    AfterBatch(boolean flushes, boolean clearsAll) {
        this.flushes = flushes;
        this.clearsAll = clearsAll;
    }

    /** Whether the session is flushed before the batch is released (entities are then loaded writable). */
    public boolean flushes() {
        return flushes;
    }

    /** Whether the whole persistence context is cleared, rather than only what the walk loaded. */
    public boolean clearsAll() {
        return clearsAll;
    }
}
