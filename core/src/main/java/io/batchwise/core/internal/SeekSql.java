package io.batchwise.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

/**
 * The seek predicate and ORDER BY of a keyset page, built from validated key names and bound
 * parameters only. Shared by the plain-JDBC pager and ORM pagers, which render keys and
 * parameters in their own query language through a {@link Syntax}.
 *
 * <p>Shape: the expanded OR form, one term per key,
 * <pre>
 * a &gt; ? OR (a = ? AND b &gt; ?) OR (a = ? AND b = ? AND c &gt; ?)
 * </pre>
 * never the row-value form {@code (a, b, c) > (?, ?, ?)}: measured on MariaDB 10.11 and 11.4 and
 * MySQL 9.7, the row-value form is not a range scan but a walk of the index from its start, so a
 * page late in the table reads every row before it; the OR form is a union of ranges that reads
 * about one page at any position.
 *
 * <p>NULLs: an equality with a NULL boundary value is {@code k IS NULL}; "after" a value of a key
 * whose NULLs sort last includes {@code k IS NULL}; "after" a NULL is {@code k IS NOT NULL} when
 * NULLs sort first and nothing when they sort last. Backward pages use the same predicate on the
 * reversed order.
 */
public final class SeekSql {

    /** How keys and bound values are written in the target query language. */
    public interface Syntax {
        /** The expression for {@code key}, the {@code index}-th key of the order. */
        String key(int index, SortKey key);

        /** The placeholder for the boundary value of the {@code index}-th key (e.g. {@code ?}). */
        String parameter(int index);

        /**
         * The expression that sorts by {@code key} in ORDER BY; by default {@link #key}. (The JDBC pager
         * names its own select labels here, so a caller's alias cannot shadow the column.)
         */
        default String orderTerm(int index, SortKey key) {
            return key(index, key);
        }
    }

    /** MySQL/MariaDB SQL: keys quoted with backticks, values as {@code ?}. */
    public static final Syntax MYSQL = new Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return key.quoted();
        }

        @Override
        public String parameter(int index) {
            return "?";
        }
    };

    /**
     * A predicate and the values its placeholders take, in placeholder order.
     *
     * @param text     the condition, safe to AND with others (parenthesised when it has an OR)
     * @param bindings for each placeholder in order, the index of the key whose boundary value it binds
     */
    public record Clause(String text, List<Integer> bindings) {
        public Clause {
            bindings = List.copyOf(bindings);
        }

        /** The values to bind, in placeholder order, taken from the boundary {@code values}. */
        public List<Object> values(List<?> values) {
            List<Object> bound = new ArrayList<>(bindings.size());
            for (int index : bindings) {
                bound.add(values.get(index));
            }
            return bound;
        }
    }

    private SeekSql() {
    }

    /**
     * Rows strictly after the row whose keys are {@code values} in {@code order}. For the rows
     * strictly before it, pass {@code order.reversed()}.
     *
     * @throws IllegalArgumentException if the number of values differs from the keys, or a NOT NULL key has a NULL value
     */
    public static Clause after(KeyOrder order, List<?> values, Syntax syntax) {
        if (values.size() != order.size()) {
            throw new IllegalArgumentException("values must have one value per key, " + order.size() + " for "
                    + order + ", but had " + values.size());
        }
        for (int i = 0; i < order.size(); i++) {
            if (values.get(i) == null && !order.get(i).isNullable()) {
                throw new IllegalArgumentException("key \"" + order.get(i).column() + "\" is not declared nullable, but"
                        + " the row has NULL there. Declare it nullable (SortKey.nullable()) so NULLs are paged"
                        + " correctly");
            }
        }
        List<String> terms = new ArrayList<>();
        List<Integer> bindings = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            List<Integer> termBindings = new ArrayList<>();
            StringJoiner term = new StringJoiner(" AND ");
            for (int j = 0; j < i; j++) {
                term.add(equal(order.get(j), j, values.get(j), syntax, termBindings));
            }
            String beyond = beyond(order.get(i), i, values.get(i), syntax, termBindings);
            if (beyond == null) {
                continue; // nothing sorts after a NULL whose NULLs sort last: the term is empty
            }
            term.add(beyond);
            terms.add(i == 0 ? term.toString() : "(" + term + ")");
            bindings.addAll(termBindings);
        }
        if (terms.isEmpty()) {
            return new Clause("1 = 0", List.of());
        }
        String text = terms.size() == 1 ? terms.get(0) : "(" + String.join(" OR ", terms) + ")";
        return new Clause(text, bindings);
    }

    private static String equal(SortKey key, int index, Object value, Syntax syntax, List<Integer> bindings) {
        String column = syntax.key(index, key);
        if (value == null) {
            return column + " IS NULL";
        }
        bindings.add(index);
        return column + " = " + syntax.parameter(index);
    }

    /** The condition "key sorts after value", or null when nothing does. */
    private static String beyond(SortKey key, int index, Object value, Syntax syntax, List<Integer> bindings) {
        String column = syntax.key(index, key);
        if (value == null) {
            return key.nullsSortFirst() ? column + " IS NOT NULL" : null;
        }
        bindings.add(index);
        String compare = column + (key.direction() == SortKey.Direction.ASC ? " > " : " < ") + syntax.parameter(index);
        if (key.isNullable() && !key.nullsSortFirst()) {
            return "(" + compare + " OR " + column + " IS NULL)";
        }
        return compare;
    }

    /**
     * The ORDER BY list (without the words ORDER BY) for {@code order}: the bare columns, plus a
     * {@code k IS NULL} term before a nullable key whose NULL placement is not the server's.
     */
    public static String orderBy(KeyOrder order, Syntax syntax) {
        StringJoiner list = new StringJoiner(", ");
        for (int i = 0; i < order.size(); i++) {
            SortKey key = order.get(i);
            if (!key.indexable()) {
                list.add(syntax.key(i, key) + " IS NULL " + (key.nullsSortFirst() ? "DESC" : "ASC"));
            }
            list.add(syntax.orderTerm(i, key) + " " + key.direction());
        }
        return list.toString();
    }
}
