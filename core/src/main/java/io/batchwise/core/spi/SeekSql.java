package io.batchwise.core.spi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
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

        /** The placeholder for the {@code slot}-th bound value of a clause (e.g. {@code ?}). */
        String parameter(int slot);

        /**
         * The expression that sorts by {@code key} in ORDER BY; by default {@link #key}. (The JDBC pager
         * names its own select labels here, so a caller's alias cannot shadow the column.)
         */
        default String orderTerm(int index, SortKey key) {
            return key(index, key);
        }

        /** A value bound as the server's text of a {@link KeyKind.Form#TEXT} key, as that key's type. */
        default String fromText(String placeholder, int index, KeyKind kind) {
            return placeholder;
        }

        /** The {@code TIMESTAMP} of a bound {@code UNIX_TIMESTAMP} value. */
        default String fromEpoch(String placeholder) {
            return "FROM_UNIXTIME(" + placeholder + ")";
        }

        /** The {@code UNIX_TIMESTAMP} of a {@code TIMESTAMP} key expression. */
        default String epochOf(String key) {
            return "UNIX_TIMESTAMP(" + key + ")";
        }

        /**
         * The value to bind for a placeholder compared with the {@code index}-th key, from the value
         * the clause computed (a token value, an ENUM member, an instant bound); by default itself.
         */
        default Object value(int index, Object value) {
            return value;
        }
    }

    /** MySQL/MariaDB SQL: keys quoted with backticks, values as {@code ?}. */
    public static final Syntax MYSQL = new Syntax() {
        @Override
        public String key(int index, SortKey key) {
            return key.quoted();
        }

        @Override
        public String parameter(int slot) {
            return "?";
        }
    };

    /**
     * A predicate and the values its placeholders take, in placeholder order.
     *
     * @param text   the condition, safe to AND with others (parenthesised when it has an OR)
     * @param values the values to bind, in placeholder order
     */
    public record Clause(String text, List<Object> values) {
        public Clause {
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    /** The largest value FROM_UNIXTIME takes on every supported server. */
    private static final BigDecimal MAX_EPOCH = BigDecimal.valueOf(Integer.MAX_VALUE);

    private SeekSql() {
    }

    /** {@link #after(KeyOrder, List, List, Syntax, boolean)} for keys that are all {@link KeyKind#PLAIN}. */
    public static Clause after(KeyOrder order, List<?> values, Syntax syntax) {
        return after(order, Collections.nCopies(order.size(), KeyKind.PLAIN), values, syntax, false);
    }

    /**
     * Rows strictly after the row whose keys are {@code values} in {@code order}, each key compared
     * the way its {@code kinds} entry says. For the rows strictly before it, pass
     * {@code order.reversed()}.
     *
     * @param daylightSavingZone whether the session time zone has offset changes (then TIMESTAMP keys
     *                           are compared as instants; see {@link KeyKind})
     * @throws IllegalArgumentException if the number of values differs from the keys, a NOT NULL key has
     *         a NULL value, or a value cannot be its key's (a token not issued for these keys)
     */
    public static Clause after(KeyOrder order, List<KeyKind> kinds, List<?> values, Syntax syntax,
            boolean daylightSavingZone) {
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
        Terms terms = new Terms(syntax, daylightSavingZone);
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            int mark = terms.values.size();
            StringJoiner term = new StringJoiner(" AND ");
            for (int j = 0; j < i; j++) {
                term.add(terms.equal(order.get(j), kinds.get(j), j, values.get(j)));
            }
            String beyond = terms.beyond(order.get(i), kinds.get(i), i, values.get(i));
            if (beyond == null) {
                terms.rollback(mark); // nothing sorts after the value: the term is empty
                continue;
            }
            term.add(beyond);
            alternatives.add(i == 0 ? term.toString() : "(" + term + ")");
        }
        if (alternatives.isEmpty()) {
            return new Clause("1 = 0", List.of());
        }
        String text = alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join(" OR ", alternatives) + ")";
        return new Clause(text, terms.values);
    }

    /**
     * Rows up to and including the row whose keys are {@code values} in {@code order}: before it (after
     * it in the reversed order), or equal to it in every key. A migration partition's upper end; the
     * OR of ranges is a range for the server, like {@link #after}.
     */
    public static Clause upTo(KeyOrder order, List<KeyKind> kinds, List<?> values, Syntax syntax,
            boolean daylightSavingZone) {
        Clause before = after(order.reversed(), kinds, values, syntax, daylightSavingZone);
        Terms terms = new Terms(syntax, daylightSavingZone);
        terms.values.addAll(before.values()); // the placeholders continue after the before-clause's
        StringJoiner equal = new StringJoiner(" AND ");
        for (int i = 0; i < order.size(); i++) {
            equal.add(terms.equal(order.get(i), kinds.get(i), i, values.get(i)));
        }
        return new Clause("(" + before.text() + " OR (" + equal + "))", terms.values);
    }

    /** Builds the comparisons of one clause and collects the values they bind, in placeholder order. */
    private static final class Terms {
        final Syntax syntax;
        final boolean daylightSavingZone;
        final List<Object> values = new ArrayList<>();

        Terms(Syntax syntax, boolean daylightSavingZone) {
            this.syntax = syntax;
            this.daylightSavingZone = daylightSavingZone;
        }

        String bind(int index, Object value) {
            values.add(syntax.value(index, value));
            return syntax.parameter(values.size() - 1);
        }

        void rollback(int size) {
            values.subList(size, values.size()).clear();
        }

        String equal(SortKey key, KeyKind kind, int index, Object value) {
            String column = syntax.key(index, key);
            if (value == null) {
                return column + " IS NULL";
            }
            Object bound = kind.bindable(key.column(), value);
            return switch (kind.form()) {
                case TEXT -> column + " = " + syntax.fromText(bind(index, bound), index, kind);
                case EPOCH -> {
                    if (!daylightSavingZone) {
                        yield column + " = " + syntax.fromEpoch(bind(index, bound));
                    }
                    BigDecimal instant = (BigDecimal) bound;
                    String range = column + " >= " + syntax.fromEpoch(bind(index, low(instant)));
                    BigDecimal high = instant.add(BigDecimal.valueOf(KeyKind.DST_MARGIN_SECONDS));
                    if (high.compareTo(MAX_EPOCH) <= 0) {
                        range += " AND " + column + " <= " + syntax.fromEpoch(bind(index, high));
                    }
                    yield range + " AND " + syntax.epochOf(column) + " = " + bind(index, bound);
                }
                default -> column + " = " + bind(index, bound);
            };
        }

        /** The condition "key sorts after value", or null when nothing does. */
        String beyond(SortKey key, KeyKind kind, int index, Object value) {
            String column = syntax.key(index, key);
            boolean nullsAfter = key.isNullable() && !key.nullsSortFirst();
            if (value == null) {
                return key.nullsSortFirst() ? column + " IS NOT NULL" : null;
            }
            String compare = compare(key, kind, index, column, kind.bindable(key.column(), value));
            if (compare == null) {
                return nullsAfter ? column + " IS NULL" : null;
            }
            return nullsAfter ? "(" + compare + " OR " + column + " IS NULL)" : compare;
        }

        private String compare(SortKey key, KeyKind kind, int index, String column, Object value) {
            boolean ascending = key.direction() == SortKey.Direction.ASC;
            String operator = ascending ? " > " : " < ";
            return switch (kind.form()) {
                case TEXT -> column + operator + syntax.fromText(bind(index, value), index, kind);
                case ENUM -> {
                    List<String> members = kind.members();
                    int position = members.indexOf(value);
                    List<String> beyond = ascending ? members.subList(position + 1, members.size())
                            : members.subList(0, position);
                    if (beyond.isEmpty()) {
                        yield null;
                    }
                    StringJoiner in = new StringJoiner(", ", column + " IN (", ")");
                    for (String member : beyond) {
                        in.add(bind(index, member));
                    }
                    yield in.toString();
                }
                case EPOCH -> {
                    if (!daylightSavingZone) {
                        yield column + operator + syntax.fromEpoch(bind(index, value));
                    }
                    BigDecimal instant = (BigDecimal) value;
                    String range = "";
                    if (ascending) {
                        range = column + " >= " + syntax.fromEpoch(bind(index, low(instant))) + " AND ";
                    } else {
                        BigDecimal high = instant.add(BigDecimal.valueOf(KeyKind.DST_MARGIN_SECONDS));
                        if (high.compareTo(MAX_EPOCH) <= 0) {
                            range = column + " <= " + syntax.fromEpoch(bind(index, high)) + " AND ";
                        }
                    }
                    yield "(" + range + syntax.epochOf(column) + operator + bind(index, value) + ")";
                }
                default -> column + operator + bind(index, value);
            };
        }

        private static BigDecimal low(BigDecimal instant) {
            return instant.subtract(BigDecimal.valueOf(KeyKind.DST_MARGIN_SECONDS)).max(BigDecimal.ZERO);
        }
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
