package io.batchwise.core.internal;

import io.batchwise.core.spi.Arguments;

import java.sql.Connection;
import java.sql.SQLException;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.BatchwiseException.Reason;
import io.batchwise.core.ConnectionUse;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.FetchPlan.Mode;
import io.batchwise.core.JdbcDriver;

/**
 * Chooses the bounded-memory fetch for the driver actually connected (the table in
 * {@link FetchPlan}), with the refusal naming the option that asked for a shared connection.
 */
public final class FetchPlans {
    private FetchPlans() {
    }

    /**
     * The fetch for {@code connection}: chosen for the driver when {@code fetchSize} is null, else
     * what that fetch size amounts to.
     *
     * @param sharedBy the caller's option that made {@code use} {@link ConnectionUse#SHARED}, as the
     *                 refusal names it, e.g. {@code "connectionUse SHARED"}
     * @throws BatchwiseException if {@code use} is SHARED and the fetch would block or buffer the connection
     */
    public static FetchPlan choose(Connection connection, ConnectionUse use, Integer fetchSize, String sharedBy)
            throws SQLException {
        Arguments.notNull("connection", connection, "pass the connection the walk will read from");
        Arguments.notNull("use", use, "pass ConnectionUse.EXCLUSIVE or ConnectionUse.SHARED");
        JdbcDriver driver = JdbcDriver.of(connection);
        FetchPlan plan;
        if (fetchSize == null) {
            plan = switch (driver) {
                case MYSQL_CONNECTOR_J -> ConnectorJ.cursorFetchEnabled(connection)
                        ? new FetchPlan(Mode.CURSOR, FetchPlan.DEFAULT_FETCH_ROWS, driver)
                        : new FetchPlan(Mode.STREAM, Integer.MIN_VALUE, driver);
                case MARIADB_CONNECTOR_J, OTHER -> new FetchPlan(Mode.STREAM, FetchPlan.DEFAULT_FETCH_ROWS, driver);
            };
        } else {
            Mode mode;
            if (fetchSize == 0) {
                mode = Mode.BUFFERED;
            } else if (driver == JdbcDriver.MYSQL_CONNECTOR_J && fetchSize > 0) {
                mode = ConnectorJ.cursorFetchEnabled(connection) ? Mode.CURSOR : Mode.BUFFERED;
            } else {
                mode = Mode.STREAM;
            }
            plan = new FetchPlan(mode, fetchSize, driver);
        }
        if (use == ConnectionUse.SHARED && !plan.connectionFreeDuringWalk()) {
            throw refusal(plan, sharedBy);
        }
        return plan;
    }

    private static BatchwiseException refusal(FetchPlan plan, String sharedBy) {
        String why = plan.driver() == JdbcDriver.MYSQL_CONNECTOR_J
                ? "MySQL Connector/J without useCursorFetch streams with fetchSize=Integer.MIN_VALUE, which blocks"
                  + " every other statement on the connection until the result is closed"
                : "MariaDB Connector/J reads the whole rest of an open streaming result into memory before it"
                  + " runs another statement on the connection, which defeats the bounded heap";
        return new BatchwiseException(Reason.STREAM_BLOCKED, sharedBy + " needs the walk's connection free for other"
                + " statements while rows are read (a flush each batch, lazy loading or writes in the loop), but " + why + ". Fix: connect"
                + " with MySQL Connector/J and add useCursorFetch=true to the JDBC URL (rows then come from a"
                + " server-side cursor), or walk with the keyset pager, which holds no result open between pages, or"
                + " keep the walk read-only and fetch what the loop needs in the query (join fetch).", -1, null,
                null);
    }
}
