package io.batchwise.core.internal;

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

    public static String notBlank(String parameter, String value, String fix) {
        notNull(parameter, value, fix);
        if (value.isBlank()) {
            throw new IllegalArgumentException(parameter + " must not be blank, was \"" + value + "\"; " + fix);
        }
        return value;
    }
}
