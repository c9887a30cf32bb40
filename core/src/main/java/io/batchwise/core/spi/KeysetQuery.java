package io.batchwise.core.spi;

import io.batchwise.core.internal.KeyTypes;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.Page;
import io.batchwise.core.RowMapper;
import io.batchwise.core.SortKey;

/**
 * One plain-JDBC keyset query: the caller's select list, FROM and WHERE, and a key order; reads
 * one page at a time on a connection it is given, always as
 * <pre>
 * SELECT &lt;select&gt;, &lt;key 1&gt; AS bw_key_1, ... FROM &lt;from&gt;
 *  WHERE (&lt;where&gt;) AND (&lt;seek predicate&gt;) ORDER BY bw_key_1, ... LIMIT &lt;n&gt;
 * </pre>
 * The key columns are selected again under Batchwise's own labels, so the boundary values are read
 * from the columns themselves whatever the select list does, with the type that round-trips
 * ({@link KeyTypes}); ORDER BY names those labels, so a select alias that shadows a key column
 * cannot change the order. Immutable and thread-safe.
 */
public final class KeysetQuery<T> {
    static final String KEY_LABEL = "bw_key_";
    static final String VALUE_LABEL = "bw_value_";

    private final String select;
    private final String from;
    private final String where;
    private final List<Object> parameters;
    private final KeyOrder order;
    private final RowMapper<T> mapper;
    private final List<KeyKind> kinds;
    private final boolean hasTimestamp;

    /** Rows of one page in the order read, with each row's key values. */
    public record Rows<T>(List<T> rows, List<List<Object>> keys) {
        public int size() {
            return rows.size();
        }

        /**
         * The page these rows make when up to {@code pageSize + 1} were read (the extra row only says
         * there is more), in the query's order, with tokens after its last and before its first row.
         */
        public Page<T> toPage(int pageSize, boolean backward, boolean fromToken, ResumeTokens.Codec tokens) {
            boolean more = size() > pageSize;
            int count = Math.min(size(), pageSize);
            List<T> content = new ArrayList<>(rows.subList(0, count));
            List<List<Object>> pageKeys = new ArrayList<>(keys.subList(0, count));
            if (backward) {
                Collections.reverse(content);
                Collections.reverse(pageKeys);
            }
            String next = count == 0 ? null : tokens.encode(false, pageKeys.get(count - 1));
            String previous = count == 0 ? null : tokens.encode(true, pageKeys.get(0));
            Page<T> page = Page.of(content, next, previous);
            return backward ? page.withHasNext(fromToken).withHasPrevious(more)
                    : page.withHasNext(more).withHasPrevious(fromToken);
        }
    }

    /**
     * @param kinds for each key, how its values make the round trip ({@link #probeKinds} reads them when
     *              the table's column types are not known)
     */
    public KeysetQuery(String select, String from, String where, List<Object> parameters, KeyOrder order,
            RowMapper<T> mapper, List<KeyKind> kinds) {
        this.select = select;
        this.from = from;
        this.where = where;
        this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        this.order = order;
        this.mapper = mapper;
        this.kinds = List.copyOf(kinds);
        this.hasTimestamp = kinds.stream().anyMatch(k -> k.form() == KeyKind.Form.EPOCH);
        if (kinds.size() != order.size()) {
            throw new IllegalArgumentException("kinds must have one entry per key, had " + kinds.size());
        }
    }

    /**
     * The kinds of {@code order}'s keys as the driver's metadata of {@code SELECT <keys> FROM <from>
     * WHERE <where> LIMIT 0} gives them: for a FROM that is not one table, whose column types
     * {@code information_schema} cannot give. Reads no row.
     *
     * @throws IllegalArgumentException for a key type that cannot be paged by (see {@link KeyKind#ofMetadata})
     */
    public static List<KeyKind> probeKinds(Connection connection, String from, String where, List<Object> parameters,
            KeyOrder order) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < order.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(order.get(i).quoted());
        }
        sql.append(" FROM ").append(from);
        if (where != null) {
            sql.append(" WHERE ").append(where);
        }
        sql.append(" LIMIT 0");
        try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                bind(ps, i + 1, parameters.get(i));
            }
            List<KeyKind> kinds = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 0; i < order.size(); i++) {
                    // the column's own definition where the result names it (both drivers report the
                    // original schema, table and column), else what the metadata says of the value
                    KeyKind kind = columnKind(connection, meta.getCatalogName(i + 1), meta.getTableName(i + 1),
                            meta.getColumnName(i + 1), order.get(i).column());
                    kinds.add(kind != null ? kind : KeyKind.ofMetadata(meta, i + 1, order.get(i).column()));
                }
            }
            return kinds;
        }
    }

    private static KeyKind columnKind(Connection connection, String schema, String table, String column, String key)
            throws SQLException {
        if (schema == null || schema.isEmpty() || table == null || table.isEmpty() || column == null
                || column.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT DATA_TYPE, COLUMN_TYPE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? KeyKind.ofColumn(key, rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    public List<KeyKind> kinds() {
        return kinds;
    }

    public KeyOrder order() {
        return order;
    }

    /**
     * The SQL of a page read in {@code order} (forward) or its reverse (backward), after the
     * boundary {@code values} (null: from the start), with the values to bind in order.
     */
    public Statement sql(boolean backward, List<?> values, int limit) {
        return sql(backward, values, limit, false);
    }

    /**
     * As {@link #sql(boolean, List, int)}, for a session whose time zone has daylight saving time
     * when {@code daylightSavingZone} (TIMESTAMP keys are then compared as instants).
     */
    public Statement sql(boolean backward, List<?> values, int limit, boolean daylightSavingZone) {
        return sql(backward, values, null, limit, daylightSavingZone);
    }

    /**
     * As {@link #sql(boolean, List, int, boolean)}, reading only up to and including the row with keys
     * {@code upTo} (null: no bound) in the query's order: a migration partition's upper end.
     */
    public Statement sql(boolean backward, List<?> values, List<?> upTo, int limit, boolean daylightSavingZone) {
        KeyOrder reading = backward ? order.reversed() : order;
        StringBuilder sql = new StringBuilder("SELECT ").append(select);
        for (int i = 0; i < order.size(); i++) {
            sql.append(", ").append(order.get(i).quoted()).append(" AS ").append(KEY_LABEL).append(i + 1);
        }
        for (int i = 0; i < order.size(); i++) {
            String value = kinds.get(i).valueExpression(order.get(i).quoted());
            if (value != null) {
                sql.append(", ").append(value).append(" AS ").append(VALUE_LABEL).append(i + 1);
            }
        }
        sql.append(" FROM ").append(from);
        List<Object> bound = new ArrayList<>(parameters);
        String seek = null;
        if (values != null) {
            SeekSql.Clause clause = SeekSql.after(reading, kinds, values, LABELS, daylightSavingZone);
            seek = clause.text();
            bound.addAll(clause.values());
        }
        if (where != null && seek != null) {
            sql.append(" WHERE (").append(where).append(") AND ").append(seek);
        } else if (where != null) {
            sql.append(" WHERE ").append(where);
        } else if (seek != null) {
            sql.append(" WHERE ").append(seek);
        }
        if (upTo != null) {
            SeekSql.Clause upper = SeekSql.upTo(order, kinds, upTo, LABELS, daylightSavingZone);
            sql.append(where == null && seek == null ? " WHERE " : " AND ").append(upper.text());
            bound.addAll(upper.values());
        }
        sql.append(" ORDER BY ").append(SeekSql.orderBy(reading, LABELS)).append(" LIMIT ").append(limit);
        return new Statement(sql.toString(), bound);
    }

    /** SQL text and the values of its placeholders. */
    public record Statement(String sql, List<Object> values) {
    }

    /** Columns and {@code ?} in conditions; in ORDER BY, the labels the key columns are selected under. */
    private static final SeekSql.Syntax LABELS = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return key.quoted();
        }

        @Override
        public String parameter(int index) {
            return "?";
        }

        @Override
        public String orderTerm(int index, SortKey key) {
            return KEY_LABEL + (index + 1);
        }
    };

    /**
     * Reads up to {@code limit} rows after ({@code backward}: before) the row with key
     * {@code values}, in reading order (a backward read comes newest-first).
     *
     * @param rowsBefore rows handed out before this page, for error messages
     */
    public Rows<T> read(Connection connection, boolean backward, List<?> values, int limit, long rowsBefore)
            throws SQLException {
        return read(connection, backward, values, null, limit, rowsBefore, "");
    }

    /**
     * {@link #read(Connection, boolean, List, int, long)} up to and including the row with keys
     * {@code upTo} (null: no bound), with {@code suffix} appended after the LIMIT: a constant clause
     * such as {@code " FOR UPDATE"} (a migration's locking read) or {@code " OFFSET 999"} (a partition
     * boundary), never caller input.
     */
    public Rows<T> read(Connection connection, boolean backward, List<?> values, List<?> upTo, int limit,
            long rowsBefore, String suffix) throws SQLException {
        boolean daylightSaving = (values != null || upTo != null) && hasTimestamp
                && SessionZone.hasDaylightSaving(connection);
        Statement statement = sql(backward, values, upTo, limit, daylightSaving);
        try (PreparedStatement ps = connection.prepareStatement(statement.sql() + suffix, ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(0); // a page is small and bounded: read it in one go
            List<Object> bound = statement.values();
            for (int i = 0; i < bound.size(); i++) {
                bind(ps, i + 1, bound.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                int extra = (int) kinds.stream().filter(k -> k.valueExpression("k") != null).count();
                int first = meta.getColumnCount() - order.size() - extra + 1;
                Class<?>[] types = new Class<?>[order.size()];
                int[] valueColumns = new int[order.size()];
                int nextValue = first + order.size();
                for (int i = 0; i < types.length; i++) {
                    KeyKind kind = kinds.get(i);
                    if (kind.form() == KeyKind.Form.PLAIN) {
                        types[i] = kind.readType(meta, first + i, order.get(i).column());
                    }
                    valueColumns[i] = kind.valueExpression("k") != null ? nextValue++ : first + i;
                }
                List<T> rows = new ArrayList<>(Math.min(limit, 10_000));
                List<List<Object>> keys = new ArrayList<>(Math.min(limit, 10_000));
                while (rs.next()) {
                    Object[] key = new Object[types.length];
                    for (int i = 0; i < types.length; i++) {
                        Object value = kinds.get(i).read(rs, valueColumns[i], types[i]);
                        if (value == null && !order.get(i).isNullable()) {
                            throw new BatchwiseException(BatchwiseException.Reason.BAD_DATA, "Key \""
                                    + order.get(i).column() + "\" is not declared"
                                    + " nullable, but row " + (rowsBefore + rows.size() + 1) + " has NULL there: NULL"
                                    + " rows would be skipped at a page boundary. Declare the key nullable"
                                    + " (SortKey.nullable()), or exclude NULLs in the WHERE clause", rowsBefore, null, null);
                        }
                        key[i] = value;
                    }
                    T row;
                    try {
                        row = mapper.map(rs);
                    } catch (SQLException e) {
                        BatchwiseException.Reason reason = Failures.classify(e);
                        throw new BatchwiseException(reason == BatchwiseException.Reason.OTHER
                                ? BatchwiseException.Reason.BAD_DATA : reason, "The RowMapper failed on row "
                                + (rowsBefore + rows.size() + 1) + ": " + e.getMessage(), rowsBefore, null, e);
                    }
                    rows.add(row);
                    keys.add(Collections.unmodifiableList(java.util.Arrays.asList(key)));
                }
                return new Rows<>(rows, keys);
            }
        }
    }

    /** The number of rows this query visits ({@code SELECT COUNT(*)} over its FROM and WHERE). */
    public long count(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM " + from
                + (where == null ? "" : " WHERE " + where))) {
            for (int i = 0; i < parameters.size(); i++) {
                bind(ps, i + 1, parameters.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof UUID uuid) {
            ps.setString(index, uuid.toString()); // MariaDB's UUID type and CHAR(36) columns compare with the text
        } else {
            ps.setObject(index, value);
        }
    }
}
