package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

/**
 * What a keyset pager needs to know about its table, read once from {@code information_schema}
 * when it opens: the columns and whether they are nullable, the primary key, and the B-tree
 * indexes with the direction of each part ({@code STATISTICS.COLLATION} A or D).
 */
public final class TableSchema {

    /** One part of an index: the column, whether descending, whether only a prefix of it is indexed. */
    public record IndexPart(String column, boolean descending, boolean prefix) {
        @Override
        public String toString() {
            return column + (descending ? " DESC" : " ASC") + (prefix ? " (prefix)" : "");
        }
    }

    /** A B-tree index and its parts in order. */
    public record Index(String name, boolean unique, List<IndexPart> parts) {
        public Index {
            parts = List.copyOf(parts);
        }

        @Override
        public String toString() {
            return name + parts.stream().map(IndexPart::toString).collect(Collectors.joining(", ", " (", ")"));
        }
    }

    private final String schema;
    private final String table;
    private final boolean innoDb;
    /** Column name as declared, by folded name, and whether it is nullable. */
    private final Map<String, String> columnNames;
    private final Map<String, Boolean> nullable;
    /** By folded name: {@code [DATA_TYPE, COLUMN_TYPE]}. */
    private final Map<String, String[]> types = new LinkedHashMap<>();
    private final List<Index> indexes;

    public TableSchema(String schema, String table, boolean innoDb, Map<String, Boolean> columns, List<Index> indexes) {
        this.schema = schema;
        this.table = table;
        this.innoDb = innoDb;
        this.columnNames = new LinkedHashMap<>();
        this.nullable = new LinkedHashMap<>();
        columns.forEach((name, isNullable) -> {
            columnNames.put(Identifiers.fold(name), name);
            nullable.put(Identifiers.fold(name), isNullable);
        });
        this.indexes = List.copyOf(indexes);
    }

    /**
     * Reads the table {@code table} of {@code schema} (the connection's current schema when null).
     *
     * @throws IllegalArgumentException if there is no such table or view
     */
    public static TableSchema read(Connection connection, String schema, String table) throws SQLException {
        if (schema == null) {
            try (PreparedStatement s = connection.prepareStatement("SELECT DATABASE()"); ResultSet r = s.executeQuery()) {
                r.next();
                schema = r.getString(1);
            }
            if (schema == null) {
                throw new IllegalArgumentException("table \"" + table + "\" has no schema and the connection has none"
                        + " selected; qualify it as schema.table, or connect to a schema");
            }
        }
        Map<String, Boolean> columns = new LinkedHashMap<>();
        Map<String, String[]> types = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT COLUMN_NAME, IS_NULLABLE, DATA_TYPE, COLUMN_TYPE"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    columns.put(r.getString(1), "YES".equalsIgnoreCase(r.getString(2)));
                    types.put(Identifiers.fold(r.getString(1)), new String[] {r.getString(3), r.getString(4)});
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table \"" + table + "\" was not found in schema \"" + schema + "\" (or"
                    + " has no columns the connection's user may see); name an existing table, qualified as"
                    + " schema.table when it lives in another schema");
        }
        boolean innoDb = false;
        try (PreparedStatement s = connection.prepareStatement("SELECT ENGINE FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet r = s.executeQuery()) {
                innoDb = r.next() && "InnoDB".equalsIgnoreCase(r.getString(1));
            }
        }
        Map<String, Index> indexes = new LinkedHashMap<>();
        Map<String, List<IndexPart>> parts = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION,"
                + " SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                + " ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String name = r.getString(1);
                    if (!"BTREE".equalsIgnoreCase(r.getString(6))) {
                        continue; // FULLTEXT, SPATIAL, HASH: no order to serve
                    }
                    String column = r.getString(3);
                    String collation = r.getString(4);
                    parts.computeIfAbsent(name, n -> new ArrayList<>()).add(new IndexPart(
                            column == null ? "(expression)" : column, "D".equalsIgnoreCase(collation),
                            r.getObject(5) != null || column == null || collation == null));
                    indexes.putIfAbsent(name, new Index(name, r.getInt(2) == 0, List.of()));
                }
            }
        }
        List<Index> list = new ArrayList<>();
        indexes.forEach((name, index) -> list.add(new Index(name, index.unique(), parts.get(name))));
        TableSchema read = new TableSchema(schema, table, innoDb, columns, list);
        read.types.putAll(types);
        return read;
    }

    /**
     * How values of {@code column} make a key's round trip, from its type; {@link KeyKind#PLAIN} with
     * the driver's types when the type was not read.
     *
     * @throws IllegalArgumentException for a type that cannot be a key (names {@code key})
     */
    public KeyKind keyKind(String column, String key) {
        String[] type = types.get(Identifiers.fold(column));
        return type == null ? KeyKind.PLAIN : KeyKind.ofColumn(key, type[0], type[1]);
    }

    public String schema() {
        return schema;
    }

    public String table() {
        return table;
    }

    public List<Index> indexes() {
        return indexes;
    }

    /** Whether the table has a column named {@code column} (case-insensitively, as MySQL compares). */
    public boolean hasColumn(String column) {
        return columnNames.containsKey(Identifiers.fold(column));
    }

    /** Whether {@code column} may hold NULL; the column must exist. */
    public boolean isNullable(String column) {
        return nullable.get(Identifiers.fold(column));
    }

    /** The column names in table order. */
    public List<String> columns() {
        return List.copyOf(columnNames.values());
    }

    /** The primary key columns as ascending NOT NULL keys, or empty when the table has none. */
    public List<String> primaryKey() {
        return indexes.stream().filter(i -> i.name().equals("PRIMARY")).findFirst()
                .map(i -> i.parts().stream().map(IndexPart::column).toList()).orElse(List.of());
    }

    /**
     * The index that serves {@code order} (its keys as the index's leading columns, in the index's
     * directions or all reversed; on InnoDB a secondary index ends with the primary key columns),
     * or empty. An order with a nullable key in the non-default NULL placement is never served.
     */
    public Optional<Index> servingIndex(KeyOrder order) {
        for (SortKey key : order.keys()) {
            if (!key.indexable()) {
                return Optional.empty();
            }
        }
        for (Index index : indexes) {
            if (serves(effectiveParts(index), index.unique() ? index.parts().size() : -1, order)) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    private List<IndexPart> effectiveParts(Index index) {
        List<IndexPart> parts = new ArrayList<>(index.parts());
        if (innoDb && !index.name().equals("PRIMARY")) {
            // InnoDB stores the primary key in every secondary index, after its own columns, and both
            // servers use those hidden parts for ordering (use_index_extensions / extended_keys).
            indexes.stream().filter(i -> i.name().equals("PRIMARY")).findFirst().ifPresent(primary -> {
                for (IndexPart part : primary.parts()) {
                    boolean present = parts.stream().anyMatch(p -> p.column().equalsIgnoreCase(part.column()));
                    if (!present) {
                        parts.add(part);
                    }
                }
            });
        }
        return parts;
    }

    /** @param uniqueParts the number of leading parts that identify a row, or -1 for a non-unique index */
    private static boolean serves(List<IndexPart> parts, int uniqueParts, KeyOrder order) {
        Boolean reversed = null;
        int matched = 0;
        for (int i = 0; i < order.size() && i < parts.size(); i++) {
            IndexPart part = parts.get(i);
            SortKey key = order.get(i);
            if (part.prefix() || !part.column().equalsIgnoreCase(key.columnName())) {
                break;
            }
            boolean keyDescending = key.direction() == SortKey.Direction.DESC;
            boolean flipped = keyDescending != part.descending();
            if (reversed == null) {
                reversed = flipped;
            } else if (reversed != flipped) {
                break;
            }
            matched++;
        }
        // all keys matched, or a unique index's own columns matched (later keys then never decide anything)
        return matched == order.size() || uniqueParts > 0 && matched >= uniqueParts;
    }

    /**
     * What a keyset pager should tell its user when no index of the table serves {@code keys}: why
     * every page will then read and sort up to the whole table, and the {@code CREATE INDEX} that
     * would serve the order (qualified with the schema when {@code qualifyWithSchema}); empty when an
     * index serves it. Shared by every pager, so they all say the same.
     */
    public Optional<String> indexAdvice(KeyOrder keys, boolean qualifyWithSchema) {
        return indexAdvice(keys, List.of(), qualifyWithSchema, false);
    }

    /**
     * {@link #indexAdvice(KeyOrder, boolean)}, and for TIMESTAMP keys ({@code kinds}) in a session
     * whose time zone has daylight saving time, what that costs and how to avoid it.
     */
    public Optional<String> indexAdvice(KeyOrder keys, List<KeyKind> kinds, boolean qualifyWithSchema,
            boolean daylightSavingZone) {
        Optional<String> advice = plainIndexAdvice(keys, qualifyWithSchema);
        List<String> timestamps = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            if (kinds.get(i).form() == KeyKind.Form.EPOCH) {
                timestamps.add("\"" + keys.get(i).column() + "\"");
            }
        }
        if (!daylightSavingZone || timestamps.isEmpty()) {
            return advice;
        }
        String note = "TIMESTAMP key " + String.join(", ", timestamps) + " in a session time zone with daylight saving"
                + " time: a local time of the hour after the clocks go back names two instants, so each page compares"
                + " UNIX_TIMESTAMP(column), which no index serves, within an index range of "
                + KeyKind.DST_MARGIN_SECONDS / 3600 + " hours before the boundary (every row of that window is read"
                + " again per page). Run the walk's sessions on a fixed offset instead (SET time_zone = '+00:00', e.g."
                + " in the pool's connection init SQL), where the key is compared as a range of the index";
        return Optional.of(advice.map(a -> a + ". " + note).orElse(note));
    }

    private Optional<String> plainIndexAdvice(KeyOrder keys, boolean qualifyWithSchema) {
        if (servingIndex(keys).isPresent()) {
            return Optional.empty();
        }
        String table = Identifiers.quoteAny(schema) + "." + Identifiers.quoteAny(this.table);
        List<SortKey> unindexable = keys.keys().stream().filter(k -> !k.indexable()).toList();
        if (!unindexable.isEmpty()) {
            return Optional.of("No index can serve the key order " + keys + " of the keyset pager over " + table + ": "
                    + unindexable.stream().map(k -> "\"" + k.column() + "\"").collect(Collectors.joining(", "))
                    + " asks for NULLs on the side opposite to where MySQL and MariaDB sort and index them (first"
                    + " ascending, last descending), so every page sorts all rows after the cursor instead of reading"
                    + " one page. Use the server's placement (SortKey.nullable()), and an index such as "
                    + createIndex(keys, qualifyWithSchema));
        }
        return Optional.of("No index of " + table + " serves the key order " + keys + " of the keyset pager: every"
                + " page will read and sort the rows after the cursor (up to the whole table) instead of one page."
                + " Create one: " + createIndex(keys, qualifyWithSchema) + "; (an index whose leading columns the"
                + " WHERE clause fixes by equality also serves, which this check cannot see: then use"
                + " indexCheck(IndexCheck.OFF)). Indexes of the table: " + (indexes.isEmpty() ? "none"
                        : indexes.stream().map(Object::toString).collect(Collectors.joining("; "))));
    }

    /** A {@code CREATE INDEX} statement for an index that serves {@code order}. */
    public String createIndex(KeyOrder order, boolean qualifyWithSchema) {
        StringBuilder name = new StringBuilder("bw_").append(table);
        for (SortKey key : order.keys()) {
            name.append('_').append(key.columnName());
        }
        String indexName = name.length() > 64 ? name.substring(0, 64) : name.toString();
        String target = (qualifyWithSchema ? Identifiers.quoteAny(schema) + "." : "") + Identifiers.quoteAny(table);
        return "CREATE INDEX " + Identifiers.quoteAny(indexName) + " ON " + target + " ("
                + order.keys().stream().map(k -> Identifiers.quoteAny(columnNames.getOrDefault(
                        Identifiers.fold(k.columnName()), k.columnName())) + " " + k.direction())
                        .collect(Collectors.joining(", ")) + ")";
    }
}
