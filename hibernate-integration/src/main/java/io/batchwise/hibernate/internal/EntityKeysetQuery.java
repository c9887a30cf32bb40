package io.batchwise.hibernate.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.hibernate.SharedSessionContract;
import org.hibernate.query.SelectionQuery;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;
import io.batchwise.core.internal.KeysetQuery;
import io.batchwise.core.internal.SeekSql;

/**
 * One entity keyset query in HQL:
 * <pre>
 * select e, e.k1, e.k2 from Entity e where (&lt;where&gt;) and (&lt;seek&gt;) order by e.k1, e.k2
 * </pre>
 * with the caller's condition and parameters, the seek predicate from {@link SeekSql} over attribute
 * paths and bound parameters {@code :bw_key_i}, and the limit as {@code setMaxResults}. The key
 * values are selected, so each page's boundary comes from the database, not from Java objects.
 */
public final class EntityKeysetQuery<T> {
    private static final String ALIAS = "e";

    private final Class<T> entity;
    private final String entityName;
    private final String where;
    private final Map<String, Object> parameters;
    private final KeyOrder order;

    public EntityKeysetQuery(Class<T> entity, String entityName, String where, Map<String, Object> parameters,
            KeyOrder order) {
        this.entity = entity;
        this.entityName = entityName;
        this.where = where;
        this.parameters = parameters;
        this.order = order;
    }

    public KeyOrder order() {
        return order;
    }

    private static final SeekSql.Syntax HQL = new SeekSql.Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return ALIAS + "." + key.column();
        }

        @Override
        public String parameter(int index) {
            return ":bw_key_" + index;
        }
    };

    /** The HQL of a page read forward or backward after {@code values} (null: from the start). */
    public String hql(boolean backward, List<?> values) {
        KeyOrder reading = backward ? order.reversed() : order;
        StringBuilder hql = new StringBuilder("select ").append(ALIAS);
        for (SortKey key : order.keys()) {
            hql.append(", ").append(ALIAS).append('.').append(key.column());
        }
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
                    .append(key.direction().name().toLowerCase(java.util.Locale.ROOT));
            if (!key.indexable()) {
                hql.append(key.nullsSortFirst() ? " nulls first" : " nulls last");
            }
        }
        return hql.toString();
    }

    /** Reads up to {@code limit} entities after (backward: before) {@code values}, in reading order. */
    public KeysetQuery.Rows<T> read(SharedSessionContract session, boolean backward, List<?> values, int limit,
            long rowsBefore) {
        SelectionQuery<Object[]> query = session.createSelectionQuery(hql(backward, values), Object[].class);
        parameters.forEach(query::setParameter);
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                if (values.get(i) != null) {
                    query.setParameter("bw_key_" + i, values.get(i));
                }
            }
        }
        query.setMaxResults(limit);
        List<Object[]> result = query.getResultList();
        List<T> rows = new ArrayList<>(result.size());
        List<List<Object>> keys = new ArrayList<>(result.size());
        for (Object[] row : result) {
            List<Object> key = Collections.unmodifiableList(Arrays.asList(Arrays.copyOfRange(row, 1, row.length)));
            for (int i = 0; i < key.size(); i++) {
                if (key.get(i) == null && !order.get(i).isNullable()) {
                    throw new BatchwiseException("Key \"" + order.get(i).column() + "\" of " + entityName
                            + " is mapped as not optional, but row " + (rowsBefore + rows.size() + 1) + " has NULL"
                            + " there. Declare the key nullable (SortKey.nullable()) so NULL rows are paged", rowsBefore,
                            null);
                }
            }
            rows.add(entity.cast(row[0]));
            keys.add(key);
        }
        return new KeysetQuery.Rows<>(rows, keys);
    }
}
