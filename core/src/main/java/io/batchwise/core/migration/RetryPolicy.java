package io.batchwise.core.migration;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a migration retries a chunk that failed for a transient reason (deadlock, lock wait timeout,
 * lost connection, killed query, server restart): the chunk is rolled back, its position is read
 * again from the checkpoint, and it runs again after a pause that doubles from {@code initialBackoff}
 * up to {@code maxBackoff}, with jitter (half the pause fixed, half random, so that partitions and
 * processes that failed together do not retry together). After {@code maxAttempts} failed attempts
 * of the same chunk the job stops. A chunk that succeeds resets the count.
 *
 * <pre>{@code
 * RetryPolicy patient = RetryPolicy.of(20, Duration.ofMillis(200), Duration.ofSeconds(30));
 * }</pre>
 *
 * @param maxAttempts    attempts of one chunk, the first included (1 to 1,000)
 * @param initialBackoff the pause after the first failure (1 ms to 1 hour)
 * @param maxBackoff     the longest pause (at least {@code initialBackoff}, at most 1 hour)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /**
     * Ten attempts, 200 ms doubling to 30 s: rides out about a minute of server restart (the sum of
     * the pauses is 55 to 110 s).
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(30));

    /** One attempt: the first transient failure stops the job. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1));

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 1_000) {
            throw new IllegalArgumentException("maxAttempts must be in [1, 1000], was " + maxAttempts
                    + "; pass the attempts of one chunk, the first included, e.g. 10");
        }
        check("initialBackoff", initialBackoff);
        check("maxBackoff", maxBackoff);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff (" + initialBackoff + "), was "
                    + maxBackoff + "; pass the longest pause between two attempts, e.g. Duration.ofSeconds(30)");
        }
    }

    /** The policy with these bounds; see the record's description. */
    public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    private static void check(String parameter, Duration value) {
        if (value == null || value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(parameter + " must be between 1 ms and 1 hour, was " + value
                    + "; pass e.g. Duration.ofMillis(200)");
        }
    }

    /** The pause before attempt {@code failedAttempts + 1}: half of the doubled backoff, plus up to as much at random. */
    public Duration backoff(int failedAttempts) {
        long base = initialBackoff.toMillis();
        long capped = maxBackoff.toMillis();
        long pause = base;
        for (int i = 1; i < failedAttempts && pause < capped; i++) {
            pause *= 2;
        }
        pause = Math.min(pause, capped);
        long half = pause / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(pause - half + 1));
    }
}
