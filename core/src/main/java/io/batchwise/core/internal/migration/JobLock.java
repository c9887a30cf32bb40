package io.batchwise.core.internal.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * The server-side lock that keeps a job from running twice at once: {@code GET_LOCK} on a name
 * derived from the schema and the job, held by one connection for the whole run. The server frees
 * it when that connection ends, so a killed process (kill -9) does not leave it behind. Every
 * chunk checks, inside its transaction, that this run still holds it ({@code IS_USED_LOCK}); if
 * the lock connection died (server restart), the next attempt takes the lock again or, if another
 * run has it, stops. (The checkpoint's compare-and-set is what guarantees exactly-once; the lock
 * makes a second runner fail fast instead of failing chunk by chunk.)
 */
public final class JobLock {
    public interface Connections {
        Connection open() throws SQLException;
    }

    private final String job;
    private final String name;
    private final int waitSeconds;
    private final Connections connections;
    private Connection holder;
    private long holderId;

    private JobLock(String job, String name, int waitSeconds, Connections connections) {
        this.job = job;
        this.name = name;
        this.waitSeconds = waitSeconds;
        this.connections = connections;
    }

    /** Takes the job's lock on {@code connection}, which then stays open until {@link #release()}. */
    public static JobLock acquire(Connection connection, String job, int waitSeconds, Connections connections)
            throws SQLException {
        String schema;
        try (PreparedStatement ps = connection.prepareStatement("SELECT DATABASE()"); ResultSet r = ps.executeQuery()) {
            r.next();
            schema = r.getString(1);
        }
        JobLock lock = new JobLock(job, name(schema, job), waitSeconds, connections);
        lock.take(connection);
        return lock;
    }

    /** {@code batchwise-job-} and 40 hex digits of SHA-256(schema, job): lock names have at most 64 characters. */
    static String name(String schema, String job) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((schema + "\u0000" + job).getBytes(StandardCharsets.UTF_8));
            return "batchwise-job-" + HexFormat.of().formatHex(digest).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    private void take(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, ?), CONNECTION_ID()")) {
            ps.setString(1, name);
            ps.setInt(2, waitSeconds);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                int got = r.getInt(1);
                boolean isNull = r.wasNull();
                long id = r.getLong(2);
                if (isNull || got != 1) {
                    throw new IllegalStateException("Migration job \"" + job + "\" is already running: the server lock \""
                            + name + "\" that a running job holds is held by connection " + holder(connection)
                            + " (SHOW PROCESSLIST names its host). A job runs once at a time, so this run was refused"
                            + " before it read or wrote anything. Wait for the other run to finish, or stop it"
                            + " (its StopSignal, or KILL CONNECTION on that id) and run again; the job resumes from"
                            + " its checkpoint.");
                }
                holder = connection;
                holderId = id;
            }
        }
    }

    private String holder(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                String id = r.getString(1);
                return id == null ? "(none any more: it was just released; run again)" : id;
            }
        }
    }

    /** Throws {@link LockLostException} unless this run holds the lock; runs inside the chunk's transaction. */
    public void verify(Connection chunk) throws SQLException {
        long id;
        synchronized (this) {
            id = holderId;
        }
        try (PreparedStatement ps = chunk.prepareStatement("SELECT IS_USED_LOCK(?)")) {
            ps.setString(1, name);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                long current = r.getLong(1);
                if (r.wasNull() || current != id) {
                    throw new LockLostException("Migration job \"" + job + "\" lost its lock \"" + name + "\" (held by "
                            + (r.wasNull() ? "nobody" : "connection " + current) + ", not " + id + ")");
                }
            }
        }
    }

    /**
     * Before an attempt: when the lock connection has died (server restart, KILL), takes the lock
     * again on a new connection. Throws {@link IllegalStateException} when another run holds it.
     */
    public synchronized void ensureHeld() throws SQLException {
        if (holder != null && holder.isValid(5)) {
            return;
        }
        closeHolder();
        Connection fresh = connections.open();
        try {
            fresh.setAutoCommit(true);
            take(fresh);
        } catch (SQLException | RuntimeException e) {
            try {
                fresh.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Releases the lock and closes its connection; quiet. */
    public synchronized void release() {
        if (holder == null) {
            return;
        }
        try (PreparedStatement ps = holder.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, name);
            ps.executeQuery().close();
        } catch (SQLException ignored) {
            // the connection is gone, and the lock with it
        }
        closeHolder();
    }

    private void closeHolder() {
        if (holder != null) {
            try {
                holder.close();
            } catch (SQLException ignored) {
                // dead already
            }
            holder = null;
        }
    }

    String name() {
        return name;
    }

    /** The lock was lost (its connection died); the chunk rolls back and the next attempt takes it again. */
    public static final class LockLostException extends SQLException {
        private static final long serialVersionUID = 1L;

        LockLostException(String message) {
            super(message, "40000");
        }
    }
}
