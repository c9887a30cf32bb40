/**
 * Batchwise core: walk MySQL tables of any size with a bounded heap, over plain JDBC.
 *
 * <ul>
 *   <li>{@code io.batchwise.core}: the API (walks, pages, the JDBC walkers, keys, tokens, failures);</li>
 *   <li>{@code io.batchwise.core.migration}: memory-bounded migrations, their options and results;</li>
 *   <li>{@code io.batchwise.core.spi}: what integrations build on (the keyset core, the streaming
 *       protocol, the seek syntax, the token codec, the base walk, failure classification) and the
 *       migration extension points; stable within a minor version, not between.</li>
 * </ul>
 * {@code io.batchwise.core.internal} is not exported: no module, the library's own included,
 * reaches it.
 */
module io.batchwise.core {
    requires transitive java.sql;
    // the drivers are optional: their classes are touched only once a connection is known to be theirs
    requires static mysql.connector.j;
    requires static org.mariadb.jdbc;

    exports io.batchwise.core;
    exports io.batchwise.core.migration;
    exports io.batchwise.core.spi;
}
