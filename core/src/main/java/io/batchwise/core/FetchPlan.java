package io.batchwise.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.batchwise.core.internal.Arguments;
import io.batchwise.core.internal.ConnectorJ;

/**
 * How rows of a walk come from the server, chosen for the driver actually connected so that the
 * heap stays bounded whatever the number of rows:
 *
 * <table>
 *   <caption>Choice per driver</caption>
 *   <tr><th>driver</th><th>{@link ConnectionUse#EXCLUSIVE}</th><th>{@link ConnectionUse#SHARED}</th></tr>
 *   <tr><td>MySQL Connector/J</td><td>{@link Mode#STREAM}, {@code fetchSize=Integer.MIN_VALUE}
 *       (or {@link Mode#CURSOR} when the connection has {@code useCursorFetch=true})</td>
 *       <td>{@link Mode#CURSOR} with {@code useCursorFetch=true}, else refused</td></tr>
 *   <tr><td>MariaDB Connector/J</td><td>{@link Mode#STREAM}, positive fetch size</td>
 *       <td>refused: the driver would buffer the rest of the result before any other statement</td></tr>
 *   <tr><td>other</td><td>positive fetch size</td><td>positive fetch size</td></tr>
 * </table>
 *
 * <p>Streaming is preferred for exclusive walks because a cursor makes the server materialise
 * the whole result in a temporary table before the first row (measured on MariaDB, 1M rows:
 * 1.0 s vs 0.2 s to the first row).
 *
 * @param mode       how rows are fetched
 * @param fetchSize  the value given to {@link Statement#setFetchSize(int)}
 * @param driver     the driver the plan was made for
 */
public record FetchPlan(Mode mode, int fetchSize, JdbcDriver driver) {

    /** Rows per round trip for cursor fetch and for drivers that stream with a positive fetch size. */
    public static final int DEFAULT_FETCH_ROWS = 1_000;

    /** How the driver delivers rows. */
    public enum Mode {
        /** Rows stream over the connection as read; the connection is busy until the result is closed. */
        STREAM,
        /** A server-side cursor hands out {@code fetchSize} rows per round trip; the connection stays usable. */
        CURSOR,
        /** The driver reads the whole result into memory first: only safe for results known to be small. */
        BUFFERED
    }

    public FetchPlan {
        Arguments.notNull("mode", mode, "pass a FetchPlan.Mode");
        Arguments.notNull("driver", driver, "pass the JdbcDriver the plan is for");
    }

    /** Whether other statements may run on the connection while a result fetched this way is open. */
    public boolean connectionFreeDuringWalk() {
        return mode != Mode.STREAM || driver == JdbcDriver.OTHER;
    }

    /** Applies the fetch size to a statement before it executes. */
    public void applyTo(Statement statement) throws SQLException {
        statement.setFetchSize(fetchSize);
    }

    /**
     * Chooses the bounded-memory fetch for {@code connection} (see the class table).
     *
     * @throws BatchwiseException if {@code use} is {@link ConnectionUse#SHARED} and the driver cannot
     *         leave the connection usable without buffering; the message names the way out
     */
    public static FetchPlan choose(Connection connection, ConnectionUse use) throws SQLException {
        Arguments.notNull("connection", connection, "pass the connection the walk will read from");
        Arguments.notNull("use", use, "pass ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED");
        JdbcDriver driver = JdbcDriver.of(connection);
        return switch (driver) {
            case MYSQL_CONNECTOR_J -> {
                if (ConnectorJ.cursorFetchEnabled(connection)) {
                    yield new FetchPlan(Mode.CURSOR, DEFAULT_FETCH_ROWS, driver);
                }
                FetchPlan streaming = new FetchPlan(Mode.STREAM, Integer.MIN_VALUE, driver);
                yield use == ConnectionUse.SHARED ? refuse(streaming) : streaming;
            }
            case MARIADB_CONNECTOR_J -> {
                FetchPlan streaming = new FetchPlan(Mode.STREAM, DEFAULT_FETCH_ROWS, driver);
                yield use == ConnectionUse.SHARED ? refuse(streaming) : streaming;
            }
            case OTHER -> new FetchPlan(Mode.STREAM, DEFAULT_FETCH_ROWS, driver);
        };
    }

    /**
     * The plan a caller's explicit fetch size amounts to on {@code connection}, refused like
     * {@link #choose} when it would block or buffer a {@link ConnectionUse#SHARED} connection.
     */
    public static FetchPlan withFetchSize(Connection connection, int fetchSize, ConnectionUse use) throws SQLException {
        Arguments.notNull("connection", connection, "pass the connection the walk will read from");
        Arguments.notNull("use", use, "pass ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED");
        Arguments.fetchSize(fetchSize);
        JdbcDriver driver = JdbcDriver.of(connection);
        Mode mode;
        if (fetchSize == 0) {
            mode = Mode.BUFFERED;
        } else if (driver == JdbcDriver.MYSQL_CONNECTOR_J && fetchSize > 0) {
            mode = ConnectorJ.cursorFetchEnabled(connection) ? Mode.CURSOR : Mode.BUFFERED;
        } else {
            mode = Mode.STREAM;
        }
        FetchPlan plan = new FetchPlan(mode, fetchSize, driver);
        return use == ConnectionUse.SHARED && !plan.connectionFreeDuringWalk() ? refuse(plan) : plan;
    }

    private static FetchPlan refuse(FetchPlan streaming) {
        String why = streaming.driver == JdbcDriver.MYSQL_CONNECTOR_J
                ? "MySQL Connector/J without useCursorFetch streams with fetchSize=Integer.MIN_VALUE, which blocks"
                  + " every other statement on the connection until the result is closed"
                : "MariaDB Connector/J reads the whole rest of an open streaming result into memory before it runs"
                  + " another statement on the connection, which defeats the bounded heap";
        throw new BatchwiseException("This walk needs its connection for other statements while rows are read"
                + " (a flush each batch, lazy loading or writes in the loop), but " + why + ". Fix: connect with"
                + " MySQL Connector/J and add useCursorFetch=true to the JDBC URL (rows then come from a server-side"
                + " cursor), or walk with the keyset pager, which holds no result open between pages, or keep the"
                + " walk read-only and fetch what the loop needs in the query (join fetch).", -1, null);
    }

    /** A one-line description for logs and error messages, e.g. {@code STREAM (fetchSize=Integer.MIN_VALUE, MySQL Connector/J)}. */
    public String describe() {
        String size = fetchSize == Integer.MIN_VALUE ? "Integer.MIN_VALUE" : Integer.toString(fetchSize);
        return mode + " (fetchSize=" + size + ", " + driver + ")";
    }
}
