package io.batchwise.hibernate;

import java.sql.Types;

import org.hibernate.boot.model.TypeContributions;
import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.MariaDBDialect;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;
import org.hibernate.service.ServiceRegistry;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.jdbc.JdbcType;
import org.hibernate.type.descriptor.jdbc.UuidAsBinaryJdbcType;
import org.hibernate.type.descriptor.jdbc.VarcharUUIDJdbcType;
import org.hibernate.type.descriptor.jdbc.spi.JdbcTypeRegistry;

import io.batchwise.core.spi.Arguments;

/**
 * Hibernate's {@link MariaDBDialect} for the MariaDB server actually connected, with its real
 * version whichever driver reports it, and with the column mappings of Hibernate's
 * {@code MySQLDialect} unless told otherwise.
 *
 * <p>Name it where Hibernate is configured by properties; Hibernate then calls
 * {@link #MariaDbServerDialect(DialectResolutionInfo)} with the connection's metadata:
 * <pre>
 * # persistence.xml: &lt;property name="hibernate.dialect" value="io.batchwise.hibernate.MariaDbServerDialect"/&gt;
 * spring.jpa.properties.hibernate.dialect=io.batchwise.hibernate.MariaDbServerDialect
 * </pre>
 * or let {@link ServerDialect#of(javax.sql.DataSource)} choose between this and
 * {@link MySqlServerDialect}.
 *
 * <p>Version: MariaDB answers MySQL Connector/J with {@code 5.5.5-10.11.5-MariaDB}, which Hibernate's
 * own {@code MariaDBDialect} reads as version 5.5.5 (and logs HHH000511, "no longer supported");
 * this dialect takes the real version after the prefix. With MySQL Connector/J, add
 * {@code useInformationSchema=false} to the JDBC URL: otherwise the driver asks MariaDB for a column
 * only MySQL's {@code information_schema.KEYWORDS} has, Hibernate gets no metadata at all, and the
 * dialect refuses to guess the version (saying so).
 *
 * <p>Column mappings: the only one in which Hibernate 7.4's {@code MariaDBDialect} stores values
 * differently from its {@code MySQLDialect} is {@link java.util.UUID}: {@code MariaDBDialect} maps it
 * to MariaDB's native {@code uuid} type (10.7 and later) and binds it as text, so an existing
 * {@code BINARY(16)} UUID column no longer reads ("Invalid UUID string"). This dialect keeps the
 * MySQL mapping, {@code BINARY(16)}, bound as 16 bytes. (The other differences change no stored
 * value: JSON is cast the MariaDB way, which MariaDB needs; nationalized strings are bound as
 * plain strings, as MariaDB stores them.) Opt in to the native types with the setting
 * {@value ServerDialect#NATIVE_TYPES}{@code =true} or {@link ServerDialect.ColumnTypes#MARIADB_NATIVE}
 * when the columns are {@code uuid}; switching changes how existing {@code BINARY(16)} columns read.
 *
 * <p>Immutable once Hibernate has configured it, as every dialect.
 */
public class MariaDbServerDialect extends MariaDBDialect {
    private final boolean nativeTypes;

    /**
     * The constructor Hibernate calls for {@code hibernate.dialect=io.batchwise.hibernate.MariaDbServerDialect}:
     * the real version from the connection's metadata, the column types from the setting
     * {@value ServerDialect#NATIVE_TYPES} (default {@code false}: MySQL's mappings).
     *
     * @throws IllegalArgumentException when the server is not MariaDB (name {@link MySqlServerDialect}),
     *                                  when Hibernate could not read the server's version, or when the
     *                                  setting is neither {@code true} nor {@code false}
     */
    public MariaDbServerDialect(DialectResolutionInfo info) {
        super(ServerDialect.resolved(info, true));
        this.nativeTypes = ServerDialect.nativeTypes(info.getConfigurationValues());
    }

    /**
     * Hibernate calls this when it has no metadata to give the dialect (it could not read it, or the
     * other constructor refused it): refuses, saying why and what to change.
     *
     * @throws IllegalStateException always
     */
    public MariaDbServerDialect() {
        super(ServerDialect.withoutMetadata(true));
        this.nativeTypes = false;
    }

    /**
     * The dialect for MariaDB {@code version} with {@code types}; {@link ServerDialect#of(javax.sql.DataSource)}
     * reads the version for you.
     */
    public MariaDbServerDialect(DatabaseVersion version, ServerDialect.ColumnTypes types) {
        super(Arguments.notNull("version", version, "pass the server's version, e.g. DatabaseVersion.make(11, 4, 5)"));
        this.nativeTypes = Arguments.notNull("types", types, "pass ColumnTypes.MYSQL_COMPATIBLE or MARIADB_NATIVE")
                == ServerDialect.ColumnTypes.MARIADB_NATIVE;
    }

    /** Whether UUIDs map to MariaDB's native {@code uuid} type rather than {@code BINARY(16)}. */
    public boolean nativeTypes() {
        return nativeTypes;
    }

    @Override
    public void contributeTypes(TypeContributions typeContributions, ServiceRegistry serviceRegistry) {
        super.contributeTypes(typeContributions, serviceRegistry);
        if (!nativeTypes) {
            // MySQLDialect's UUID: BINARY(16), 16 bytes in the driver's byte order
            typeContributions.getTypeConfiguration().getJdbcTypeRegistry().addDescriptor(SqlTypes.UUID,
                    UuidAsBinaryJdbcType.INSTANCE);
        }
    }

    @Override
    public JdbcType resolveSqlTypeDescriptor(String columnTypeName, int jdbcTypeCode, int precision, int scale,
            JdbcTypeRegistry jdbcTypeRegistry) {
        if (!nativeTypes && jdbcTypeCode == Types.OTHER && "uuid".equalsIgnoreCase(columnTypeName)) {
            // a native uuid column met in a native query or by schema validation: it reads as text
            return VarcharUUIDJdbcType.INSTANCE;
        }
        return super.resolveSqlTypeDescriptor(columnTypeName, jdbcTypeCode, precision, scale, jdbcTypeRegistry);
    }
}
