package io.batchwise.core.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Reads and sets MySQL Connector/J connection properties, and stops a connection's running query.
 *
 * <p>Connector/J is an optional dependency, and it has no module name of its own: the library
 * reaches its classes by reflection through the class loader of the connection at hand (the one
 * that loaded the driver, which may not be Batchwise's), so that neither the class path nor the
 * module path needs it unless it is the driver in use.
 */
public final class ConnectorJ {
    private static final String JDBC_CONNECTION = "com.mysql.cj.jdbc.JdbcConnection";
    private static final String RUNTIME_PROPERTY = "com.mysql.cj.conf.RuntimeProperty";

    private ConnectorJ() {
    }

    /** Whether {@code connection} (a Connector/J connection, possibly behind a pool proxy) has {@code useCursorFetch=true}. */
    public static boolean cursorFetchEnabled(Connection connection) throws SQLException {
        Object mysql = unwrap(connection);
        if (mysql == null) {
            String url = connection.getMetaData().getURL(); // Connector/J's classes are out of reach
            return url != null && url.toLowerCase(Locale.ROOT).contains("usecursorfetch=true");
        }
        return (Boolean) call(property(mysql, "getBooleanProperty", "useCursorFetch"), RUNTIME_PROPERTY, "getValue");
    }

    /**
     * The connection's {@code netTimeoutForStreamingResults}: the {@code net_write_timeout} Connector/J
     * sets before every streaming query (and resets afterwards to the value the server had when the
     * connection was opened); 0 when it leaves the session's value alone; -1 when it cannot be read.
     */
    public static int netTimeoutForStreamingResults(Connection connection) {
        try {
            Object mysql = unwrap(connection);
            return mysql == null ? -1
                    : (Integer) call(property(mysql, "getIntegerProperty", "netTimeoutForStreamingResults"),
                            RUNTIME_PROPERTY, "getValue");
        } catch (SQLException | RuntimeException unreadable) {
            return -1;
        }
    }

    /** Sets the connection's {@code netTimeoutForStreamingResults} (a runtime-modifiable property). */
    public static void netTimeoutForStreamingResults(Connection connection, int seconds) throws SQLException {
        Object mysql = unwrap(connection);
        if (mysql == null) {
            throw new SQLException("not a MySQL Connector/J connection: " + connection.getClass().getName());
        }
        Object property = property(mysql, "getIntegerProperty", "netTimeoutForStreamingResults");
        invoke(method(load(mysql.getClass(), RUNTIME_PROPERTY), "setValue", Object.class), property, seconds);
    }

    /**
     * Sends {@code KILL QUERY} for {@code connection}'s server thread over a short-lived side
     * connection opened with the same host, credentials and properties (what Connector/J's own
     * {@code Statement.cancel()} does; that one does nothing once a streaming query has returned its
     * first row).
     *
     * @return false if the query could not be killed (the caller then lets the driver drain the rest)
     */
    public static boolean killQuery(Connection connection) {
        try {
            Object mysql = unwrap(connection);
            if (mysql == null) {
                return false;
            }
            Object session = call(mysql, JDBC_CONNECTION, "getSession");
            long thread = (Long) call(session, "com.mysql.cj.Session", "getThreadId");
            Object hostInfo = call(session, "com.mysql.cj.Session", "getHostInfo");
            Class<?> hostInfoType = load(mysql.getClass(), "com.mysql.cj.conf.HostInfo");
            Method open = method(load(mysql.getClass(), "com.mysql.cj.jdbc.ConnectionImpl"), "getInstance", hostInfoType);
            try (Connection side = (Connection) invoke(open, null, hostInfo); Statement kill = side.createStatement()) {
                kill.execute("KILL QUERY " + thread);
            }
            return true;
        } catch (SQLException | RuntimeException notKilled) {
            return false;
        }
    }

    /** The Connector/J connection behind {@code connection}, or null if there is none or its classes are out of reach. */
    private static Object unwrap(Connection connection) throws SQLException {
        Class<?> type;
        try {
            type = Class.forName(JDBC_CONNECTION, false, connection.getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError outOfReach) {
            return null;
        }
        return connection.isWrapperFor(type) ? connection.unwrap(type) : null;
    }

    /** {@code mysql.getPropertySet().<getter>(PropertyKey.<key>)}. */
    private static Object property(Object mysql, String getter, String key) throws SQLException {
        Object properties = call(mysql, JDBC_CONNECTION, "getPropertySet");
        Class<?> keyType = load(mysql.getClass(), "com.mysql.cj.conf.PropertyKey");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object propertyKey = Enum.valueOf((Class) keyType, key);
        return invoke(method(load(mysql.getClass(), "com.mysql.cj.conf.PropertySet"), getter, keyType), properties,
                propertyKey);
    }

    /** {@code target.name()}, called through the public Connector/J interface {@code type} that declares it. */
    private static Object call(Object target, String type, String name) throws SQLException {
        return invoke(method(load(target.getClass(), type), name), target);
    }

    private static Class<?> load(Class<?> sibling, String name) {
        try {
            return Class.forName(name, false, sibling.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("MySQL Connector/J without " + name + ": an unsupported version", e);
        }
    }

    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("MySQL Connector/J's " + type.getName() + " has no " + name
                    + ": an unsupported version", e);
        }
    }

    private static Object invoke(Method method, Object target, Object... arguments) throws SQLException {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call MySQL Connector/J's " + method, e);
        }
    }
}
