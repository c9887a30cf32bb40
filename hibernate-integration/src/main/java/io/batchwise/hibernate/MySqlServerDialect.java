package io.batchwise.hibernate;

import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.MySQLDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;

import io.batchwise.core.spi.Arguments;

/**
 * Hibernate's {@link MySQLDialect} for a MySQL server, refusing to run against MariaDB (whose
 * dialect is {@link MariaDbServerDialect}). Name it where Hibernate is configured by properties:
 * <pre>
 * spring.jpa.properties.hibernate.dialect=io.batchwise.hibernate.MySqlServerDialect
 * </pre>
 * or let {@link ServerDialect#of(javax.sql.DataSource)} choose. Being outside
 * {@code org.hibernate.dialect}, naming it does not make Hibernate log HHH90000025 ("does not need
 * to be specified explicitly"). Immutable once Hibernate has configured it.
 */
public class MySqlServerDialect extends MySQLDialect {

    /**
     * The constructor Hibernate calls for {@code hibernate.dialect=io.batchwise.hibernate.MySqlServerDialect}.
     *
     * @throws IllegalArgumentException when the server is MariaDB (name {@link MariaDbServerDialect})
     */
    public MySqlServerDialect(DialectResolutionInfo info) {
        super(ServerDialect.resolved(info, false));
    }

    /**
     * Hibernate calls this when it has no metadata to give the dialect (it could not read it, or the
     * other constructor refused it): refuses, saying why and what to change.
     *
     * @throws IllegalStateException always
     */
    public MySqlServerDialect() {
        super(ServerDialect.withoutMetadata(false));
    }

    /** The dialect for MySQL {@code version}; {@link ServerDialect#of(javax.sql.DataSource)} reads it for you. */
    public MySqlServerDialect(DatabaseVersion version) {
        super(Arguments.notNull("version", version, "pass the server's version, e.g. DatabaseVersion.make(8, 4, 3)"));
    }
}
