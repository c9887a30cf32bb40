package io.batchwise.hibernate.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.persistence.criteria.Fetch;
import jakarta.persistence.criteria.FetchParent;
import jakarta.persistence.criteria.From;
import jakarta.persistence.criteria.Join;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import org.hibernate.SharedSessionContract;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.criteria.JpaCriteriaQuery;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.KeyKind;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.core.spi.SeekSql;
import io.batchwise.core.spi.SessionZone;
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

    /** Keys as attribute paths of alias e, values as {@code :bw_key_<slot>}, converted to the attributes' types. */
    private final SeekSql.Syntax hql = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return ALIAS + "." + key.column();
        }

        @Override
        public String parameter(int slot) {
            return ":" + KEY_PARAMETER + slot;
        }

        @Override
        public String fromText(String placeholder, int index, KeyKind kind) {
            String type = kind.sqlType();
            String function = type.startsWith("datetime") ? "timestamp" : type.startsWith("date") ? "date" : "time";
            return "function('" + function + "', " + placeholder + ")";
        }

        @Override
        public String fromEpoch(String placeholder) {
            return "function('from_unixtime', " + placeholder + ")";
        }

        @Override
        public String epochOf(String key) {
            return "function('unix_timestamp', " + key + ")";
        }

        @Override
        public Object value(int index, Object value) {
            return types.get(index).toParameter(value);
        }
    };

    /** The select list (without the word select) for a row shape: the row, then the keys. */
    public static String selectList(Shape shape, String select, Class<?> rowType, KeyOrder order) {
        StringBuilder list = new StringBuilder(rowItems(shape, select, rowType));
        for (SortKey key : order.keys()) {
            list.append(", ").append(ALIAS).append('.').append(key.column());
        }
        return list.toString();
    }

    /** The items that make the row: the entity, the caller's select list, or its instantiation. */
    private static String rowItems(Shape shape, String select, Class<?> rowType) {
        return switch (shape) {
            case ENTITY -> ALIAS;
            case TUPLE, SINGLE -> select;
            case INSTANTIATE -> "new " + rowType.getName() + "(" + select + ")";
        };
    }

    /**
     * The seek predicate of a page read forward or backward after {@code values}, and its values,
     * for a session whose time zone has daylight saving time when {@code daylightSavingZone}.
     */
    public SeekSql.Clause seek(boolean backward, List<?> values, boolean daylightSavingZone) {
        KeyOrder reading = backward ? order.reversed() : order;
        List<KeyKind> kinds = types.stream().map(EntityKeys.KeyType::kind).toList();
        return SeekSql.after(reading, kinds, values, hql, daylightSavingZone);
    }

    /** The HQL of a page read forward or backward after the {@code seek} predicate (null: from the start). */
    public String hql(boolean backward, SeekSql.Clause seek) {
        return hql(backward, seek, null);
    }

    /** {@link #hql(boolean, SeekSql.Clause)} with one more condition ANDed to the caller's (null: none). */
    private String hql(boolean backward, SeekSql.Clause seek, String condition) {
        StringBuilder list = new StringBuilder(rowItems(shape, select, rowType));
        for (int i = 0; i < order.size(); i++) {
            String key = ALIAS + "." + order.get(i).column();
            list.append(", ").append(switch (types.get(i).kind().form()) {
                case TEXT -> "cast(" + key + " as String)"; // the server's own text of the value
                case EPOCH -> "function('unix_timestamp', " + key + ")";
                default -> key;
            });
        }
        String filter = condition == null ? where : where == null ? condition : "(" + where + ") and " + condition;
        return hql(list.toString(), entityName, filter, order, backward, seek == null ? null : seek.text());
    }

    /** The HQL of a page: {@code select <selectList> from <entity> e where (<where>) and <seek> order by ...}. */
    public static String hql(String selectList, String entityName, String where, KeyOrder order, boolean backward,
            String seek) {
        KeyOrder reading = backward ? order.reversed() : order;
        StringBuilder hql = new StringBuilder("select ").append(selectList);
        hql.append(" from ").append(entityName).append(' ').append(ALIAS);
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
        Predicate predicate;
        if (condition instanceof QueryCondition<E> withQuery) {
            Predicate restriction = query.getRestriction();
            List<?> order = List.copyOf(query.getOrderList());
            List<?> groups = List.copyOf(query.getGroupList());
            int roots = query.getRoots().size();
            boolean distinct = query.isDistinct();
            Predicate built = withQuery.toPredicate(builder, root, query);
            if (query.getRestriction() != restriction || !order.equals(query.getOrderList())
                    || !groups.equals(query.getGroupList()) || query.getGroupRestriction() != null
                    || query.isDistinct() != distinct || query.getRoots().size() != roots) {
                throw new IllegalArgumentException("condition must only return a Predicate, but it changed the query"
                        + " itself (where, order by, group by, having, distinct or another root); the page query is"
                        + " the pager's: return the restriction as a Predicate, and use the query only for subqueries"
                        + " (exists(...) instead of a join with distinct)");
            }
            String collection = collectionJoin(root);
            if (collection != null) {
                throw new IllegalArgumentException("condition must not join or fetch the collection \"" + collection
                        + "\": a join repeats the entity once per element, and a keyset page needs one row per"
                        + " entity; filter on the collection with a subquery, e.g. builder.exists(...) built on"
                        + " query.subquery(...)");
            }
            predicate = built == null ? builder.conjunction() : built;
        } else {
            predicate = condition.toPredicate(builder, root);
        }
        if (predicate == null) {
            throw new IllegalArgumentException("condition must return a Predicate, but returned null; return e.g."
                    + " builder.conjunction() for no condition, or build it with the builder and root it is given");
        }
        Predicate restriction = query.getRestriction();
        query.where(restriction == null ? predicate : builder.and(restriction, predicate));
        return query;
    }

    /** The name of a collection joined or fetched from {@code from} or what it joins, or null. */
    private static String collectionJoin(From<?, ?> from) {
        for (Join<?, ?> join : from.getJoins()) {
            String found = join.getAttribute().isCollection() ? join.getAttribute().getName() : collectionJoin(join);
            if (found != null) {
                return found;
            }
        }
        return collectionFetch(from);
    }

    private static String collectionFetch(FetchParent<?, ?> parent) {
        for (Fetch<?, ?> fetch : parent.getFetches()) {
            String found = fetch.getAttribute().isCollection() ? fetch.getAttribute().getName()
                    : collectionFetch(fetch);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Reads up to {@code limit} rows after (backward: before) token {@code values}, in reading order. */
    public KeysetQuery.Rows<T> read(SharedSessionContract session, boolean backward, List<?> values, int limit,
            long rowsBefore) {
        return read(session, backward, values, null, 0, limit, rowsBefore, false);
    }

    /** Parameters of a migration partition's upper bound. */
    static final String UPPER_PARAMETER = "bw_upper_";

    /** The HQL syntax with the upper bound's own parameter names. */
    private final SeekSql.Syntax upperSyntax = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return hql.key(index, key);
        }

        @Override
        public String parameter(int slot) {
            return ":" + UPPER_PARAMETER + slot;
        }

        @Override
        public String fromText(String placeholder, int index, KeyKind kind) {
            return hql.fromText(placeholder, index, kind);
        }

        @Override
        public String fromEpoch(String placeholder) {
            return hql.fromEpoch(placeholder);
        }

        @Override
        public String epochOf(String key) {
            return hql.epochOf(key);
        }

        @Override
        public Object value(int index, Object value) {
            return hql.value(index, value);
        }
    };

    /**
     * For a migration chunk: up to {@code limit} rows after {@code values} (null: from the start) and
     * up to and including the row with keys {@code upper} (null: no bound), after skipping
     * {@code offset} rows (a partition boundary), locked with {@code FOR UPDATE} when {@code lock}.
     */
    public KeysetQuery.Rows<T> read(SharedSessionContract session, boolean backward, List<?> values, List<?> upper,
            int offset, int limit, long rowsBefore, boolean lock) {
        SeekSql.Clause seek = null;
        SeekSql.Clause upTo = null;
        if (values != null || upper != null) {
            boolean timestamps = types.stream().anyMatch(t -> t.kind().form() == KeyKind.Form.EPOCH);
            boolean daylightSaving = timestamps && session.doReturningWork(SessionZone::hasDaylightSaving);
            if (values != null) {
                seek = seek(backward, values, daylightSaving);
            }
            if (upper != null) {
                upTo = SeekSql.upTo(order, types.stream().map(EntityKeys.KeyType::kind).toList(), upper, upperSyntax,
                        daylightSaving);
            }
        }
        String hql = hql(backward, seek, upTo == null ? null : upTo.text());
        SelectionQuery<Object[]> query = condition == null ? session.createSelectionQuery(hql, Object[].class)
                : session.createSelectionQuery(withCondition(session.getCriteriaBuilder(), hql, entity, condition));
        parameters.forEach(query::setParameter);
        if (seek != null) {
            for (int slot = 0; slot < seek.values().size(); slot++) {
                query.setParameter(KEY_PARAMETER + slot, seek.values().get(slot));
            }
        }
        if (upTo != null) {
            for (int slot = 0; slot < upTo.values().size(); slot++) {
                query.setParameter(UPPER_PARAMETER + slot, upTo.values().get(slot));
            }
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
                    throw new BatchwiseException(BatchwiseException.Reason.BAD_DATA, "Key \""
                            + order.get(i).column() + "\" of " + entityName
                            + " is mapped as not optional, but row " + (rowsBefore + rows.size() + 1) + " has NULL"
                            + " there. Declare the key nullable (SortKey.nullable()) so NULL rows are paged", rowsBefore,
                            null, null);
                }
                key[i] = types.get(i).toToken(value);
            }
            List<Object> keyList = Collections.unmodifiableList(Arrays.asList(key));
            if (previous != null && Arrays.deepEquals(previous.toArray(), key)) {
                throw new BatchwiseException(BatchwiseException.Reason.BAD_DATA, "Rows " + (rowsBefore + rows.size()) + " and " + (rowsBefore + rows.size()
                        + 1) + " of " + entityName + " have the same keys " + keyList + ", which identify an entity:"
                        + " the select list " + (select == null ? "" : "\"" + select + "\" ") + "gives several rows per"
                        + " entity (a collection in it?), and the rows after the first of each entity would be skipped"
                        + " at a page boundary. Select one row per entity: no collection-valued paths", rowsBefore, null,
                        null);
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
