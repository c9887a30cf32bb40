package io.batchwise.core.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The physical connections that have a walk streaming on them right now, so a second statement
 * on the same connection is refused with a clear message instead of the driver's
 * "Streaming result set ... is still active".
 */
public final class StreamingConnections {
    private static final Map<Connection, String> BUSY = Collections.synchronizedMap(new WeakHashMap<>());

    private StreamingConnections() {
    }

    /** The driver's own connection behind a pool proxy, which is what identifies the server session. */
    public static Connection physical(Connection connection) throws SQLException {
        return connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
    }

    /**
     * Marks {@code physical} busy with the walk described by {@code what}.
     *
     * @throws IllegalStateException if another walk is still streaming on it
     */
    public static void claim(Connection physical, String what) {
        synchronized (BUSY) {
            String other = BUSY.get(physical);
            if (other != null) {
                throw new IllegalStateException("Another walk is still streaming on this connection (" + other
                        + "), and a streaming result blocks every other statement on its connection until it is"
                        + " closed. Close the first walk before opening the next (try-with-resources), or open the"
                        + " second one on another session / connection, or use the keyset pager.");
            }
            BUSY.put(physical, what);
        }
    }

    public static void release(Connection physical) {
        BUSY.remove(physical);
    }
}
