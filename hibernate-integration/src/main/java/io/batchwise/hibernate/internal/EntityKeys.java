package io.batchwise.hibernate.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EmbeddableType;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.ManagedType;
import jakarta.persistence.metamodel.SingularAttribute;
import jakarta.persistence.metamodel.Type;

import org.hibernate.HibernateException;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.metamodel.mapping.EntityMappingType;
import org.hibernate.metamodel.mapping.ModelPart;
import org.hibernate.metamodel.mapping.ModelPartContainer;
import org.hibernate.metamodel.mapping.SelectableMapping;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.persister.entity.SingleTableEntityPersister;
import org.hibernate.persister.entity.UnionSubclassEntityPersister;
import org.hibernate.persister.entity.mutation.EntityTableMapping;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.converter.spi.BasicValueConverter;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.IndexCheck;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.Identifiers;
import io.batchwise.core.spi.KeyKind;
import io.batchwise.core.spi.SessionZone;
import io.batchwise.core.spi.TableSchema;

/**
 * Resolves a caller's sort keys, named by entity attribute, against the JPA metamodel (for the
 * messages: what the entity has) and Hibernate's mapping model (for the columns and tables), and
 * unless the index check is off, against the table itself. Each key must be a basic singular
 * attribute or one level into an embeddable ({@code "origin.city"}, {@code "id.carrier"}); the
 * entity's id (every part of a composite id, in primary key order) is appended as the tiebreaker
 * unless the keys already contain it.
 */
public final class EntityKeys {
    private EntityKeys() {
    }

    /**
     * The keys of an entity pager.
     *
     * @param order  the keys by attribute path, tiebreaker appended, last key unique
     * @param types  for each key, how its values travel in tokens
     * @param advice what the index check found wrong, or null
     */
    public record Resolved(KeyOrder order, List<KeyType> types, String advice) {
        public Resolved {
            types = List.copyOf(types);
        }
    }

    /** One mapped attribute path: its column, table and Java type. */
    private record Column(String path, String table, String name, boolean formula, boolean mappedNullable,
            Class<?> javaType, boolean idPart, int sqlTypeCode, String ddlType,
            BasicValueConverter<Object, Object> converter) {
        /** The column as a plain name, or null when it is a formula or not a plain identifier. */
        String plainName() {
            String unquoted = formula ? null : unquote(name);
            return unquoted != null && Identifiers.isQualifiedName(unquoted) && unquoted.indexOf('.') < 0 ? unquoted
                    : null;
        }
    }

    /**
     * The tables an entity query reads, as far as the keys are concerned.
     *
     * @param ownTable           for a TABLE_PER_CLASS entity without subclasses, its table, which holds
     *                           the inherited columns too (Hibernate names the declaring class's table); else null
     * @param unionTables        for a TABLE_PER_CLASS entity with subclasses, the tables of the union; else empty
     * @param leaves             with {@code unionTables}, the entities to page one table each
     * @param optionalTables     tables joined with an outer join (secondary tables): their columns may be NULL
     * @param discriminator      the discriminator column when the query fixes it to one value (a
     *                           SINGLE_TABLE subclass without subclasses), else null
     * @param discriminatorValue that value as SQL
     */
    private record Layout(String ownTable, List<String> unionTables, List<String> leaves, Set<String> optionalTables,
            String discriminator, String discriminatorValue) {

        static Layout of(SessionFactory factory, EntityPersister persister) {
            String ownTable = null;
            List<String> unionTables = List.of();
            List<String> leaves = List.of();
            if (persister instanceof UnionSubclassEntityPersister) {
                if (persister.hasSubclasses()) {
                    Set<String> tables = new TreeSet<>();
                    Set<String> leafNames = new TreeSet<>();
                    unionOf(factory, persister, tables, leafNames);
                    unionTables = List.copyOf(tables);
                    leaves = List.copyOf(leafNames);
                } else {
                    ownTable = persister.getMappedTableDetails().getTableName();
                }
            }
            Set<String> optional = new LinkedHashSet<>();
            if (persister instanceof AbstractEntityPersister abstractPersister) {
                for (EntityTableMapping table : abstractPersister.getTableMappings()) {
                    if (table.isOptional() && !table.isIdentifierTable()) {
                        optional.add(table.getTableName());
                    }
                }
            }
            String discriminator = null;
            String value = null;
            if (persister instanceof SingleTableEntityPersister && persister.getSuperMappingType() != null
                    && !persister.hasSubclasses() && persister.getDiscriminatorMapping() != null
                    && !persister.getDiscriminatorMapping().isFormula()) {
                String column = unquote(persister.getDiscriminatorMapping().getSelectionExpression());
                if (Identifiers.isQualifiedName(column) && column.indexOf('.') < 0) {
                    discriminator = column;
                    value = persister.getDiscriminatorSQLValue();
                }
            }
            return new Layout(ownTable, unionTables, leaves, optional, discriminator, value);
        }

        private static void unionOf(SessionFactory factory, EntityMappingType type, Set<String> tables,
                Set<String> leaves) {
            if (!type.isAbstract()) {
                tables.add(type.getMappedTableDetails().getTableName());
            }
            if (!type.hasSubclasses()) {
                leaves.add(factory.getMetamodel().entity(type.getJavaType().getJavaTypeClass()).getName());
            }
            for (EntityMappingType sub : type.getSubMappingTypes()) {
                unionOf(factory, sub, tables, leaves);
            }
        }

        /** The table a column Hibernate places in {@code containing} is read from. */
        String table(String containing) {
            if (ownTable != null) {
                return ownTable;
            }
            return unionTables.isEmpty() ? containing : "(union)";
        }
    }

    /**
     * Resolves {@code requested} (empty: by the id) for {@code entity}.
     *
     * @throws IllegalArgumentException for a key that is not a sortable attribute, or whose values a
     *         token cannot carry, or a mapping that disagrees with the table
     * @throws BatchwiseException       when the table's schema cannot be read
     */
    public static Resolved resolve(SessionFactory factory, EntityType<?> entity, List<SortKey> requested,
            IndexCheck check) {
        EntityPersister persister = factory.unwrap(SessionFactoryImplementor.class).getMappingMetamodel()
                .getEntityDescriptor(entity.getJavaType());
        Layout layout = Layout.of(factory, persister);
        List<Column> idParts = new ArrayList<>();
        for (String path : idPathsOf(entity)) {
            idParts.add(column(persister, layout, entity, path, true));
        }
        String embeddedId = entity.hasSingleIdAttribute() && idParts.size() > 1
                ? idParts.get(0).path().substring(0, idParts.get(0).path().indexOf('.')) : null;

        // validate first: these messages need no database
        Map<String, Column> columns = new LinkedHashMap<>();
        idParts.forEach(c -> columns.put(c.path(), c));
        for (SortKey key : requested) {
            if (key.column().equals(embeddedId)) {
                continue; // the whole embedded id: its parts, below
            }
            basic(entity, key.column());
            Column column = column(persister, layout, entity, key.column(), isIdPart(idParts, key.column()));
            columns.putIfAbsent(key.column(), column);
        }

        for (Column column : columns.values()) {
            tokenClass(entity, column, kind(column, null)); // refuses before any SQL what the mapping says cannot be paged
        }

        String advice = null;
        Set<String> tables = new LinkedHashSet<>();
        String idTable = idParts.get(0).table();
        columns.values().forEach(c -> tables.add(c.formula() ? idTable : c.table()));
        // every table the keys live in, read once; none for a union, which has no index to check
        Map<String, TableSchema> schemas = new LinkedHashMap<>();
        if (check != IndexCheck.OFF && layout.unionTables().isEmpty()) {
            for (String table : tables) {
                schemas.put(table, readSchema(factory, entity, table));
            }
            checkColumns(entity, schemas, columns.values());
            idParts = inPrimaryKeyOrder(schemas.get(idTable), idParts);
        }
        TableSchema schema = tables.size() == 1 ? schemas.get(idTable) : null;

        List<SortKey> keys = new ArrayList<>();
        for (SortKey key : requested) {
            if (key.column().equals(embeddedId)) {
                for (Column part : idParts) {
                    keys.add(SortKey.of(part.path(), key.direction(), false, SortKey.Nulls.DEFAULT, false));
                }
                continue;
            }
            Column column = columns.get(key.column());
            TableSchema own = schemas.get(column.table());
            boolean nullable = key.isNullable() || !column.idPart() && (column.mappedNullable()
                    || own != null && column.plainName() != null && own.isNullable(column.plainName()));
            keys.add(SortKey.of(key.column(), key.direction(), nullable, key.nulls(), key.isUnique() && !nullable));
        }
        KeyOrder order = tiebroken(new KeyOrder(keys), idParts, schema, layout, columns);

        List<KeyType> types = new ArrayList<>();
        for (SortKey key : order.keys()) {
            Column column = columns.get(key.column());
            KeyKind kind = kind(column, schemas.get(column.table()));
            types.add(new KeyType(key.column(), boxed(column.javaType()), tokenClass(entity, column, kind),
                    key.isNullable(), kind, column.converter()));
        }
        if (check != IndexCheck.OFF) {
            List<KeyKind> kinds = types.stream().map(KeyType::kind).toList();
            boolean daylightSaving = kinds.stream().anyMatch(k -> k.form() == KeyKind.Form.EPOCH)
                    && sessionZoneHasDaylightSaving(factory);
            advice = advice(entity, layout, schemas, order, columns, tables, kinds, daylightSaving);
        }
        return new Resolved(order, types, advice);
    }

    /** The id attribute paths: {@code id}, or {@code id.a, id.b} for an embedded id, or the {@code @IdClass} attributes. */
    public static List<String> idPathsOf(EntityType<?> entity) {
        List<String> paths = new ArrayList<>();
        if (entity.hasSingleIdAttribute()) {
            SingularAttribute<?, ?> id = entity.getId(entity.getIdType().getJavaType());
            if (id.getType() instanceof EmbeddableType<?> embeddable) {
                for (Attribute<?, ?> part : embeddable.getAttributes()) {
                    if (part instanceof SingularAttribute<?, ?> singular
                            && singular.getType() instanceof EmbeddableType<?>) {
                        throw new IllegalArgumentException("entity " + entity.getName() + " has an embedded id whose"
                                + " part \"" + id.getName() + "." + part.getName() + "\" is itself embeddable; the"
                                + " entity pager sorts by id parts one level deep only. Page this entity with"
                                + " JdbcKeysetPager over its table, or flatten the id class");
                    }
                    paths.add(id.getName() + "." + part.getName());
                }
                paths.sort(null);
            } else {
                paths.add(id.getName());
            }
        } else {
            for (SingularAttribute<?, ?> part : entity.getIdClassAttributes()) {
                paths.add(part.getName());
            }
            paths.sort(null);
        }
        return paths;
    }

    private static boolean isIdPart(List<Column> idParts, String path) {
        return idParts.stream().anyMatch(c -> c.path().equals(path));
    }

    /**
     * The keys made unique by the id parts not already among them, in the direction an index serves
     * (the last key's or its reverse), else the last key's.
     */
    private static KeyOrder tiebroken(KeyOrder keys, List<Column> idParts, TableSchema schema, Layout layout,
            Map<String, Column> columns) {
        List<KeyOrder> candidates = new ArrayList<>();
        for (SortKey.Direction direction : List.of(keys.last().direction(), keys.last().direction().reversed())) {
            List<SortKey> tiebreaker = new ArrayList<>();
            for (Column part : idParts) {
                tiebreaker.add(SortKey.of(part.path(), direction, false, SortKey.Nulls.DEFAULT, false));
            }
            candidates.add(keys.withTiebreaker(tiebreaker));
        }
        if (schema != null) {
            for (KeyOrder candidate : candidates) {
                KeyOrder inColumns = inColumns(candidate, columns);
                if (inColumns != null && servingIndex(schema, layout, inColumns).isPresent()) {
                    return candidate;
                }
            }
        }
        return candidates.get(0);
    }

    /** The order on the table's columns, or null when a key is a formula or not a plain column name. */
    private static KeyOrder inColumns(KeyOrder order, Map<String, Column> columns) {
        List<SortKey> keys = new ArrayList<>();
        for (SortKey key : order.keys()) {
            String name = columns.get(key.column()).plainName();
            if (name == null) {
                return null;
            }
            keys.add(SortKey.of(name, key.direction(), key.isNullable(), key.nulls(), key.isUnique()));
        }
        return new KeyOrder(keys);
    }

    /** The id parts in the order of the table's primary key, when the id is that key. */
    private static List<Column> inPrimaryKeyOrder(TableSchema schema, List<Column> idParts) {
        List<String> primary = schema.primaryKey();
        if (primary.size() != idParts.size()) {
            return idParts;
        }
        List<Column> ordered = new ArrayList<>();
        for (String column : primary) {
            idParts.stream().filter(c -> column.equalsIgnoreCase(c.plainName())).findFirst().ifPresent(ordered::add);
        }
        return ordered.size() == idParts.size() ? ordered : idParts;
    }

    private static boolean sessionZoneHasDaylightSaving(SessionFactory factory) {
        try (StatelessSession session = factory.openStatelessSession()) {
            return session.doReturningWork(SessionZone::hasDaylightSaving);
        }
    }

    /**
     * The index that serves {@code order} (in column names) on {@code schema}: one whose leading
     * columns are the keys, or, for a query the discriminator fixes to one value, one that starts
     * with the discriminator column and goes on with the keys.
     */
    private static Optional<TableSchema.Index> servingIndex(TableSchema schema, Layout layout, KeyOrder order) {
        Optional<TableSchema.Index> plain = schema.servingIndex(order);
        if (plain.isPresent() || layout.discriminator() == null) {
            return plain;
        }
        return schema.servingIndex(withDiscriminator(layout, order));
    }

    /** {@code order} after the discriminator column, in the first key's direction (its value is fixed). */
    private static KeyOrder withDiscriminator(Layout layout, KeyOrder order) {
        List<SortKey> keys = new ArrayList<>();
        keys.add(SortKey.of(layout.discriminator(), order.get(0).direction(), false, SortKey.Nulls.DEFAULT, false));
        keys.addAll(order.keys());
        return new KeyOrder(keys);
    }

    private static String advice(EntityType<?> entity, Layout layout, Map<String, TableSchema> schemas,
            KeyOrder order, Map<String, Column> columns, Set<String> tables, List<KeyKind> kinds,
            boolean daylightSaving) {
        String prefix = "Entity " + entity.getName() + ", keys " + order + ": ";
        if (!layout.unionTables().isEmpty()) {
            return prefix + entity.getName() + " is mapped with InheritanceType.TABLE_PER_CLASS and has subclasses, so"
                    + " each page reads a UNION ALL of tables " + String.join(", ", layout.unionTables()) + ", and no"
                    + " index serves an order over a union: every page will read and sort the rows of all of them"
                    + " after the cursor instead of one page. Page " + String.join(", ", layout.leaves()) + " on"
                    + " their own (one table each, whose indexes the check reads), or use indexCheck(IndexCheck.OFF)"
                    + " if the where condition keeps the rows few";
        }
        String idTable = columns.get(order.last().column()).table();
        if (tables.size() > 1) {
            return prefix + "the keys map to columns of " + tables.size() + " tables ("
                    + order.keys().stream().map(k -> k.column() + " to " + qualified(columns.get(k.column())))
                            .collect(Collectors.joining(", ")) + "), and no index serves an order across tables:"
                    + " every page will read and sort the rows after the cursor (up to the whole table) instead of"
                    + " one page. " + acrossTables(layout, order, columns, idTable);
        }
        for (SortKey key : order.keys()) {
            Column column = columns.get(key.column());
            if (column.plainName() == null) {
                return prefix + "key \"" + key.column() + "\" maps to " + (column.formula() ? "the formula " : "the"
                        + " column ") + column.name().replace("{@}.", "") + ", which the index check cannot match to an index (a formula"
                        + " is never indexed; a column name must be letters, digits and _): every page may read and"
                        + " sort the rows after the cursor. Sort by plain columns, or use indexCheck(IndexCheck.OFF)"
                        + " when an index serves the order anyway";
            }
        }
        TableSchema schema = schemas.get(idTable);
        KeyOrder inColumns = inColumns(order, columns);
        boolean qualify = schema.schema() != null && idTableQualified(columns);
        boolean served = servingIndex(schema, layout, inColumns).isPresent();
        if (served && schema.servingIndex(inColumns).isEmpty()) {
            // served by an index led by the discriminator: what else the check has to say, on that order
            KeyOrder led = withDiscriminator(layout, inColumns);
            List<KeyKind> ledKinds = new ArrayList<>();
            ledKinds.add(KeyKind.PLAIN);
            ledKinds.addAll(kinds);
            return schema.indexAdvice(led, ledKinds, qualify, daylightSaving).map(a -> prefix + a).orElse(null);
        }
        String advice = schema.indexAdvice(inColumns, kinds, qualify, daylightSaving).map(a -> prefix + a)
                .orElse(null);
        if (advice != null && !served && layout.discriminator() != null
                && inColumns.keys().stream().allMatch(SortKey::indexable)) {
            advice += ". " + entity.getName() + "'s rows are those with " + layout.discriminator() + " = "
                    + layout.discriminatorValue() + ", so an index on " + layout.discriminator() + " and the keys"
                    + " serves too: " + schema.createIndex(withDiscriminator(layout, inColumns), qualify);
        }
        return advice;
    }

    /** What to do instead of an order across tables. */
    private static String acrossTables(Layout layout, KeyOrder order, Map<String, Column> columns, String idTable) {
        Set<String> keyTables = new LinkedHashSet<>();
        order.keys().stream().map(k -> columns.get(k.column())).filter(c -> !c.idPart())
                .forEach(c -> keyTables.add(c.table()));
        // Paging the root entity with where type(e) = Sub is no way out for a JOINED subclass's root-table
        // keys: Hibernate writes it as an inner join to the subclass's table, and the server may drive the
        // join from there and sort (it did on EntityShapesIT's fixture), so the advice does not offer it.
        StringBuilder fix = new StringBuilder("Sort by attributes of one table with the id, those of ").append(idTable)
                .append(", where an index can serve the order");
        for (String table : keyTables) {
            if (layout.optionalTables().contains(table)) {
                String path = order.keys().stream().map(k -> columns.get(k.column()))
                        .filter(c -> c.table().equals(table)).findFirst().orElseThrow().path();
                fix.append("; ").append(path).append(" is in the secondary table ").append(table).append(", joined"
                        + " with an outer join: to page by it, map ").append(table).append(" as an entity of its"
                        + " own and page that");
            }
        }
        return fix.append("; or use indexCheck(IndexCheck.OFF) if the where condition keeps the rows few").toString();
    }

    private static String qualified(Column column) {
        return column.formula() ? "a formula" : splitTable(column.table())[1] + "." + column.name();
    }

    private static boolean idTableQualified(Map<String, Column> columns) {
        return columns.values().stream().anyMatch(c -> !c.formula() && splitTable(c.table())[0] != null);
    }

    private static TableSchema readSchema(SessionFactory factory, EntityType<?> entity, String table) {
        String[] parts = splitTable(table);
        try (StatelessSession session = factory.openStatelessSession()) {
            return session.doReturningWork(c -> TableSchema.read(c, parts[0], parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("entity " + entity.getName() + " is mapped to table " + table
                    + ", which the database does not have (" + e.getMessage() + "); create the table, or map the"
                    + " entity to the table it has, or open the pager with indexCheck(IndexCheck.OFF)", e);
        } catch (HibernateException e) {
            throw new BatchwiseException("Could not read the columns and indexes of table " + table + " of entity "
                    + entity.getName() + " from information_schema: " + e.getMessage() + ". Grant the user SELECT on"
                    + " the table, or open the pager with indexCheck(IndexCheck.OFF)", -1, e);
        }
    }

    private static void checkColumns(EntityType<?> entity, Map<String, TableSchema> schemas, Iterable<Column> columns) {
        for (Column column : columns) {
            String name = column.plainName();
            TableSchema schema = schemas.get(column.table());
            if (name != null && schema != null && !schema.hasColumn(name)) {
                throw new IllegalArgumentException("orderBy attribute \"" + column.path() + "\" of entity "
                        + entity.getName() + " is mapped to column " + name + ", which table " + schema.table()
                        + " does not have; its columns are " + schema.columns() + ". The mapping and the table"
                        + " disagree: fix the @Column name or the table");
            }
        }
    }

    /** {@code [schema or null, table]} of a table expression as Hibernate renders it, unquoted. */
    static String[] splitTable(String expression) {
        int dot = -1;
        boolean quoted = false;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (c == '`' || c == '"') {
                quoted = !quoted;
            } else if (c == '.' && !quoted) {
                dot = i;
            }
        }
        return dot < 0 ? new String[] {null, unquote(expression)}
                : new String[] {unquote(expression.substring(0, dot)), unquote(expression.substring(dot + 1))};
    }

    static String unquote(String name) {
        if (name.length() >= 2) {
            char first = name.charAt(0);
            char last = name.charAt(name.length() - 1);
            if (first == '`' && last == '`' || first == '"' && last == '"') {
                return name.substring(1, name.length() - 1).replace(String.valueOf(first) + first, String.valueOf(first));
            }
            if (first == '[' && last == ']') {
                return name.substring(1, name.length() - 1);
            }
        }
        return name;
    }

    private static Column column(EntityPersister persister, Layout layout, EntityType<?> entity, String path,
            boolean idPart) {
        ModelPart part = persister;
        for (String segment : path.split("\\.")) {
            ModelPart next = part instanceof ModelPartContainer container ? container.findSubPart(segment, null) : null;
            if (next == null) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of entity " + entity.getName()
                        + " has no mapping Hibernate can sort by; name a basic attribute");
            }
            part = next;
        }
        List<SelectableMapping> selectables = new ArrayList<>();
        part.forEachSelectable((i, selectable) -> selectables.add(selectable));
        if (selectables.size() != 1) {
            throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of entity " + entity.getName()
                    + " maps to " + selectables.size() + " columns; name a basic attribute of one column");
        }
        SelectableMapping selectable = selectables.get(0);
        int code = selectable.getJdbcMapping().getJdbcType().getDdlTypeCode();
        String ddlType;
        try {
            ddlType = persister.getFactory().getTypeConfiguration().getDdlTypeRegistry().getDescriptor(code)
                    .getRawTypeName();
        } catch (RuntimeException e) {
            ddlType = "";
        }
        String table = layout.table(selectable.getContainingTableExpression());
        boolean nullable = selectable.isNullable() || layout.optionalTables().contains(table);
        return new Column(path, table, selectable.getSelectionExpression(), selectable.isFormula(), nullable && !idPart,
                part.getJavaType().getJavaTypeClass(), idPart, code, ddlType == null ? "" : ddlType.toLowerCase(java.util.Locale.ROOT),
                converter(selectable));
    }

    @SuppressWarnings("unchecked")
    private static BasicValueConverter<Object, Object> converter(SelectableMapping selectable) {
        return (BasicValueConverter<Object, Object>) selectable.getJdbcMapping().getValueConverter();
    }

    // ---- token types

    /** How the values of one key travel in a resume token, and come back as query parameters. */
    public record KeyType(String path, Class<?> javaType, Class<?> tokenClass, boolean nullable, KeyKind kind,
            BasicValueConverter<Object, Object> converter) {

        /**
         * The value read from the database (the key item the page selected) as a token value: for an
         * attribute with a converter, the column's value the converter gives.
         */
        public Object toToken(Object value) {
            if (value == null) {
                return null;
            }
            if (converter != null) {
                return plainToken(converter.toRelationalValue(value));
            }
            return switch (kind.form()) {
                case EPOCH -> value instanceof BigDecimal d ? d : new BigDecimal(value.toString());
                case TEXT -> value.toString();
                default -> plainToken(value);
            };
        }

        private static Object plainToken(Object value) {
            if (value instanceof Short || value instanceof Byte) {
                return ((Number) value).intValue();
            }
            if (value instanceof Character c) {
                return c.toString();
            }
            if (value instanceof Enum<?> e) {
                return e.name();
            }
            if (value instanceof BigInteger b) {
                return new BigDecimal(b);
            }
            return value;
        }

        /**
         * A token value as the parameter to bind for this key.
         *
         * @throws IllegalArgumentException when the value cannot be this key's (a forged or foreign token)
         */
        public Object toParameter(Object value) {
            if (value == null) {
                if (!nullable) {
                    throw wrong("NULL");
                }
                return null;
            }
            if (kind.form() == KeyKind.Form.TEXT || kind.form() == KeyKind.Form.EPOCH) {
                return kind.bindable(path, value); // bound as the server's text or instant, never as a Java time
            }
            if (!tokenClass.isInstance(value)) {
                throw wrong("a " + value.getClass().getSimpleName());
            }
            if (kind.form() == KeyKind.Form.ENUM && !kind.members().contains(value)) {
                throw wrong("\"" + value + "\", which is not a member of " + kind.sqlType());
            }
            if (converter != null) {
                return converter.toDomainValue(plainParameter(boxed(converter.getRelationalJavaType()
                        .getJavaTypeClass()), value));
            }
            return plainParameter(javaType, value);
        }

        /** A token value of this key's token class as a value of {@code type}. */
        private Object plainParameter(Class<?> type, Object value) {
            if (tokenClass == type) {
                return value;
            }
            try {
                if (type == Short.class) {
                    return Short.valueOf(narrow((Integer) value, Short.MIN_VALUE, Short.MAX_VALUE));
                }
                if (type == Byte.class) {
                    return Byte.valueOf((byte) narrow((Integer) value, Byte.MIN_VALUE, Byte.MAX_VALUE));
                }
                if (type == Character.class) {
                    String s = (String) value;
                    if (s.length() != 1) {
                        throw wrong("the text \"" + s + "\"");
                    }
                    return s.charAt(0);
                }
                if (type.isEnum()) {
                    return enumConstant(type, (String) value);
                }
                if (type == BigInteger.class) {
                    return ((BigDecimal) value).toBigIntegerExact();
                }
            } catch (ArithmeticException e) {
                throw wrong("the value " + value);
            }
            return value;
        }

        private short narrow(int value, int min, int max) {
            if (value < min || value > max) {
                throw wrong("the number " + value);
            }
            return (short) value;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object enumConstant(Class<?> type, String name) {
            try {
                return Enum.valueOf((Class) type, name);
            } catch (IllegalArgumentException e) {
                throw wrong("\"" + name + "\", which is not a constant of " + type.getSimpleName());
            }
        }

        private IllegalArgumentException wrong(String what) {
            return new IllegalArgumentException("token carries " + what + " for key \"" + path + "\", which is a "
                    + javaType.getSimpleName() + (nullable ? "" : " that cannot be NULL") + ": the token was not"
                    + " issued by this pager. Pass a token from Page.nextToken() or Page.previousToken() unchanged,"
                    + " or ask for the first page");
        }
    }

    private static final Set<Class<?>> EXACT = Set.of(Long.class, Integer.class, String.class, BigDecimal.class,
            LocalDateTime.class, Instant.class, LocalDate.class, Boolean.class, UUID.class, byte[].class);

    /**
     * How values of {@code column} make a key's round trip: from the table's own column type where the
     * schema was read and the column is in its table, else from the type Hibernate maps it to.
     */
    private static KeyKind kind(Column column, TableSchema schema) {
        String name = column.plainName();
        KeyKind kind = null;
        if (schema != null && name != null && splitTable(column.table())[1].equalsIgnoreCase(schema.table())
                && schema.hasColumn(name)) {
            kind = schema.keyKind(name, column.path());
        }
        if (kind == null || kind == KeyKind.PLAIN) {
            kind = mappedKind(column);
        }
        String type = kind.sqlType();
        // the mapping binds these exactly itself: a number, a Boolean or byte[], a UUID as text or bytes
        if (kind.form() == KeyKind.Form.BIT || kind.form() == KeyKind.Form.TEXT && (type.startsWith("year")
                || type.startsWith("uuid") || type.startsWith("inet"))) {
            return KeyKind.PLAIN;
        }
        if (kind.form() == KeyKind.Form.ENUM && !column.javaType().isEnum() && column.javaType() != String.class) {
            return KeyKind.PLAIN; // a converter's type: compared as Hibernate binds it
        }
        if (kind.form() == KeyKind.Form.ENUM && column.javaType().isEnum()) {
            // members the Java enum lacks cannot be loaded anyway, nor bound
            Set<String> constants = new LinkedHashSet<>();
            for (Object constant : column.javaType().getEnumConstants()) {
                constants.add(((Enum<?>) constant).name());
            }
            List<String> members = kind.members().stream().filter(constants::contains).toList();
            return KeyKind.of(KeyKind.Form.ENUM, kind.sqlType(), members);
        }
        return kind;
    }

    private static KeyKind mappedKind(Column column) {
        int code = column.sqlTypeCode();
        String ddl = column.ddlType();
        if ((code == SqlTypes.ENUM || code == SqlTypes.NAMED_ENUM) && column.javaType().isEnum()) {
            List<String> members = new ArrayList<>();
            for (Object constant : column.javaType().getEnumConstants()) {
                members.add(((Enum<?>) constant).name());
            }
            return KeyKind.of(KeyKind.Form.ENUM, "enum", members);
        }
        return switch (code) {
            case SqlTypes.DATE -> KeyKind.of(KeyKind.Form.TEXT, "date", List.of());
            case SqlTypes.TIME, SqlTypes.TIME_WITH_TIMEZONE, SqlTypes.TIME_UTC ->
                    KeyKind.of(KeyKind.Form.TEXT, "time", List.of());
            case SqlTypes.TIMESTAMP, SqlTypes.TIMESTAMP_UTC, SqlTypes.TIMESTAMP_WITH_TIMEZONE ->
                    ddl.startsWith("timestamp") ? KeyKind.of(KeyKind.Form.EPOCH, "timestamp", List.of())
                            : KeyKind.of(KeyKind.Form.TEXT, "datetime", List.of());
            default -> KeyKind.PLAIN;
        };
    }

    /** The type a token carries values of {@code column} as; refuses types that do not round-trip. */
    private static Class<?> tokenClass(EntityType<?> entity, Column column, KeyKind kind) {
        switch (kind.form()) {
            case TEXT, ENUM:
                return String.class;
            case EPOCH:
                return BigDecimal.class;
            default:
                break;
        }
        Class<?> type = boxed(column.converter() != null
                ? column.converter().getRelationalJavaType().getJavaTypeClass() : column.javaType());
        if (EXACT.contains(type)) {
            return type;
        }
        if (type == Short.class || type == Byte.class) {
            return Integer.class;
        }
        if (type == Character.class || type.isEnum()) {
            return String.class;
        }
        if (type == BigInteger.class) {
            return BigDecimal.class;
        }
        boolean approximate = type == Double.class || type == Float.class;
        throw new IllegalArgumentException("orderBy attribute \"" + column.path() + "\" of entity " + entity.getName()
                + " is a " + type.getName() + (approximate ? ", an approximate number: equal-looking values differ"
                        : ", whose values a resume token cannot carry exactly") + ". Sort by attributes of type Long,"
                + " Integer, Short, Byte, BigInteger, BigDecimal, String, Character, an enum, LocalDateTime, Instant,"
                + " LocalDate, Boolean, UUID or byte[] (for times with an offset, map the column as Instant or"
                + " LocalDateTime)");
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return switch (type.getName()) {
            case "long" -> Long.class;
            case "int" -> Integer.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            case "boolean" -> Boolean.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            default -> type;
        };
    }

    // ---- attribute validation against the JPA metamodel (the messages list what the entity has)

    private static SingularAttribute<?, ?> basic(EntityType<?> entity, String path) {
        String[] parts = path.split("\\.");
        ManagedType<?> type = entity;
        SingularAttribute<?, ?> attribute = null;
        for (int i = 0; i < parts.length; i++) {
            Attribute<?, ?> found = find(type, parts[i]);
            if (found == null) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" is not an attribute of "
                        + describe(entity, type) + "; it has " + names(type) + ". Name a basic attribute as"
                        + " declared in the entity class (not a column name)");
            }
            if (!(found instanceof SingularAttribute<?, ?> singular) || found.isAssociation()) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of " + entity.getName() + " is "
                        + (found.isCollection() ? "a collection" : "an association")
                        + ", which cannot be a sort key; name a basic attribute (for an association, map its"
                        + " foreign key column as a basic attribute too, insertable = false, updatable = false, and"
                        + " sort by that)");
            }
            attribute = singular;
            Type<?> attributeType = singular.getType();
            if (i < parts.length - 1) {
                if (!(attributeType instanceof EmbeddableType<?> embeddable)) {
                    throw new IllegalArgumentException("orderBy attribute \"" + path + "\": \"" + parts[i]
                            + "\" of " + entity.getName() + " is not embeddable, so \"" + parts[i + 1]
                            + "\" cannot follow it; name a basic attribute");
                }
                type = embeddable;
            } else if (attributeType instanceof EmbeddableType<?>) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of " + entity.getName()
                        + " is embeddable; name its parts instead, e.g. \"" + path + "." + names(
                        (ManagedType<?>) attributeType).iterator().next() + "\"");
            }
        }
        return attribute;
    }

    private static Attribute<?, ?> find(ManagedType<?> type, String name) {
        for (Attribute<?, ?> attribute : type.getAttributes()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    private static String describe(EntityType<?> entity, ManagedType<?> type) {
        return type == entity ? "entity " + entity.getName() : "the embeddable " + type.getJavaType().getSimpleName()
                + " of entity " + entity.getName();
    }

    private static Set<String> names(ManagedType<?> type) {
        Set<String> names = new TreeSet<>();
        for (Attribute<?, ?> attribute : type.getAttributes()) {
            names.add(attribute.getName());
        }
        return names;
    }
}
