package io.batchwise.core.spi;

import java.lang.ref.Cleaner;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.batchwise.core.BatchwiseException;

/**
 * Reads the units of a walk (keyset pages, yieldPer batches) on a thread of its own while the
 * caller works on the unit it holds: at most {@code n} units are read or being read that the caller
 * has not taken yet, so memory stays bounded by {@code n + 1} units. The thread starts with the
 * first {@link #take()}, ends at the end of the units, at the first failure, or when the caller
 * {@linkplain #close() closes}, and is gone when {@link #close()} returns: the source is closed on
 * the reader's thread, after its last read, so whatever it borrowed is back by then.
 *
 * <p>The thread is virtual where the JDK has virtual threads (21 and later, found at run time), a
 * platform daemon thread on 17; its name starts with {@value #THREAD_NAME}. A walk that is dropped
 * without being closed stops its reader once the walk is collected ({@link #stopWhenUnreachable}):
 * the reader ends after the read in progress and closes its source, so its connection goes back to
 * the pool then, not at once (close walks; this is the net under a forgotten close). A failure of the
 * source reaches the caller once, as it was thrown, when the caller gets to the unit it failed on.
 * Not thread-safe: one caller thread takes and closes.
 *
 * @param <U> the unit handed over
 */
public final class ReadAhead<U> implements AutoCloseable {
    /** The most units a walk reads ahead: each is held in memory whole. */
    public static final int MAX = 16;
    /** The prefix of every reader thread's name. */
    public static final String THREAD_NAME = "batchwise-read-ahead-";

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Cleaner ABANDONED = Cleaner.create();
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static final Method OF_VIRTUAL;
    private static final Method NAMED;
    private static final Method UNSTARTED;

    static {
        Method ofVirtual = null;
        Method named = null;
        Method unstarted = null;
        try {
            Class<?> builder = Class.forName("java.lang.Thread$Builder");
            ofVirtual = Thread.class.getMethod("ofVirtual");
            named = builder.getMethod("name", String.class);
            unstarted = builder.getMethod("unstarted", Runnable.class);
        } catch (ReflectiveOperationException | LinkageError onJava17) {
            ofVirtual = null;
        }
        OF_VIRTUAL = ofVirtual;
        NAMED = named;
        UNSTARTED = unstarted;
    }

    /** Where the units come from; called on the reader's thread only. */
    public interface Source<U> {
        /** The next unit, or null after the last. */
        U next();

        /** Releases what the source holds; called once, after its last {@link #next()}, also after a failure or a stop. */
        void close();
    }

    private static final Object END = new Object();

    private record Failed(Throwable failure) {
    }

    private final Source<U> source;
    private final int ahead;
    private final Semaphore permits;
    private final LinkedBlockingQueue<Object> read = new LinkedBlockingQueue<>();
    private volatile boolean stopped;
    private volatile RuntimeException closeFailure;
    private Thread thread;
    private boolean ended;

    /** @param ahead units read ahead of the caller, 1 to {@value #MAX} */
    public ReadAhead(Source<U> source, int ahead) {
        this.source = source;
        this.ahead = checked("readAhead", ahead);
        this.permits = new Semaphore(ahead);
    }

    /**
     * {@code n} checked as a read-ahead option: 0 (off) to {@value #MAX}.
     *
     * @throws IllegalArgumentException naming {@code parameter}, the value and the fix
     */
    public static int checked(String parameter, int n) {
        if (n < 0 || n > MAX) {
            throw new IllegalArgumentException(parameter + " must be between 0 (off) and " + MAX + ", was " + n
                    + "; it is how many pages or batches are read ahead of the caller, each held in memory whole:"
                    + " 1 hides the read when the work on a page takes about as long as reading it");
        }
        return n;
    }

    /** Whether reader threads are virtual threads on this JDK. */
    public static boolean virtualThreads() {
        return OF_VIRTUAL != null;
    }

    /** Reader threads of every walk that have started and not yet ended (virtual threads are not listed by the JDK). */
    public static int running() {
        return RUNNING.get();
    }

    /**
     * The next unit, read ahead or waited for; null after the last.
     *
     * @throws RuntimeException the source's failure, as it was thrown (an {@link Error} is rethrown as is)
     */
    public U take() {
        if (ended) {
            return null;
        }
        if (thread == null) {
            thread = newThread(THREAD_NAME + THREADS.incrementAndGet(), this::run);
            thread.start();
        }
        Object unit;
        try {
            unit = read.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BatchwiseException(BatchwiseException.Reason.OTHER, "The thread was interrupted while it waited"
                    + " for the page or batch read ahead; the walk stops", -1, null, e);
        }
        permits.release();
        if (unit == END) {
            ended = true;
            return null;
        }
        if (unit instanceof Failed failed) {
            ended = true;
            if (failed.failure() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failed.failure() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(failed.failure());
        }
        @SuppressWarnings("unchecked")
        U taken = (U) unit;
        return taken;
    }

    /**
     * Stops this reader once {@code walk}, the object the caller holds, is no longer reachable, as if
     * it had been closed but without waiting for the reader's thread: the reader then ends after the
     * read in progress and closes its source on its own thread. The reader's thread keeps this object
     * reachable, never {@code walk}, so only {@code walk} can tell that the caller is gone.
     *
     * @return this
     */
    public ReadAhead<U> stopWhenUnreachable(Object walk) {
        ABANDONED.register(walk, new Abandoned(this));
        return this;
    }

    /** The cleaning action: holds the reader, never the walk. */
    private record Abandoned(ReadAhead<?> ahead) implements Runnable {
        @Override
        public void run() {
            ahead.stopped = true;
            ahead.permits.release(ahead.ahead + 1);
            ahead.read.clear();
        }
    }

    /**
     * Stops the reader after the read in progress, waits for its thread to end (its source closed),
     * and drops what was read ahead.
     *
     * @throws RuntimeException the failure of closing the source after a stop
     */
    @Override
    public void close() {
        stopped = true;
        permits.release(ahead + 1);
        Thread reader = thread;
        if (reader != null && reader != Thread.currentThread()) {
            boolean interrupted = false;
            while (true) {
                try {
                    reader.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the reader ends after one read: wait for it, then keep the interrupt
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        read.clear();
        ended = true;
        RuntimeException failure = closeFailure;
        closeFailure = null;
        if (failure != null) {
            throw failure;
        }
    }

    private void run() {
        RUNNING.incrementAndGet();
        try {
            Object last = END;
            try {
                while (true) {
                    permits.acquire();
                    if (stopped) {
                        break;
                    }
                    U unit = source.next();
                    if (unit == null) {
                        break;
                    }
                    read.add(unit);
                }
            } catch (InterruptedException e) {
                stopped = true;
            } catch (RuntimeException | Error e) {
                last = new Failed(e);
            }
            try {
                source.close();
            } catch (RuntimeException e) {
                if (last instanceof Failed failed) {
                    failed.failure().addSuppressed(e);
                } else if (stopped) {
                    closeFailure = e;
                } else {
                    last = new Failed(e);
                }
            }
            if (!stopped) {
                read.add(last);
            }
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private static Thread newThread(String name, Runnable task) {
        if (OF_VIRTUAL != null) {
            try {
                return (Thread) UNSTARTED.invoke(NAMED.invoke(OF_VIRTUAL.invoke(null), name), task);
            } catch (IllegalAccessException | InvocationTargetException e) {
                // fall back to a platform thread
            }
        }
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
