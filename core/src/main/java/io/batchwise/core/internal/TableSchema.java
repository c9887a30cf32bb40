package io.batchwise.core.internal;

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
        try (PreparedStatement s = connection.prepareStatement("SELECT COLUMN_NAME, IS_NULLABLE FROM"
                + " information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    columns.put(r.getString(1), "YES".equalsIgnoreCase(r.getString(2)));
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
        return new TableSchema(schema, table, innoDb, columns, list);
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
