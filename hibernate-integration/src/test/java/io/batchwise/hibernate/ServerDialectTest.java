package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.sql.DataSource;

import org.hibernate.dialect.Dialect;
import org.junit.jupiter.api.Test;

/** Version parsing and argument checks of {@link ServerDialect}: no server needed. */
class ServerDialectTest {

    @Test
    void takesMariaDbsOwnVersionAfterTheConnectorJPrefix() {
        Dialect dialect = ServerDialect.forVersion("5.5.5-10.11.5-MariaDB-log");
        assertInstanceOf(MariaDbServerDialect.class, dialect);
        assertEquals("10.11.5", dialect.getVersion().toString());
        assertFalse(((MariaDbServerDialect) dialect).nativeTypes(), "MySQL-compatible column types by default");
        assertEquals("11.4.5", ServerDialect.forVersion("11.4.5-MariaDB").getVersion().toString());
        assertTrue(((MariaDbServerDialect) ServerDialect.forVersion("11.4.5-MariaDB",
                ServerDialect.ColumnTypes.MARIADB_NATIVE)).nativeTypes());
    }

    @Test
    void aMySqlVersionGivesTheMySqlDialect() {
        Dialect dialect = ServerDialect.forVersion("8.4.3");
        assertInstanceOf(MySqlServerDialect.class, dialect);
        assertEquals("8.4.3", dialect.getVersion().toString());
    }

    @Test
    void refusesBadArgumentsNamingParameterValueAndFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerDialect.forVersion("banana"));
        assertEquals("serverVersion must look like 8.4.3 or 11.4.5-MariaDB, was 'banana'; pass the result of SELECT"
                + " VERSION()", e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerDialect.of((DataSource) null))
                .getMessage().startsWith("dataSource"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerDialect.forVersion("8.4.3", null))
                .getMessage().startsWith("types"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MariaDbServerDialect(null,
                ServerDialect.ColumnTypes.MYSQL_COMPATIBLE)).getMessage().startsWith("version"));
    }
}
