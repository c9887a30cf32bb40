package io.batchwise.core;

import java.util.Objects;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Identifiers;

/**
 * One key of a keyset order: a column, its direction, whether it may hold NULL and where NULLs
 * sort, and whether it identifies a row. Immutable; the fluent methods return new keys.
 *
 * <pre>{@code
 * KeyOrder order = KeyOrder.of(
 *         SortKey.desc("created_at"),
 *         SortKey.asc("category").nullable(),   // NULLs first, as MySQL sorts them ascending
 *         SortKey.asc("id").unique());          // the tiebreaker
 * }</pre>
 *
 * <p>The column is a name of letters, digits and {@code _} (not starting with a digit), optionally
 * qualified by one table name or alias ({@code "o.created_at"}); it is quoted with backticks in
 * SQL. Nothing else a caller writes here reaches SQL text.
 *
 * <p>NULL placement: MySQL and MariaDB sort NULL before every value ascending and after every
 * value descending ({@link Nulls#DEFAULT}). An index serves only that placement; asking for the
 * other one ({@link #nullsFirst()} on a descending key, {@link #nullsLast()} on an ascending key)
 * adds a {@code col IS NULL} sort term that no index can serve, so each page sorts the rows after
 * the cursor.
 *
 * <p>(A final class rather than a record: the fluent {@link #nullable()} and {@link #unique()}
 * would collide with record accessors of the same names.)
 */
public final class SortKey {
    /** Sort direction. */
    public enum Direction {
        ASC, DESC;

        /** The opposite direction. */
        public Direction reversed() {
            return this == ASC ? DESC : ASC;
        }
    }

    /** Where NULLs of a nullable key sort. */
    public enum Nulls {
        /** The server's placement: first when ascending, last when descending. Index-friendly. */
        DEFAULT,
        /** Before every value. */
        FIRST,
        /** After every value. */
        LAST
    }

    private final String column;
    private final Direction direction;
    private final boolean nullable;
    private final Nulls nulls;
    private final boolean unique;

    private SortKey(String column, Direction direction, boolean nullable, Nulls nulls, boolean unique) {
        this.column = column;
        this.direction = direction;
        this.nullable = nullable;
        this.nulls = nulls;
        this.unique = unique;
    }

    /**
     * A key from all its parts.
     *
     * @throws IllegalArgumentException if {@code column} is not a plain or qualified column name, a
     *         part is null, or the key is both nullable and unique (NULLs repeat in a unique index,
     *         so a nullable column cannot break ties)
     */
    public static SortKey of(String column, Direction direction, boolean nullable, Nulls nulls, boolean unique) {
        Identifiers.requireQualifiedName("column", column, "column name", "table name or alias",
                "\"created_at\" or \"o.created_at\"");
        Arguments.notNull("direction", direction, "pass SortKey.Direction.ASC or DESC");
        Arguments.notNull("nulls", nulls, "pass SortKey.Nulls.DEFAULT, FIRST or LAST");
        if (nulls != Nulls.DEFAULT) {
            nullable = true; // asking where NULLs go says the column has them
        }
        if (nullable && unique) {
            throw new IllegalArgumentException("column \"" + column + "\" cannot be both nullable and unique: a unique"
                    + " index admits any number of NULLs, so a nullable column does not identify a row. Make the"
                    + " tiebreaker a NOT NULL unique column, such as the primary key");
        }
        return new SortKey(column, direction, nullable, nulls, unique);
    }

    /** An ascending, NOT NULL, non-unique key on {@code column}. */
    public static SortKey asc(String column) {
        return of(column, Direction.ASC, false, Nulls.DEFAULT, false);
    }

    /** A descending, NOT NULL, non-unique key on {@code column}. */
    public static SortKey desc(String column) {
        return of(column, Direction.DESC, false, Nulls.DEFAULT, false);
    }

    /** This key, declared to hold NULLs, sorted where the server sorts them ({@link Nulls#DEFAULT}). */
    public SortKey nullable() {
        return of(column, direction, true, nulls, unique);
    }

    /** This key, nullable, with NULLs before every value. */
    public SortKey nullsFirst() {
        return of(column, direction, true, Nulls.FIRST, unique);
    }

    /** This key, nullable, with NULLs after every value. */
    public SortKey nullsLast() {
        return of(column, direction, true, Nulls.LAST, unique);
    }

    /**
     * This key, declared to identify a row together with the keys before it (a NOT NULL column of
     * a primary or unique key). The last key of an order must be unique.
     */
    public SortKey unique() {
        return of(column, direction, nullable, nulls, true);
    }

    /** This key in the opposite order: direction reversed and NULLs on the other side. */
    public SortKey reversed() {
        Nulls other = switch (nulls) {
            case DEFAULT -> Nulls.DEFAULT; // the default flips with the direction
            case FIRST -> Nulls.LAST;
            case LAST -> Nulls.FIRST;
        };
        return new SortKey(column, direction.reversed(), nullable, other, unique);
    }

    /** The column as given, e.g. {@code o.created_at}. */
    public String column() {
        return column;
    }

    /** The column without its qualifier, e.g. {@code created_at}. */
    public String columnName() {
        return Identifiers.unqualified(column);
    }

    /** The table name or alias qualifying the column, or null. */
    public String qualifier() {
        return Identifiers.qualifier(column);
    }

    /** The column quoted for MySQL, e.g. {@code `o`.`created_at`}. */
    public String quoted() {
        return Identifiers.quote(column);
    }

    public Direction direction() {
        return direction;
    }

    public Nulls nulls() {
        return nulls;
    }

    public boolean isNullable() {
        return nullable;
    }

    public boolean isUnique() {
        return unique;
    }

    /** Whether NULLs of this key come before its values (meaningful only when nullable). */
    public boolean nullsSortFirst() {
        return switch (nulls) {
            case DEFAULT -> direction == Direction.ASC;
            case FIRST -> true;
            case LAST -> false;
        };
    }

    /**
     * Whether the server's own order of the bare column gives this key's order, so that an index
     * can serve it: true unless the key is nullable with the non-default NULL placement.
     */
    public boolean indexable() {
        return !nullable || nullsSortFirst() == (direction == Direction.ASC);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SortKey k && k.column.equals(column) && k.direction == direction
                && k.nullable == nullable && k.nulls == nulls && k.unique == unique;
    }

    @Override
    public int hashCode() {
        return Objects.hash(column, direction, nullable, nulls, unique);
    }

    /** E.g. {@code created_at DESC NULLS LAST nullable unique}, for messages. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(column).append(' ').append(direction);
        if (nullable) {
            s.append(nullsSortFirst() ? " NULLS FIRST" : " NULLS LAST");
        }
        if (unique) {
            s.append(" unique");
        }
        return s.toString();
    }
}
