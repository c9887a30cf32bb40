package io.batchwise.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The server's view of a test's connections, and the operator's tools: find the connection
 * running a query, kill it or its query ({@code KILL CONNECTION} / {@code KILL QUERY} from a
 * connection of its own), read status counters.
 */
public final class ServerThreads {
    private ServerThreads() {
    }

    /**
     * The id of the connection in {@code schema} that is running a query whose text contains
     * {@code sqlFragment}, waiting up to 30 s for it to appear.
     */
    public static long running(TestSchema schema, String sqlFragment) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try (Connection admin = schema.server().connect(schema.name());
                PreparedStatement find = admin.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST"
                        + " WHERE DB = ? AND COMMAND IN ('Query', 'Execute') AND INFO LIKE ? AND ID <> CONNECTION_ID()")) {
            find.setString(1, schema.name());
            find.setString(2, "%" + sqlFragment + "%");
            while (true) {
                try (ResultSet r = find.executeQuery()) {
                    if (r.next()) {
                        return r.getLong(1);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no connection in " + schema.name() + " is running a query with '"
                            + sqlFragment + "'");
                }
                Thread.sleep(10);
            }
        }
    }

    /** {@code KILL CONNECTION id}, as an operator (or a proxy, or a failover) would. */
    public static void killConnection(TestSchema schema, long id) throws SQLException {
        execute(schema, "KILL CONNECTION " + id);
    }

    /** {@code KILL QUERY id}: stops the statement the connection is running, not the connection. */
    public static void killQuery(TestSchema schema, long id) throws SQLException {
        execute(schema, "KILL QUERY " + id);
    }

    /** The server thread id of {@code connection}. */
    public static long connectionId(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT CONNECTION_ID()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** A server-wide status counter, e.g. {@code Com_kill} (SHOW GLOBAL STATUS works on MySQL and MariaDB alike). */
    public static long globalStatus(TestSchema schema, String variable) throws SQLException {
        try (Connection admin = schema.server().connect(schema.name());
                PreparedStatement s = admin.prepareStatement("SHOW GLOBAL STATUS LIKE ?")) {
            s.setString(1, variable);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new AssertionError("no status variable " + variable);
                }
                return r.getLong(2);
            }
        }
    }

    private static void execute(TestSchema schema, String sql) throws SQLException {
        try (Connection admin = schema.server().connect(schema.name()); Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }
}
