package io.batchwise.core.spi;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The skip policy's bookkeeping for one partition: after a chunk fails for a reason that is not
 * transient, the sizes of the parts of it still to run from the partition's position, front first
 * (a part that fails is split in two halves in its place), and the failure of the one row at the
 * position once a part of one row has failed (that row is skipped next). No SQL: the engine runs
 * the parts as chunks and reports what they did.
 */
final class Bisection {
    private final Deque<Integer> parts = new ArrayDeque<>();
    private Exception rowFailure;

    /** Whether a failed chunk is being bisected. */
    boolean active() {
        return !parts.isEmpty();
    }

    /** The rows of the next chunk: the front part while bisecting, else {@code normal}. */
    int limit(int normal) {
        return parts.isEmpty() ? normal : parts.peekFirst();
    }

    /** The failure of the one row at the position, which is to be skipped next; null when none is. */
    Exception rowToSkip() {
        return rowFailure;
    }

    /**
     * The chunk of {@link #limit(int) limit(normal)} rows failed for a reason the skip policy
     * handles: it is split in two halves, or, when it was one row, that row is to be skipped next.
     *
     * @return whether the failure is now narrowed down to one row
     */
    boolean failed(int normal, Exception failure) {
        int failing = parts.isEmpty() ? normal : parts.pollFirst();
        if (failing <= 1) {
            parts.addFirst(1);
            rowFailure = failure;
            return true;
        }
        parts.addFirst(failing - failing / 2);
        parts.addFirst(failing / 2);
        return false;
    }

    /** {@code rows} rows after the position were committed (worked on, or skipped): they leave the parts. */
    void committed(long rows) {
        if (rows > 0) {
            rowFailure = null;
        }
        for (long left = rows; left > 0 && !parts.isEmpty(); ) {
            int front = parts.pollFirst();
            if (front > left) {
                parts.addFirst((int) (front - left));
                left = 0;
            } else {
                left -= front;
            }
        }
    }
}
