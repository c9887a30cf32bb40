package io.batchwise.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcMigration;
import io.batchwise.core.SortKey;

/**
 * The exactly-once fixture: the item table with a {@code touched} counter that the migration's work
 * increments once per visit, so after a job every row must show 1.
 */
public final class Counters {
    private Counters() {
    }

    /** Creates {@code table} with {@code rows} items and a zeroed {@code touched} column. */
    public static void create(Connection connection, String table, long rows) throws SQLException {
        ItemTable.create(connection, table, rows);
        try (Statement s = connection.createStatement()) {
            s.execute("ALTER TABLE `" + table + "` ADD COLUMN touched INT NOT NULL DEFAULT 0");
        }
    }

    /** The pager over the ids of {@code table}. */
    public static JdbcKeysetPager<Long> ids(DataSource dataSource, String table) {
        return JdbcKeysetPager.select(dataSource, "id", row -> row.getLong(1)).from(table)
                .orderBy(SortKey.asc("id")).open();
    }

    /** The work: {@code touched = touched + 1} for every id of the chunk, one batch. */
    public static JdbcMigration.ChunkWork<Long> increment(String table) {
        return (connection, ids) -> increment(connection, table, ids);
    }

    public static long increment(Connection connection, String table, List<Long> ids) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE `" + table
                + "` SET touched = touched + 1, amount = amount + 1 WHERE id = ?")) {
            for (long id : ids) {
                ps.setLong(1, id);
                ps.addBatch();
            }
            long written = 0;
            for (int n : ps.executeBatch()) {
                written += n == Statement.SUCCESS_NO_INFO ? 1 : n;
            }
            return written;
        }
    }

    /** Counts of rows by their {@code touched} value: {touched=0, touched=1, touched>1}. */
    public static long[] histogram(Connection connection, String table) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT COALESCE(SUM(touched = 0), 0), COALESCE(SUM(touched = 1), 0),"
                        + " COALESCE(SUM(touched > 1), 0) FROM `" + table + "`")) {
            r.next();
            return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
        }
    }
}
