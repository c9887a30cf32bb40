package io.batchwise.core;

import java.sql.SQLException;
import java.sql.Statement;

import io.batchwise.core.spi.Arguments;

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

    /** A one-line description for logs and error messages, e.g. {@code STREAM (fetchSize=Integer.MIN_VALUE, MySQL Connector/J)}. */
    public String describe() {
        String size = fetchSize == Integer.MIN_VALUE ? "Integer.MIN_VALUE" : Integer.toString(fetchSize);
        return mode + " (fetchSize=" + size + ", " + driver + ")";
    }
}
