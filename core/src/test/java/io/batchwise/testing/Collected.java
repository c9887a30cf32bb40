package io.batchwise.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.BooleanSupplier;

/** Waits for what happens after the garbage collector finds an object unreachable (a Cleaner's action). */
public final class Collected {
    private Collected() {
    }

    /**
     * Asks for collections until {@code done} holds; fails after 60 s (the collector found nothing
     * to clean: something still reaches the object).
     */
    public static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not after 60 s of collections: " + what);
            }
            System.gc();
            Thread.sleep(20);
        }
    }
}
