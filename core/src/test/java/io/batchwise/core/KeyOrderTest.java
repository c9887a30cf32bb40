package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class KeyOrderTest {

    @ParameterizedTest
    @ValueSource(strings = {"id; drop table item", "`id`", "a.b.c", "1st", "", "created at", "a-b", "o.", ".id",
            "id)", "ORDER(id)"})
    void refusesColumnsThatAreNotPlainNames(String column) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SortKey.asc(column));
        assertTrue(e.getMessage().startsWith("column must be a column name"), e.getMessage());
        assertTrue(e.getMessage().contains("was \"" + column + "\""), e.getMessage());
    }

    @Test
    void acceptsPlainAndQualifiedNamesAndQuotesThem() {
        assertEquals("`created_at`", SortKey.asc("created_at").quoted());
        assertEquals("`o`.`Created_At2`", SortKey.desc("o.Created_At2").quoted());
        assertEquals("Created_At2", SortKey.desc("o.Created_At2").columnName());
        assertEquals("o", SortKey.desc("o.Created_At2").qualifier());
    }

    @Test
    void nullPlacementFollowsTheServerUnlessAskedOtherwise() {
        assertTrue(SortKey.asc("a").nullable().nullsSortFirst());
        assertFalse(SortKey.desc("a").nullable().nullsSortFirst());
        assertTrue(SortKey.asc("a").nullable().indexable());
        assertFalse(SortKey.asc("a").nullsLast().indexable());
        assertTrue(SortKey.asc("a").nullsLast().isNullable(), "asking where NULLs go declares the key nullable");
        SortKey reversed = SortKey.asc("a").nullsLast().reversed();
        assertEquals(SortKey.Direction.DESC, reversed.direction());
        assertTrue(reversed.nullsSortFirst());
        assertEquals(SortKey.asc("a").nullsLast(), reversed.reversed());
    }

    @Test
    void aNullableKeyCannotBeUnique() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SortKey.asc("code").nullable().unique());
        assertTrue(e.getMessage().contains("cannot be both nullable and unique"), e.getMessage());
    }

    @Test
    void anOrderMustEndWithAUniqueKeyAndSaysHow() {
        KeyOrder order = KeyOrder.of(SortKey.asc("created_at"));
        assertFalse(order.isUnique());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> order.requireUnique("orderBy"));
        assertEquals("orderBy must end with a unique key, but (created_at ASC) ends with \"created_at\", which is not"
                + " declared unique: rows with equal keys would be skipped or repeated at page boundaries. Add the"
                + " primary key as the last key, e.g. SortKey.asc(\"id\").unique(), or declare the last key unique if"
                + " it is", e.getMessage());
        KeyOrder unique = KeyOrder.of(SortKey.asc("created_at"), SortKey.asc("id").unique());
        assertSame(unique, unique.requireUnique("orderBy"));
    }

    @Test
    void refusesRepeatedColumnsAndEmptyOrders() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyOrder.of(SortKey.asc("id"), SortKey.desc("ID")));
        assertTrue(e.getMessage().contains("\"ID\" appears twice"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new KeyOrder(List.of()));
    }

    @Test
    void tiebreakerIsAppendedOnlyWhereMissing() {
        List<SortKey> pk = List.of(SortKey.asc("id"));
        assertEquals(KeyOrder.of(SortKey.desc("created_at"), SortKey.asc("id").unique()),
                KeyOrder.of(SortKey.desc("created_at")).withTiebreaker(pk));
        // already a key: the keys after it never decide anything and go
        assertEquals(KeyOrder.of(SortKey.asc("id").unique()),
                KeyOrder.of(SortKey.asc("id"), SortKey.asc("note").nullable()).withTiebreaker(pk));
        List<SortKey> composite = List.of(SortKey.asc("tenant"), SortKey.asc("id"));
        assertEquals(KeyOrder.of(SortKey.asc("id"), SortKey.asc("x"), SortKey.asc("tenant").unique()),
                KeyOrder.of(SortKey.asc("id"), SortKey.asc("x")).withTiebreaker(composite));
        KeyOrder unique = KeyOrder.of(SortKey.asc("code").unique());
        assertSame(unique, unique.withTiebreaker(pk));
    }

    @Test
    void reversingKeepsKeyOrder() {
        KeyOrder order = KeyOrder.of(SortKey.desc("a"), SortKey.asc("b").nullsLast(), SortKey.asc("id").unique());
        KeyOrder reversed = order.reversed();
        assertEquals(List.of("a", "b", "id"), reversed.keys().stream().map(SortKey::column).toList());
        assertEquals(SortKey.Direction.ASC, reversed.get(0).direction());
        assertTrue(reversed.get(1).nullsSortFirst());
        assertTrue(reversed.isUnique());
        assertEquals(order, reversed.reversed());
    }
}
