package io.batchwise.core.spi;

import io.batchwise.core.internal.KeyTypes;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the values of one key column make the round trip of a keyset page: read from the row,
 * carried in a token, bound in the next page's seek predicate and compared by the server, so that
 * the comparison is the server's own {@code ORDER BY} of the column. The forms (the type table in
 * docs/keyset.md says which column types take which):
 * <ul>
 *   <li>{@link Form#PLAIN}: numbers, text under its collation, binary, booleans: read as the exact
 *       Java type ({@link KeyTypes}), bound as is, compared with {@code =}, {@code <}, {@code >}.</li>
 *   <li>{@link Form#TEXT}: {@code DATE}, {@code DATETIME(0..6)}, {@code TIME(0..6)}, {@code YEAR},
 *       MariaDB's {@code UUID}/{@code INET4}/{@code INET6}: read as the server's own text and bound
 *       as text, which the server converts back to the column's type exactly. No Java time type
 *       is involved, so neither the JVM's zone nor a driver that drops fractional seconds
 *       (MySQL Connector/J on MariaDB 10.x, which it takes for MySQL 5.5) can change the value.</li>
 *   <li>{@link Form#EPOCH}: {@code TIMESTAMP(0..6)}: read as {@code UNIX_TIMESTAMP(col)}, an exact
 *       decimal that does not depend on the session time zone. Bound as {@code FROM_UNIXTIME(?)} when
 *       the session's zone has a fixed offset (a range on the index); in a zone with daylight saving
 *       time, where a local time of the hour after the clocks go back names two instants, compared as
 *       {@code UNIX_TIMESTAMP(col) > ?} within an index range widened by {@link #DST_MARGIN_SECONDS}.</li>
 *   <li>{@link Form#ENUM}: sorted by member position, not by text: "after" is {@code col IN (the
 *       members after it)}, a union of index ranges; the members come from the column's type.</li>
 *   <li>{@link Form#BIT}: read as its unsigned number, bound as that number.</li>
 * </ul>
 * Column types that cannot make the trip ({@code FLOAT}, {@code DOUBLE}, {@code SET}, {@code JSON},
 * spatial types) are refused by {@link #ofColumn} with the alternative.
 */
public final class KeyKind {
    /** The forms a key value's round trip takes. */
    public enum Form {
        PLAIN, TEXT, EPOCH, ENUM, BIT
    }

    /**
     * How far (seconds) the coarse index range of a {@code TIMESTAMP} key reaches behind the boundary
     * in a daylight-saving session zone: more than any offset change of the time zone database's
     * zones (at most two hours), so the converted local time can never land after the boundary.
     */
    public static final long DST_MARGIN_SECONDS = 3 * 3600;

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS",
            Locale.ROOT);

    private static final Pattern DATE_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATETIME_TEXT = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?");
    private static final Pattern TIME_TEXT = Pattern.compile("-?\\d{1,3}:\\d{2}:\\d{2}(\\.\\d{1,6})?");

    /** A plain key whose Java type comes from the driver's metadata. */
    public static final KeyKind PLAIN = new KeyKind(Form.PLAIN, "", null, List.of());

    private final Form form;
    private final String sqlType;
    /** For PLAIN: the Java type to read as, or null to ask the driver's metadata. */
    private final Class<?> javaType;
    private final List<String> members;

    private KeyKind(Form form, String sqlType, Class<?> javaType, List<String> members) {
        this.form = form;
        this.sqlType = sqlType;
        this.javaType = javaType;
        this.members = List.copyOf(members);
    }

    public Form form() {
        return form;
    }

    /** The ENUM's members in position order (empty for other forms). */
    public List<String> members() {
        return members;
    }

    /** The column type as the server names it, e.g. {@code timestamp(6)}; empty when not known. */
    public String sqlType() {
        return sqlType;
    }

    /** A key of {@code form} on a column of type {@code sqlType} (for entity keys, whose types the mapping gives). */
    public static KeyKind of(Form form, String sqlType, List<String> members) {
        return new KeyKind(form, sqlType, null, members);
    }

    /**
     * The kind of key column {@code column} from its {@code information_schema.COLUMNS} type.
     *
     * @param dataType   {@code DATA_TYPE}, e.g. {@code timestamp}
     * @param columnType {@code COLUMN_TYPE}, e.g. {@code enum('new','paid')} or {@code bigint(20) unsigned}
     * @throws IllegalArgumentException for a type whose values cannot be carried to the next page exactly
     */
    public static KeyKind ofColumn(String key, String dataType, String columnType) {
        String type = dataType.toLowerCase(Locale.ROOT);
        String full = columnType == null ? type : columnType.toLowerCase(Locale.ROOT);
        boolean unsigned = full.contains("unsigned");
        return switch (type) {
            case "tinyint", "smallint", "mediumint" -> new KeyKind(Form.PLAIN, full, Integer.class, List.of());
            case "int", "integer" -> new KeyKind(Form.PLAIN, full, unsigned ? Long.class : Integer.class, List.of());
            case "bigint" -> new KeyKind(Form.PLAIN, full, unsigned ? BigDecimal.class : Long.class, List.of());
            case "decimal", "numeric" -> new KeyKind(Form.PLAIN, full, BigDecimal.class, List.of());
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" ->
                    new KeyKind(Form.PLAIN, full, String.class, List.of());
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" ->
                    new KeyKind(Form.PLAIN, full, byte[].class, List.of());
            case "date", "datetime", "time", "year", "uuid", "inet4", "inet6" ->
                    new KeyKind(Form.TEXT, full, String.class, List.of());
            case "timestamp" -> new KeyKind(Form.EPOCH, full, BigDecimal.class, List.of());
            case "enum" -> new KeyKind(Form.ENUM, full, String.class, enumMembers(columnType));
            case "bit" -> new KeyKind(Form.BIT, full, null, List.of());
            default -> throw refused(key, full);
        };
    }

    /**
     * The kind of key column {@code column} of a result, for a pager that could not read the table's
     * own column types (its FROM is not one table): what the driver's metadata says.
     *
     * @throws IllegalArgumentException for refused types, and for ENUM, whose members only the table's
     *         definition gives
     */
    public static KeyKind ofMetadata(ResultSetMetaData meta, int column, String key) throws SQLException {
        String name = String.valueOf(meta.getColumnTypeName(column)).toUpperCase(Locale.ROOT);
        if (name.startsWith("ENUM")) {
            throw new IllegalArgumentException("key \"" + key + "\" is an ENUM column, which sorts by member position,"
                    + " not by text; its members come from the table's definition, which this pager could not read"
                    + " because its FROM is not one table. Name the table with table(\"...\") (or from(\"name\")), or"
                    + " sort by another column");
        }
        if (name.startsWith("SET") || name.startsWith("JSON") || name.startsWith("FLOAT") || name.startsWith("DOUBLE")
                || name.startsWith("GEOMETRY") || name.startsWith("REAL")) {
            throw refused(key, name.toLowerCase(Locale.ROOT));
        }
        if (name.startsWith("TIMESTAMP")) {
            return new KeyKind(Form.EPOCH, "timestamp", BigDecimal.class, List.of());
        }
        if (name.startsWith("DATETIME") || name.equals("DATE") || name.startsWith("TIME") || name.equals("YEAR")) {
            return new KeyKind(Form.TEXT, name.toLowerCase(Locale.ROOT), String.class, List.of());
        }
        KeyTypes.of(meta, column, key); // refuses what a token cannot carry
        return PLAIN;
    }

    private static IllegalArgumentException refused(String key, String type) {
        String why;
        String instead;
        if (type.startsWith("float") || type.startsWith("double") || type.startsWith("real")) {
            why = "an approximate number: a value read back and bound again need not compare equal to itself";
            instead = "sort by an exact column (DECIMAL, an integer, or the primary key)";
        } else if (type.startsWith("set")) {
            why = "a SET, which sorts by its bitmask";
            instead = "sort by a generated column over it (e.g. ADD COLUMN flags_n BIGINT AS (flags + 0) STORED, indexed)";
        } else if (type.startsWith("json")) {
            why = "a JSON document, which MySQL compares by JSON rules, not as the value a key can carry";
            instead = "sort by an indexed generated column holding the scalar (e.g. AS (doc->>'$.created') STORED)";
        } else {
            why = "a type whose values a resume token cannot carry exactly";
            instead = "sort by an integer, DECIMAL, text, binary, ENUM, date/time or TIMESTAMP column";
        }
        return new IllegalArgumentException("key \"" + key + "\" has the column type " + type + ", " + why + "; "
                + instead);
    }

    /** The members of {@code enum('a','b''c')} in position order. */
    static List<String> enumMembers(String columnType) {
        int open = columnType.indexOf('(');
        List<String> members = new ArrayList<>();
        StringBuilder member = null;
        for (int i = open + 1; i < columnType.length(); i++) {
            char c = columnType.charAt(i);
            if (member == null) {
                if (c == '\'') {
                    member = new StringBuilder();
                }
            } else if (c == '\'') {
                if (i + 1 < columnType.length() && columnType.charAt(i + 1) == '\'') {
                    member.append('\'');
                    i++;
                } else {
                    members.add(member.toString());
                    member = null;
                }
            } else if (c == '\\' && i + 1 < columnType.length()) {
                member.append(columnType.charAt(++i));
            } else {
                member.append(c);
            }
        }
        return members;
    }

    /**
     * The Java type a PLAIN key is read as: the one its column type says, else the driver's.
     */
    Class<?> readType(ResultSetMetaData meta, int column, String key) throws SQLException {
        return javaType != null ? javaType : KeyTypes.of(meta, column, key);
    }

    /**
     * The SQL expression a page selects to read this key's value from, besides the key column itself
     * (which ORDER BY names), or null when the key column is read: {@code UNIX_TIMESTAMP(col)} for
     * TIMESTAMP, and the server's own text for TEXT keys (drivers format temporal values themselves,
     * and MariaDB Connector/J 3.5 writes 2024-10-27 02:30:00.001 as {@code ...00.1000}).
     */
    public String valueExpression(String column) {
        return switch (form) {
            case EPOCH -> "UNIX_TIMESTAMP(" + column + ")";
            case TEXT -> "CAST(" + column + " AS CHAR)";
            default -> null;
        };
    }

    /**
     * Reads this key's value from the current row: {@code column} holds the key column, or the
     * {@link #valueExpression} when there is one.
     */
    public Object read(ResultSet rs, int column, Class<?> readType) throws SQLException {
        Object value = switch (form) {
            case PLAIN -> rs.getObject(column, readType);
            case TEXT, ENUM -> rs.getString(column);
            case EPOCH -> rs.getBigDecimal(column);
            case BIT -> {
                byte[] bytes = rs.getBytes(column);
                yield bytes == null ? null : bitValue(bytes);
            }
        };
        return rs.wasNull() ? null : value;
    }

    private static Object bitValue(byte[] bytes) {
        BigInteger value = new BigInteger(1, bytes);
        return value.bitLength() < 64 ? (Object) value.longValue() : new BigDecimal(value);
    }

    /**
     * A token's value for this key as the value to bind, checked.
     *
     * @throws IllegalArgumentException when the value cannot be this key's: the token was not issued for it
     */
    public Object bindable(String key, Object value) {
        return switch (form) {
            case PLAIN -> value;
            case TEXT -> {
                if (value instanceof LocalDateTime t) {
                    yield DATE_TIME.format(t); // a token of an earlier version
                }
                if (value instanceof LocalDate d) {
                    yield d.toString();
                }
                String text = expect(key, value, String.class);
                Pattern shape = sqlType.startsWith("datetime") ? DATETIME_TEXT : sqlType.startsWith("date") ? DATE_TEXT
                        : sqlType.startsWith("time") ? TIME_TEXT : null;
                if (shape != null && !shape.matcher(text).matches()) {
                    throw wrongToken(key, "\"" + text + "\", which is not a " + sqlType + " value");
                }
                yield text;
            }
            case EPOCH -> expect(key, value, BigDecimal.class);
            case ENUM -> {
                String member = expect(key, value, String.class);
                if (!members.contains(member)) {
                    throw wrongToken(key, "\"" + member + "\", which is not a member of " + sqlType);
                }
                yield member;
            }
            case BIT -> {
                if (!(value instanceof Long) && !(value instanceof BigDecimal)) {
                    throw wrongToken(key, "a " + value.getClass().getSimpleName());
                }
                yield value;
            }
        };
    }

    private <V> V expect(String key, Object value, Class<V> type) {
        if (!type.isInstance(value)) {
            throw wrongToken(key, "a " + value.getClass().getSimpleName());
        }
        return type.cast(value);
    }

    static IllegalArgumentException wrongToken(String key, String what) {
        return new IllegalArgumentException("token carries " + what + " for key \"" + key + "\": the token was not"
                + " issued by this pager. Pass a token from Page.nextToken() or Page.previousToken() unchanged, or ask"
                + " for the first page");
    }

    @Override
    public String toString() {
        return form + (sqlType.isEmpty() ? "" : " " + sqlType);
    }
}
