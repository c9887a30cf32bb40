package io.batchwise.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A data source that hands out the same connection every time, with {@code close()} a no-op, so a
 * test can read session state (e.g. {@code Handler_read%} counters) around what a walker does with
 * "borrowed" connections. The caller closes the real connection.
 */
public final class OneConnectionDataSource implements DataSource {
    private final Connection connection;
    private final Connection unclosable;

    public OneConnectionDataSource(Connection connection) {
        this.connection = connection;
        this.unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && (args == null || args.length == 0)) {
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The real connection. */
    public Connection connection() {
        return connection;
    }

    @Override
    public Connection getConnection() {
        return unclosable;
    }

    @Override
    public Connection getConnection(String username, String password) {
        return unclosable;
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
    }

    @Override
    public void setLoginTimeout(int seconds) {
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws java.sql.SQLException {
        throw new java.sql.SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }
}
