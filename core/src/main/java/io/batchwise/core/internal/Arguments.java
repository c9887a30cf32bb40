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

    public static String notBlank(String parameter, String value, String fix) {
        notNull(parameter, value, fix);
        if (value.isBlank()) {
            throw new IllegalArgumentException(parameter + " must not be blank, was \"" + value + "\"; " + fix);
        }
        return value;
    }
}
