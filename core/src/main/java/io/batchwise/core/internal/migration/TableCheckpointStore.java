package io.batchwise.core.internal.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.batchwise.core.spi.Identifiers;
import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.CheckpointStore;

/** The default checkpoint store: one InnoDB row per job and partition, created on first use. */
public final class TableCheckpointStore implements CheckpointStore {
    private final String name;
    private final String table;

    public TableCheckpointStore(String name) {
        this.name = Identifiers.requireQualifiedName("name", name, "checkpoint table name", "schema name",
                "\"batchwise_checkpoint\" or \"ops.batchwise_checkpoint\"");
        this.table = Identifiers.quote(this.name);
    }

    @Override
    public String ddl() {
        // tokens are base64url (ASCII); 4,096 is the pagers' largest token
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + " job VARCHAR(190) NOT NULL,"
                + " part INT NOT NULL,"
                + " parts INT NOT NULL,"
                + " fingerprint CHAR(16) CHARACTER SET ascii NOT NULL,"
                + " lower_token VARCHAR(4096) CHARACTER SET ascii NULL,"
                + " upper_token VARCHAR(4096) CHARACTER SET ascii NULL,"
                + " position_token VARCHAR(4096) CHARACTER SET ascii NULL,"
                + " rows_read BIGINT NOT NULL,"
                + " rows_written BIGINT NOT NULL,"
                + " chunks BIGINT NOT NULL,"
                + " finished BOOLEAN NOT NULL,"
                + " updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),"
                + " PRIMARY KEY (job, part)"
                + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }

    @Override
    public void prepare(Connection connection) throws SQLException {
        if (exists(connection)) {
            return;
        }
        try (Statement s = connection.createStatement()) {
            s.execute(ddl());
        }
    }

    @Override
    public boolean exists(Connection connection) throws SQLException {
        String schema = Identifiers.qualifier(name);
        String sql = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                + (schema == null ? "DATABASE()" : "?") + " AND TABLE_NAME = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int i = 1;
            if (schema != null) {
                ps.setString(i++, schema);
            }
            ps.setString(i, Identifiers.unqualified(name));
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getInt(1) > 0;
            }
        }
    }

    private static final String COLUMNS = "job, part, parts, fingerprint, lower_token, upper_token, position_token,"
            + " rows_read, rows_written, chunks, finished";

    @Override
    public List<Checkpoint> load(Connection connection, String job) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                + " WHERE job = ? ORDER BY part")) {
            ps.setString(1, job);
            try (ResultSet r = ps.executeQuery()) {
                List<Checkpoint> all = new ArrayList<>();
                while (r.next()) {
                    all.add(read(r));
                }
                return all;
            }
        }
    }

    @Override
    public Checkpoint load(Connection connection, String job, int partition) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + table
                + " WHERE job = ? AND part = ?")) {
            ps.setString(1, job);
            ps.setInt(2, partition);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? read(r) : null;
            }
        }
    }

    private static Checkpoint read(ResultSet r) throws SQLException {
        return new Checkpoint(r.getString(1), r.getInt(2), r.getInt(3), r.getString(4), r.getString(5), r.getString(6),
                r.getString(7), r.getLong(8), r.getLong(9), r.getLong(10), r.getBoolean(11));
    }

    @Override
    public void create(Connection connection, List<Checkpoint> checkpoints) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Checkpoint c : checkpoints) {
                ps.setString(1, c.job());
                ps.setInt(2, c.partition());
                ps.setInt(3, c.partitions());
                ps.setString(4, c.fingerprint());
                ps.setString(5, c.lowerToken());
                ps.setString(6, c.upperToken());
                ps.setString(7, c.position());
                ps.setLong(8, c.rowsRead());
                ps.setLong(9, c.rowsWritten());
                ps.setLong(10, c.chunks());
                ps.setBoolean(11, c.finished());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    @Override
    public void save(Connection connection, Checkpoint previous, Checkpoint c) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("UPDATE " + table + " SET position_token = ?,"
                + " rows_read = ?, rows_written = ?, chunks = ?, finished = ? WHERE job = ? AND part = ?"
                + " AND fingerprint = ? AND position_token <=> ? AND finished = FALSE")) {
            ps.setString(1, c.position());
            ps.setLong(2, c.rowsRead());
            ps.setLong(3, c.rowsWritten());
            ps.setLong(4, c.chunks());
            ps.setBoolean(5, c.finished());
            ps.setString(6, c.job());
            ps.setInt(7, c.partition());
            ps.setString(8, c.fingerprint());
            ps.setString(9, previous.position());
            int updated = ps.executeUpdate();
            if (updated != 1) {
                throw new CheckpointMovedException("The checkpoint of job \"" + c.job() + "\" partition "
                        + c.partition() + " in " + table + " is no longer where this chunk started (position "
                        + previous.position() + "): another run of the job committed this chunk, or the job was"
                        + " reset or deleted while it ran. This chunk is rolled back.");
            }
        }
    }

    @Override
    public int reset(Connection connection, String job) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE job = ?")) {
            ps.setString(1, job);
            return ps.executeUpdate();
        }
    }

    @Override
    public String toString() {
        return "CheckpointStore.table(\"" + name + "\")";
    }
}
