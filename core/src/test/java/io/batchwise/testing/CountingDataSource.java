package io.batchwise.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

/**
 * Wraps a {@link DataSource} or {@link Connection} and counts what could send SQL: statements
 * created or prepared, and {@code execute*} calls on them. A test asserts the count did not move
 * to prove that a call was refused before any SQL was sent.
 */
public final class CountingDataSource {
    private static final Set<String> STATEMENT_FACTORIES = Set.of("createStatement", "prepareStatement", "prepareCall");

    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger borrows = new AtomicInteger();

    /** Statements created or prepared, plus statements executed, so far. */
    public int statements() {
        return statements.get();
    }

    /** Connections borrowed through {@link #wrap(DataSource)}. */
    public int borrows() {
        return borrows.get();
    }

    public DataSource wrap(DataSource dataSource) {
        return proxy(DataSource.class, dataSource, (method, result) -> {
            if (method.getName().equals("getConnection")) {
                borrows.incrementAndGet();
                return wrap((Connection) result);
            }
            return result;
        });
    }

    public Connection wrap(Connection connection) {
        return proxy(Connection.class, connection, (method, result) -> {
            if (STATEMENT_FACTORIES.contains(method.getName())) {
                statements.incrementAndGet();
                return proxy(method.getReturnType(), result, (m, r) -> {
                    if (m.getName().startsWith("execute")) {
                        statements.incrementAndGet();
                    }
                    return r;
                });
            }
            return result;
        });
    }

    private interface After {
        Object apply(Method method, Object result);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object target, After after) {
        InvocationHandler handler = (p, method, args) -> {
            try {
                return after.apply(method, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
