package io.batchwise.core.internal;

import java.math.BigDecimal;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * The Java type a key column is read as, so that binding the value back compares equal in SQL to
 * what the server holds: {@code DATETIME(6)} as {@link LocalDateTime} (microseconds kept, no time
 * zone), {@code DECIMAL} as {@link BigDecimal} (scale kept), text as {@link String} (compared under
 * the column's collation), and so on. Approximate and time-of-day types are refused.
 */
public final class KeyTypes {
    private KeyTypes() {
    }

    /**
     * The type to read column {@code column} of {@code meta} as, for the key named {@code key}.
     *
     * @throws IllegalArgumentException for column types whose values do not round-trip exactly
     */
    public static Class<?> of(ResultSetMetaData meta, int column, String key) throws SQLException {
        int type = meta.getColumnType(column);
        String className = meta.getColumnClassName(column);
        switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER:
                return "java.lang.Long".equals(className) ? Long.class : Integer.class;
            case Types.BIGINT:
                return "java.math.BigInteger".equals(className) ? BigDecimal.class : Long.class;
            case Types.DECIMAL, Types.NUMERIC:
                return BigDecimal.class;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB:
                return String.class;
            case Types.DATE:
                if ("java.lang.Short".equals(className) || "java.lang.Integer".equals(className)) {
                    return Integer.class; // YEAR
                }
                return LocalDate.class;
            case Types.TIMESTAMP:
                return LocalDateTime.class;
            case Types.BIT, Types.BOOLEAN:
                return meta.getPrecision(column) <= 1 ? Boolean.class : byte[].class;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
                return byte[].class;
            default:
                throw new IllegalArgumentException("key \"" + key + "\" has the column type "
                        + meta.getColumnTypeName(column) + ", whose values cannot be carried to the next page exactly;"
                        + " sort by exact columns: integers, DECIMAL, text, DATE, DATETIME/TIMESTAMP, BOOLEAN or"
                        + " binary (no FLOAT, DOUBLE, TIME or JSON keys)");
        }
    }
}
