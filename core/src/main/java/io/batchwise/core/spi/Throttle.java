package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Asked before every chunk whether the migration should wait: on a busy server, a lagging replica,
 * office hours. The migration waits what it returns and asks again, until it returns
 * {@link Duration#ZERO} or a stop is requested.
 *
 * <pre>{@code
 * .throttle(Throttle.threadsRunning(32, Duration.ofSeconds(1)))
 * .throttle(c -> replicaLagSeconds() > 5 ? Duration.ofSeconds(2) : Duration.ZERO)
 * }</pre>
 * Called from the partitions' threads (thread-safe if there are several), outside any transaction,
 * on a connection of the migration's that the throttle must not close.
 */
@FunctionalInterface
public interface Throttle {
    /** How long to wait before asking again; {@link Duration#ZERO} to run the next chunk now. */
    Duration check(Connection connection) throws SQLException;

    /** Never waits. */
    Throttle NONE = connection -> Duration.ZERO;

    /**
     * Waits {@code pause} while the server's {@code Threads_running} status (statements executing
     * right now, this check included) is above {@code limit}: the check pt-online-schema-change
     * calls {@code --max-load}.
     *
     * @throws IllegalArgumentException if {@code limit < 1} or {@code pause} is not between 1 ms and 1 minute
     */
    static Throttle threadsRunning(int limit, Duration pause) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit
                    + "; pass the Threads_running above which chunks wait, e.g. 32");
        }
        if (pause == null || pause.compareTo(Duration.ofMillis(1)) < 0 || pause.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("pause must be between 1 ms and 1 minute, was " + pause
                    + "; pass how long to wait before checking again, e.g. Duration.ofSeconds(1)");
        }
        return connection -> {
            try (Statement s = connection.createStatement();
                    ResultSet r = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Threads_running'")) {
                return r.next() && r.getLong(2) > limit ? pause : Duration.ZERO;
            }
        };
    }
}
