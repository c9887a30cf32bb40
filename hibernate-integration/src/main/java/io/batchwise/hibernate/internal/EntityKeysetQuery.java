package io.batchwise.hibernate.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import org.hibernate.SharedSessionContract;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.criteria.JpaCriteriaQuery;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;
import io.batchwise.core.internal.KeysetQuery;
import io.batchwise.core.internal.SeekSql;
import io.batchwise.hibernate.CriteriaCondition;

/**
 * One entity keyset query in HQL:
 * <pre>
 * select &lt;row&gt;, e.k1, e.k2 from Entity e where (&lt;where&gt;) and (&lt;seek&gt;) order by e.k1, e.k2
 * </pre>
 * where the row is the entity {@code e}, the caller's select list, or {@code new Row(<select list>)};
 * with the caller's condition and parameters, optionally a criteria predicate ANDed in, the seek
 * predicate from {@link SeekSql} over attribute paths and bound parameters {@code :bw_key_i}, and the
 * limit as {@code setMaxResults}. The key values are selected by Batchwise, whatever the row is, so
 * each page's boundary comes from the database, not from Java objects. Immutable and thread-safe.
 *
 * @param <E> the entity type
 * @param <T> the row type
 */
public final class EntityKeysetQuery<E, T> {
    static final String ALIAS = "e";
    public static final String KEY_PARAMETER = "bw_key_";

    /** What a page row is made of. */
    public enum Shape {
        /** The entity. */
        ENTITY,
        /** The caller's select items as an {@code Object[]}. */
        TUPLE,
        /** The caller's only select item. */
        SINGLE,
        /** {@code new Row(<select items>)}: Hibernate's dynamic instantiation. */
        INSTANTIATE
    }

    private final Class<E> entity;
    private final String entityName;
    private final String select;
    private final Shape shape;
    private final Class<T> rowType;
    private final int items;
    private final String where;
    private final Map<String, Object> parameters;
    private final CriteriaCondition<E> condition;
    private final KeyOrder order;
    private final List<EntityKeys.KeyType> types;

    /**
     * @param select    the caller's select list, or null for the entity
     * @param items     the number of items the select list has (1 for the entity)
     * @param condition a criteria condition ANDed to the HQL, or null
     */
    public EntityKeysetQuery(Class<E> entity, String entityName, String select, Shape shape, Class<T> rowType,
            int items, String where, Map<String, Object> parameters, CriteriaCondition<E> condition, KeyOrder order,
            List<EntityKeys.KeyType> types) {
        this.entity = entity;
        this.entityName = entityName;
        this.select = select;
        this.shape = shape;
        this.rowType = rowType;
        this.items = items;
        this.where = where;
        this.parameters = parameters;
        this.condition = condition;
        this.order = order;
        this.types = List.copyOf(types);
    }

    public KeyOrder order() {
        return order;
    }

    /** The entity class. */
    public Class<E> entity() {
        return entity;
    }

    public List<EntityKeys.KeyType> types() {
        return types;
    }

    private static final SeekSql.Syntax HQL = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return ALIAS + "." + key.column();
        }

        @Override
        public String parameter(int index) {
            return ":" + KEY_PARAMETER + index;
        }
    };

    /** The select list (without the word select) for a row shape: the row, then the keys. */
    public static String selectList(Shape shape, String select, Class<?> rowType, KeyOrder order) {
        StringBuilder list = new StringBuilder();
        switch (shape) {
            case ENTITY -> list.append(ALIAS);
            case TUPLE, SINGLE -> list.append(select);
            case INSTANTIATE -> list.append("new ").append(rowType.getName()).append('(').append(select).append(')');
        }
        for (SortKey key : order.keys()) {
            list.append(", ").append(ALIAS).append('.').append(key.column());
        }
        return list.toString();
    }

    /** The HQL of a page read forward or backward after {@code values} (null: from the start). */
    public String hql(boolean backward, List<?> values) {
        return hql(selectList(shape, select, rowType, order), entityName, where, order, backward, values);
    }

    /** The HQL of a page: {@code select <selectList> from <entity> e where ... order by ...}. */
    public static String hql(String selectList, String entityName, String where, KeyOrder order, boolean backward,
            List<?> values) {
        KeyOrder reading = backward ? order.reversed() : order;
        StringBuilder hql = new StringBuilder("select ").append(selectList);
        hql.append(" from ").append(entityName).append(' ').append(ALIAS);
        String seek = values == null ? null : SeekSql.after(reading, values, HQL).text();
        if (where != null && seek != null) {
            hql.append(" where (").append(where).append(") and ").append(seek);
        } else if (where != null) {
            hql.append(" where ").append(where);
        } else if (seek != null) {
            hql.append(" where ").append(seek);
        }
        hql.append(" order by ");
        for (int i = 0; i < reading.size(); i++) {
            SortKey key = reading.get(i);
            hql.append(i == 0 ? "" : ", ").append(ALIAS).append('.').append(key.column()).append(' ')
                    .append(key.direction().name().toLowerCase(Locale.ROOT));
            if (!key.indexable()) {
                hql.append(key.nullsSortFirst() ? " nulls first" : " nulls last");
            }
        }
        return hql.toString();
    }

    /**
     * The criteria query of {@code hql} with {@code condition} ANDed to its restriction.
     *
     * @throws IllegalArgumentException when the condition gives no predicate
     */
    @SuppressWarnings("unchecked")
    public static <E> JpaCriteriaQuery<Object[]> withCondition(HibernateCriteriaBuilder builder, String hql,
            Class<E> entity, CriteriaCondition<E> condition) {
        JpaCriteriaQuery<Object[]> query = builder.createQuery(hql, Object[].class);
        Root<E> root = (Root<E>) query.getRoot(0, entity);
        Predicate predicate = condition.toPredicate(builder, root);
        if (predicate == null) {
            throw new IllegalArgumentException("condition must return a Predicate, but returned null; return e.g."
                    + " builder.conjunction() for no condition, or build it with the builder and root it is given");
        }
        Predicate restriction = query.getRestriction();
        query.where(restriction == null ? predicate : builder.and(restriction, predicate));
        return query;
    }

    /** Reads up to {@code limit} rows after (backward: before) token {@code values}, in reading order. */
    public KeysetQuery.Rows<T> read(SharedSessionContract session, boolean backward, List<?> values, int limit,
            long rowsBefore) {
        return read(session, backward, values, null, 0, limit, rowsBefore, false);
    }

    /** Parameters of a migration partition's upper bound. */
    static final String UPPER_PARAMETER = "bw_upper_";

    private static final SeekSql.Syntax UPPER = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return ALIAS + "." + key.column();
        }

        @Override
        public String parameter(int index) {
            return ":" + UPPER_PARAMETER + index;
        }
    };

    /**
     * For a migration chunk: up to {@code limit} rows after {@code values} (null: from the start) and
     * up to and including the row with keys {@code upper} (null: no bound), after skipping
     * {@code offset} rows (a partition boundary), locked with {@code FOR UPDATE} when {@code lock}.
     */
    public KeysetQuery.Rows<T> read(SharedSessionContract session, boolean backward, List<?> values, List<?> upper,
            int offset, int limit, long rowsBefore, boolean lock) {
        String bounded = where;
        List<Object> upperValues = List.of();
        if (upper != null) {
            // values as the attributes' types; the clause's placeholders are numbered by slot
            List<Object> typed = new ArrayList<>(upper.size());
            for (int i = 0; i < upper.size(); i++) {
                typed.add(upper.get(i) == null ? null : types.get(i).toParameter(upper.get(i)));
            }
            SeekSql.Clause upTo = SeekSql.upTo(order, java.util.Collections.nCopies(order.size(),
                    io.batchwise.core.internal.KeyKind.PLAIN), typed, UPPER, false);
            upperValues = upTo.values();
            bounded = where == null ? upTo.text() : "(" + where + ") and " + upTo.text();
        }
        // boundary values as the attributes' types; SeekSql numbers its placeholders by slot, not by key
        List<Object> typedValues = null;
        if (values != null) {
            typedValues = new ArrayList<>(values.size());
            for (int i = 0; i < values.size(); i++) {
                typedValues.add(values.get(i) == null ? null : types.get(i).toParameter(values.get(i)));
            }
        }
        String hql = hql(selectList(shape, select, rowType, order), entityName, bounded, order, backward, typedValues);
        SelectionQuery<Object[]> query = condition == null ? session.createSelectionQuery(hql, Object[].class)
                : session.createSelectionQuery(withCondition(session.getCriteriaBuilder(), hql, entity, condition));
        parameters.forEach(query::setParameter);
        if (typedValues != null) {
            List<Object> slots = SeekSql.after(backward ? order.reversed() : order, typedValues, HQL).values();
            for (int slot = 0; slot < slots.size(); slot++) {
                query.setParameter(KEY_PARAMETER + slot, slots.get(slot));
            }
        }
        for (int slot = 0; slot < upperValues.size(); slot++) {
            query.setParameter(UPPER_PARAMETER + slot, upperValues.get(slot));
        }
        if (offset > 0) {
            query.setFirstResult(offset);
        }
        if (lock) {
            query.setHibernateLockMode(org.hibernate.LockMode.PESSIMISTIC_WRITE);
        }
        query.setMaxResults(limit);
        List<Object[]> result = query.getResultList();
        List<T> rows = new ArrayList<>(result.size());
        List<List<Object>> keys = new ArrayList<>(result.size());
        int first = shape == Shape.TUPLE ? items : 1;
        List<Object> previous = null;
        for (Object[] row : result) {
            Object[] key = new Object[order.size()];
            for (int i = 0; i < key.length; i++) {
                Object value = row[first + i];
                if (value == null && !order.get(i).isNullable()) {
                    throw new BatchwiseException("Key \"" + order.get(i).column() + "\" of " + entityName
                            + " is mapped as not optional, but row " + (rowsBefore + rows.size() + 1) + " has NULL"
                            + " there. Declare the key nullable (SortKey.nullable()) so NULL rows are paged", rowsBefore,
                            null);
                }
                key[i] = types.get(i).toToken(value);
            }
            List<Object> keyList = Collections.unmodifiableList(Arrays.asList(key));
            if (previous != null && Arrays.deepEquals(previous.toArray(), key)) {
                throw new BatchwiseException("Rows " + (rowsBefore + rows.size()) + " and " + (rowsBefore + rows.size()
                        + 1) + " of " + entityName + " have the same keys " + keyList + ", which identify an entity:"
                        + " the select list " + (select == null ? "" : "\"" + select + "\" ") + "gives several rows per"
                        + " entity (a collection in it?), and the rows after the first of each entity would be skipped"
                        + " at a page boundary. Select one row per entity: no collection-valued paths", rowsBefore, null);
            }
            previous = keyList;
            rows.add(row(row));
            keys.add(keyList);
        }
        return new KeysetQuery.Rows<>(rows, keys);
    }

    /**
     * The number of rows the query visits ({@code select count(*)} with the HQL condition), or -1
     * when a criteria condition is part of it (not counted).
     */
    public long count(SharedSessionContract session) {
        if (condition != null) {
            return -1;
        }
        SelectionQuery<Long> query = session.createSelectionQuery("select count(*) from " + entityName + " " + ALIAS
                + (where == null ? "" : " where " + where), Long.class);
        parameters.forEach(query::setParameter);
        return query.getSingleResult();
    }

    private T row(Object[] row) {
        return switch (shape) {
            case ENTITY -> rowType.cast(entity.cast(row[0]));
            case SINGLE, INSTANTIATE -> rowType.cast(row[0]);
            case TUPLE -> rowType.cast(Arrays.copyOf(row, items));
        };
    }
}
