package io.batchwise.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Identifiers;

/**
 * The ordered keys of a keyset walk, most significant first. Immutable; key order is kept.
 *
 * <p>A keyset page continues "after the last key seen", so the keys must identify a row: the last
 * key must be {@linkplain SortKey#unique() unique} (a NOT NULL column of a primary or unique key),
 * or rows with equal keys would be skipped or repeated at page boundaries. Pagers that know the
 * table append its primary key when it is missing ({@link #withTiebreaker(List)}).
 *
 * <pre>{@code
 * KeyOrder order = KeyOrder.of(SortKey.desc("created_at"), SortKey.desc("id").unique());
 * }</pre>
 *
 * <p>Keys are told apart by their column as written, qualifier included, case-insensitively:
 * {@code o.id} and {@code c.id} are two keys (two tables of a join), and so are the entity
 * attribute paths {@code origin.city} and {@code destination.city}. Write a column the same way
 * wherever it appears.
 *
 * @param keys the keys, at least one, at most {@value #MAX_KEYS}, each column at most once
 */
public record KeyOrder(List<SortKey> keys) {
    /** The most keys an order may have. */
    public static final int MAX_KEYS = 16;

    public KeyOrder {
        Arguments.notNull("keys", keys, "pass at least one SortKey, e.g. SortKey.asc(\"id\").unique()");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("keys must not be empty; pass at least one SortKey, e.g."
                    + " SortKey.asc(\"id\").unique()");
        }
        if (keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException("keys must be at most " + MAX_KEYS + ", was " + keys.size()
                    + "; sort by fewer columns (the order is decided by the first keys and a unique one)");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            SortKey key = keys.get(i);
            Arguments.notNull("keys[" + i + "]", key, "pass a SortKey, e.g. SortKey.asc(\"id\")");
            if (!seen.add(name(key))) {
                throw new IllegalArgumentException("keys must name each column once, but \"" + key.column()
                        + "\" appears twice in " + describe(keys) + "; remove the repeated key");
            }
        }
        keys = List.copyOf(keys);
    }

    /** An order of {@code first} and then {@code more}. */
    public static KeyOrder of(SortKey first, SortKey... more) {
        Arguments.notNull("first", first, "pass at least one SortKey");
        Arguments.notNull("more", more, "pass the further keys, or none");
        List<SortKey> keys = new ArrayList<>(1 + more.length);
        keys.add(first);
        Collections.addAll(keys, more);
        return new KeyOrder(keys);
    }

    public int size() {
        return keys.size();
    }

    public SortKey get(int index) {
        return keys.get(index);
    }

    public SortKey last() {
        return keys.get(keys.size() - 1);
    }

    /** Whether the last key is declared unique, so that the keys identify a row. */
    public boolean isUnique() {
        return last().isUnique();
    }

    /** The opposite order: every key reversed (the order a backward page reads in). */
    public KeyOrder reversed() {
        return new KeyOrder(keys.stream().map(SortKey::reversed).toList());
    }

    /**
     * This order made unique by the columns of a unique key (usually the primary key): those not
     * already keys are appended in the given order and directions, and the last key is marked
     * unique. When every tiebreaker column is already a key, the keys after the last of them cannot
     * change the order and are dropped.
     *
     * @param tiebreaker NOT NULL columns that identify a row together
     */
    public KeyOrder withTiebreaker(List<SortKey> tiebreaker) {
        Arguments.notNull("tiebreaker", tiebreaker, "pass the primary key columns");
        if (tiebreaker.isEmpty()) {
            throw new IllegalArgumentException("tiebreaker must not be empty; pass the primary key columns");
        }
        if (isUnique()) {
            return this;
        }
        Set<String> missing = new HashSet<>();
        for (SortKey extra : tiebreaker) {
            if (extra.isNullable()) {
                throw new IllegalArgumentException("tiebreaker column \"" + extra.column() + "\" is nullable, so it"
                        + " cannot identify a row; pass NOT NULL columns of a primary or unique key");
            }
            missing.add(name(extra));
        }
        List<SortKey> result = new ArrayList<>();
        for (SortKey key : keys) {
            result.add(key);
            missing.remove(name(key));
            if (missing.isEmpty()) {
                break; // the keys so far identify a row; later keys never decide anything
            }
        }
        for (SortKey extra : tiebreaker) {
            if (missing.contains(name(extra))) {
                result.add(extra);
            }
        }
        int last = result.size() - 1;
        result.set(last, result.get(last).unique());
        return new KeyOrder(result);
    }

    /**
     * This order, if its last key is unique.
     *
     * @throws IllegalArgumentException naming {@code parameter} and the fix otherwise
     */
    public KeyOrder requireUnique(String parameter) {
        if (!isUnique()) {
            throw new IllegalArgumentException(parameter + " must end with a unique key, but " + describe(keys)
                    + " ends with \"" + last().column() + "\", which is not declared unique: rows with equal keys"
                    + " would be skipped or repeated at page boundaries. Add the primary key as the last key, e.g. "
                    + "SortKey.asc(\"id\").unique(), or declare the last key unique if it is");
        }
        return this;
    }

    /** What tells keys apart: the column as written, qualifier included, case-insensitively. */
    private static String name(SortKey key) {
        return Identifiers.fold(key.column());
    }

    /** The keys as an ORDER BY list for messages, e.g. {@code (created_at DESC, id ASC unique)}. */
    @Override
    public String toString() {
        return describe(keys);
    }

    private static String describe(List<SortKey> keys) {
        return keys.stream().map(k -> k == null ? "null" : k.toString()).collect(Collectors.joining(", ", "(", ")"));
    }
}
