package io.batchwise.core.internal;

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

    private final String select;
    private final String from;
    private final String where;
    private final List<Object> parameters;
    private final KeyOrder order;
    private final RowMapper<T> mapper;

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

    public KeysetQuery(String select, String from, String where, List<Object> parameters, KeyOrder order,
            RowMapper<T> mapper) {
        this.select = select;
        this.from = from;
        this.where = where;
        this.parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
        this.order = order;
        this.mapper = mapper;
    }

    public KeyOrder order() {
        return order;
    }

    /**
     * The SQL of a page read in {@code order} (forward) or its reverse (backward), after the
     * boundary {@code values} (null: from the start), with the values to bind in order.
     */
    public Statement sql(boolean backward, List<?> values, int limit) {
        KeyOrder reading = backward ? order.reversed() : order;
        StringBuilder sql = new StringBuilder("SELECT ").append(select);
        for (int i = 0; i < order.size(); i++) {
            sql.append(", ").append(order.get(i).quoted()).append(" AS ").append(KEY_LABEL).append(i + 1);
        }
        sql.append(" FROM ").append(from);
        List<Object> bound = new ArrayList<>(parameters);
        String seek = null;
        if (values != null) {
            SeekSql.Clause clause = SeekSql.after(reading, values, LABELS);
            seek = clause.text();
            bound.addAll(clause.values(values));
        }
        if (where != null && seek != null) {
            sql.append(" WHERE (").append(where).append(") AND ").append(seek);
        } else if (where != null) {
            sql.append(" WHERE ").append(where);
        } else if (seek != null) {
            sql.append(" WHERE ").append(seek);
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
        Statement statement = sql(backward, values, limit);
        try (PreparedStatement ps = connection.prepareStatement(statement.sql(), ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_READ_ONLY)) {
            ps.setFetchSize(0); // a page is small and bounded: read it in one go
            List<Object> bound = statement.values();
            for (int i = 0; i < bound.size(); i++) {
                bind(ps, i + 1, bound.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                int first = meta.getColumnCount() - order.size() + 1;
                Class<?>[] types = new Class<?>[order.size()];
                for (int i = 0; i < types.length; i++) {
                    types[i] = KeyTypes.of(meta, first + i, order.get(i).column());
                }
                List<T> rows = new ArrayList<>(Math.min(limit, 10_000));
                List<List<Object>> keys = new ArrayList<>(Math.min(limit, 10_000));
                while (rs.next()) {
                    Object[] key = new Object[types.length];
                    for (int i = 0; i < types.length; i++) {
                        Object value = rs.getObject(first + i, types[i]);
                        if (rs.wasNull()) {
                            value = null;
                        }
                        if (value == null && !order.get(i).isNullable()) {
                            throw new BatchwiseException("Key \"" + order.get(i).column() + "\" is not declared"
                                    + " nullable, but row " + (rowsBefore + rows.size() + 1) + " has NULL there: NULL"
                                    + " rows would be skipped at a page boundary. Declare the key nullable"
                                    + " (SortKey.nullable()), or exclude NULLs in the WHERE clause", rowsBefore, null);
                        }
                        key[i] = value;
                    }
                    T row;
                    try {
                        row = mapper.map(rs);
                    } catch (SQLException e) {
                        throw new BatchwiseException("The RowMapper failed on row " + (rowsBefore + rows.size() + 1)
                                + ": " + e.getMessage(), rowsBefore, e);
                    }
                    rows.add(row);
                    keys.add(Collections.unmodifiableList(java.util.Arrays.asList(key)));
                }
                return new Rows<>(rows, keys);
            }
        }
    }

    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value instanceof UUID uuid) {
            ps.setString(index, uuid.toString()); // MariaDB's UUID type and CHAR(36) columns compare with the text
        } else {
            ps.setObject(index, value);
        }
    }
}
