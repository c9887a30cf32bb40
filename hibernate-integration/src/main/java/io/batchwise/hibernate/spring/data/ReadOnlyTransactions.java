package io.batchwise.hibernate.spring.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Streams in the caller's transaction, or, when none is active, in a read-only one of their own,
 * from the call until the stream is closed or read to its end.
 */
final class ReadOnlyTransactions {
    /** Opens a stream; may throw anything the repository method throws. */
    @FunctionalInterface
    interface Opening<T> {
        T open() throws Throwable;
    }

    private ReadOnlyTransactions() {
    }

    /** The stream {@code opening} returns, in a read-only transaction ending with it if none is active. */
    @SuppressWarnings("unchecked")
    static <T> T stream(Supplier<PlatformTransactionManager> transactionManager, String name, Opening<T> opening)
            throws Throwable {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            return opening.open();
        }
        PlatformTransactionManager manager = transactionManager.get();
        TransactionStatus transaction = manager.getTransaction(readOnly(name));
        T result;
        try {
            result = opening.open();
        } catch (Throwable e) {
            rollback(manager, transaction, e);
            throw e;
        }
        if (!(result instanceof Stream<?> stream)) {
            manager.commit(transaction);
            return result;
        }
        return (T) endingWith(stream, () -> {
            if (!transaction.isCompleted()) {
                manager.commit(transaction);
            }
        });
    }

    private static TransactionDefinition readOnly(String name) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition(
                TransactionDefinition.PROPAGATION_REQUIRED);
        definition.setReadOnly(true);
        definition.setName(name);
        return definition;
    }

    static void rollback(PlatformTransactionManager manager, TransactionStatus transaction, Throwable e) {
        try {
            manager.rollback(transaction);
        } catch (RuntimeException rollback) {
            e.addSuppressed(rollback);
        }
    }

    /**
     * {@code stream}, closed at its end (or when reading it fails) as well as by the caller, then
     * {@code after}, once: the transaction of the walk ends when the last row has been read, also for
     * a caller who forgets to close.
     */
    static <T> Stream<T> endingWith(Stream<T> stream, Runnable after) {
        Runnable close = new Runnable() {
            private boolean closed;

            @Override
            public void run() {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    stream.close();
                } finally {
                    after.run();
                }
            }
        };
        Iterator<T> rows = stream.iterator();
        Iterator<T> closing = new Iterator<>() {
            private boolean done;

            @Override
            public boolean hasNext() {
                if (done) {
                    return false;
                }
                boolean more;
                try {
                    more = rows.hasNext();
                } catch (RuntimeException | Error e) {
                    done = true;
                    try {
                        close.run();
                    } catch (RuntimeException failure) {
                        e.addSuppressed(failure);
                    }
                    throw e;
                }
                if (!more) {
                    done = true;
                    close.run();
                }
                return more;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream has no more rows");
                }
                return rows.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(closing, Spliterator.ORDERED), false)
                .onClose(close);
    }
}
