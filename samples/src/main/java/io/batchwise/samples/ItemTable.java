package io.batchwise.samples;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The samples' and the benchmark's data: a table of {@code rows} items of about 300 bytes each, generated on the server
 * (no rows cross the network), with a non-unique {@code created_at} (ten rows per microsecond-precise
 * timestamp), a nullable {@code category}, a {@code DECIMAL} amount and a ~250 character payload.
 *
 * <pre>
 * id BIGINT PK | created_at DATETIME(6) | category VARCHAR(32) NULL | amount DECIMAL(12,2) | payload VARCHAR(255)
 * </pre>
 *
 * <p>The same rows as core's test fixture {@code io.batchwise.testing.ItemTable}, so the benchmark
 * measures the table the memory tests prove bounds on; it is a copy because a program a user runs
 * does not depend on a test-jar, and {@code SampleDataIT} fails when the two tables differ.
 */
public final class ItemTable {
    private ItemTable() {
    }

    /** Creates (or re-creates) {@code table} with {@code rows} rows; ids run 1..rows. */
    public static void create(Connection connection, String table, long rows) throws SQLException {
        if (rows < 0 || rows > 100_000_000L) {
            throw new IllegalArgumentException("rows must be in [0, 100000000], was " + rows);
        }
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS `" + table + "`");
            s.execute("CREATE TABLE `" + table + "` ("
                    + " id BIGINT NOT NULL PRIMARY KEY,"
                    + " created_at DATETIME(6) NOT NULL,"
                    + " category VARCHAR(32) NULL,"
                    + " amount DECIMAL(12,2) NOT NULL,"
                    + " payload VARCHAR(255) NOT NULL,"
                    + " KEY idx_" + table + "_created (created_at, id)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
            // The first rows (up to 100,000) come from a cross join of digits; the rest by copying
            // the ids already there, shifted, and computing every column again from the new id, so
            // the time is linear in the rows and each statement (and its undo log) stays small.
            long base = Math.min(rows, 100_000);
            if (base > 0) {
                s.execute("DROP TABLE IF EXISTS bw_digits");
                // a plain table: MySQL cannot refer to a TEMPORARY table twice in one query ("Can't reopen table")
                s.execute("CREATE TABLE bw_digits (d INT NOT NULL PRIMARY KEY)");
                s.execute("INSERT INTO bw_digits VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9)");
                int digits = Math.max(1, (int) Math.ceil(Math.log10(base)));
                StringBuilder n = new StringBuilder("(");
                StringBuilder from = new StringBuilder();
                long scale = 1;
                for (int i = 0; i < digits; i++) {
                    if (i > 0) {
                        n.append(" + ");
                        from.append(", ");
                    }
                    n.append("d").append(i).append(".d * ").append(scale);
                    from.append("bw_digits d").append(i);
                    scale *= 10;
                }
                n.append(" + 1)");
                s.execute("INSERT INTO `" + table + "` (id, created_at, category, amount, payload)"
                        + " SELECT " + columns("n") + " FROM (SELECT " + n + " AS n FROM " + from + ") g"
                        + " WHERE n <= " + base);
                s.execute("DROP TABLE bw_digits");
            }
            for (long done = base; done < rows; ) {
                long copy = Math.min(Math.min(done, rows - done), 200_000);
                s.execute("INSERT INTO `" + table + "` (id, created_at, category, amount, payload)"
                        + " SELECT " + columns("(id + " + done + ")") + " FROM `" + table + "` WHERE id <= " + copy);
                done += copy;
            }
            s.execute("ANALYZE TABLE `" + table + "`");
        }
    }

    /** The row with id {@code n} (an SQL expression): every column is a function of the id alone. */
    private static String columns(String n) {
        return n + ","
                + " TIMESTAMP('2024-01-01 00:00:00') + INTERVAL (" + n + " DIV 10) * 1000003 MICROSECOND,"
                + " CASE WHEN " + n + " % 7 = 0 THEN NULL ELSE CONCAT('cat-', " + n + " % 13) END,"
                + " (" + n + " % 100000) / 100,"
                + " RPAD(CONCAT('item-', " + n + ", '-'), 250, SHA2(" + n + ", 256))";
    }

    /**
     * The checksum every walker must reproduce from the rows it read:
     * {@code sum(checksum(id, amount, payload))} over all rows, see {@link #checksum(long, BigDecimal, String)}.
     */
    public static long expectedChecksum(Connection connection, String table) throws SQLException {
        return expectedChecksum(connection, table, Long.MAX_VALUE);
    }

    /** The checksum of the rows with {@code id <= lastId}: what a walk in id order has after {@code lastId} rows. */
    public static long expectedChecksum(Connection connection, String table, long lastId) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT COALESCE(SUM(id * 31 + amount * 100 + CHAR_LENGTH(payload)), 0) FROM `"
                        + table + "` WHERE id <= " + lastId)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** One row's share of the checksum. */
    public static long checksum(long id, BigDecimal amount, String payload) {
        return id * 31 + amount.movePointRight(2).longValueExact() + payload.length();
    }

    /** Whether {@code table} exists with exactly {@code rows} rows (so a benchmark can reuse it). */
    public static boolean hasRows(Connection connection, String table, long rows) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
                        + " AND table_name = '" + table.replace("'", "") + "'")) {
            r.next();
            if (r.getInt(1) == 0) {
                return false;
            }
        }
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM `" + table + "`")) {
            r.next();
            return r.getLong(1) == rows && r.getLong(2) == rows;
        }
    }
}
