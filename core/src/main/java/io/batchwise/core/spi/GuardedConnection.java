package io.batchwise.core.spi;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Set;

/**
 * The chunk's connection as the work sees it: everything passes through except what would break
 * the chunk's transaction (commit, rollback, close, autocommit, abort), which is refused before it
 * reaches the driver, so the chunk's writes are rolled back with it rather than committed without
 * their checkpoint.
 */
public final class GuardedConnection {
    private static final Set<String> REFUSED = Set.of("commit", "close", "setAutoCommit", "abort");

    private GuardedConnection() {
    }

    public static Connection of(Connection connection, String job) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    boolean plainRollback = name.equals("rollback") && (args == null || args.length == 0);
                    if (REFUSED.contains(name) || plainRollback) {
                        throw new IllegalStateException("The work of migration job \"" + job + "\" called Connection."
                                + name + "() on the chunk's connection. The migration owns that transaction: it commits"
                                + " the chunk's writes together with the chunk's checkpoint, so a commit of the work's own"
                                + " would make writes permanent without their checkpoint (a restart would apply them again),"
                                + " and a close or rollback would lose the chunk. Remove the call and return from the"
                                + " work; throw an exception to roll the chunk back and stop the job.");
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
