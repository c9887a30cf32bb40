package io.batchwise.core.spi;


/**
 * Argument checks for public entry points: each message names the parameter, the bad value and
 * the fix, and each runs before any SQL.
 */
public final class Arguments {
    private Arguments() {
    }

    public static <T> T notNull(String parameter, T value, String fix) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + " must not be null; " + fix);
        }
        return value;
    }

    public static int atLeastOne(String parameter, int value, String fix) {
        if (value < 1) {
            throw new IllegalArgumentException(parameter + " must be >= 1, was " + value + "; " + fix);
        }
        return value;
    }

    /** A fetch size override: {@code >= 0}, or {@code Integer.MIN_VALUE} (Connector/J streaming). */
    public static int fetchSize(int rows) {
        if (rows < 0 && rows != Integer.MIN_VALUE) {
            throw new IllegalArgumentException("fetchSize must be >= 0 or Integer.MIN_VALUE, was " + rows
                    + "; pass the rows per round trip (e.g. 1000), or leave it unset to let Batchwise choose");
        }
        return rows;
    }

    /** The server's largest {@code net_write_timeout} (both MySQL and MariaDB): one year. */
    static final long MAX_NET_WRITE_TIMEOUT_SECONDS = 31_536_000;

    /** A {@code net_write_timeout} for one walk, in whole seconds (rounded up): 1 second to 365 days. */
    public static int netWriteTimeout(java.time.Duration timeout) {
        notNull("netWriteTimeout", timeout, "pass how long the server may wait for the loop to take the next rows,"
                + " e.g. Duration.ofMinutes(30)");
        long seconds = timeout.getSeconds() + (timeout.getNano() > 0 ? 1 : 0);
        if (timeout.isNegative() || seconds < 1 || seconds > MAX_NET_WRITE_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("netWriteTimeout must be between 1 second and 365 days (the server's"
                    + " limit for net_write_timeout), was " + timeout + "; pass how long the server may wait for the"
                    + " loop to take the next rows, e.g. Duration.ofMinutes(30)");
        }
        return (int) seconds;
    }

    public static String notBlank(String parameter, String value, String fix) {
        notNull(parameter, value, fix);
        if (value.isBlank()) {
            throw new IllegalArgumentException(parameter + " must not be blank, was \"" + value + "\"; " + fix);
        }
        return value;
    }
}
