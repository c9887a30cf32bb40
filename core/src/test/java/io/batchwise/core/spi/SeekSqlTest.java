package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

class SeekSqlTest {

    private static SeekSql.Clause after(KeyOrder order, Object... values) {
        return SeekSql.after(order, Arrays.asList(values), SeekSql.MYSQL);
    }

    @Test
    void singleAscendingKeyIsOneComparison() {
        SeekSql.Clause c = after(KeyOrder.of(SortKey.asc("id").unique()), 42L);
        assertEquals("`id` > ?", c.text());
        assertEquals(List.of(42L), c.values());
    }

    @Test
    void compositeKeyIsTheExpandedOrFormNeverARowValue() {
        KeyOrder order = KeyOrder.of(SortKey.asc("created_at"), SortKey.asc("amount"), SortKey.asc("id").unique());
        SeekSql.Clause c = after(order, "t", "a", 7L);
        assertEquals("(`created_at` > ? OR (`created_at` = ? AND `amount` > ?)"
                + " OR (`created_at` = ? AND `amount` = ? AND `id` > ?))", c.text());
        assertEquals(List.of("t", "t", "a", "t", "a", 7L), c.values());
        assertFalse(c.text().contains("`, `"), "no row-value comparison: " + c.text());
    }

    @Test
    void mixedDirectionsCompareEachKeyItsOwnWay() {
        KeyOrder order = KeyOrder.of(SortKey.desc("created_at"), SortKey.asc("id").unique());
        assertEquals("(`created_at` < ? OR (`created_at` = ? AND `id` > ?))", after(order, "t", 1L).text());
        assertEquals("`created_at` DESC, `id` ASC", SeekSql.orderBy(order, SeekSql.MYSQL));
        KeyOrder back = order.reversed();
        assertEquals("(`created_at` > ? OR (`created_at` = ? AND `id` < ?))", after(back, "t", 1L).text());
        assertEquals("`created_at` ASC, `id` DESC", SeekSql.orderBy(back, SeekSql.MYSQL));
    }

    @Test
    void qualifiedKeysAreQuotedPartByPart() {
        KeyOrder order = KeyOrder.of(SortKey.asc("o.created_at"), SortKey.asc("o.id").unique());
        assertEquals("(`o`.`created_at` > ? OR (`o`.`created_at` = ? AND `o`.`id` > ?))", after(order, "t", 1L).text());
    }

    @Test
    void afterANullThatSortsFirstComeAllValues() {
        KeyOrder order = KeyOrder.of(SortKey.asc("category").nullable(), SortKey.asc("id").unique());
        SeekSql.Clause c = after(order, null, 5L);
        assertEquals("(`category` IS NOT NULL OR (`category` IS NULL AND `id` > ?))", c.text());
        assertEquals(List.of(5L), c.values());
    }

    @Test
    void afterAValueWhoseNullsSortFirstTheNullsAreBehind() {
        KeyOrder order = KeyOrder.of(SortKey.asc("category").nullable(), SortKey.asc("id").unique());
        assertEquals("(`category` > ? OR (`category` = ? AND `id` > ?))", after(order, "x", 5L).text());
        assertEquals("`category` ASC, `id` ASC", SeekSql.orderBy(order, SeekSql.MYSQL));
    }

    @Test
    void afterANullThatSortsLastComeOnlyLaterNulls() {
        KeyOrder order = KeyOrder.of(SortKey.desc("category").nullable(), SortKey.asc("id").unique());
        assertEquals("(`category` IS NULL AND `id` > ?)", after(order, null, 5L).text());
        assertEquals("((`category` < ? OR `category` IS NULL) OR (`category` = ? AND `id` > ?))",
                after(order, "x", 5L).text());
        assertEquals("`category` DESC, `id` ASC", SeekSql.orderBy(order, SeekSql.MYSQL));
    }

    @Test
    void nonDefaultNullPlacementAddsAnIsNullSortTerm() {
        KeyOrder order = KeyOrder.of(SortKey.asc("category").nullsLast(), SortKey.asc("id").unique());
        assertEquals("((`category` > ? OR `category` IS NULL) OR (`category` = ? AND `id` > ?))",
                after(order, "x", 5L).text());
        assertEquals("`category` IS NULL ASC, `category` ASC, `id` ASC", SeekSql.orderBy(order, SeekSql.MYSQL));
        assertEquals("`category` IS NULL DESC, `category` DESC, `id` DESC",
                SeekSql.orderBy(order.reversed(), SeekSql.MYSQL));
        KeyOrder descFirst = KeyOrder.of(SortKey.desc("category").nullsFirst(), SortKey.asc("id").unique());
        assertEquals("`category` IS NULL DESC, `category` DESC, `id` ASC", SeekSql.orderBy(descFirst, SeekSql.MYSQL));
        assertEquals("(`category` IS NOT NULL OR (`category` IS NULL AND `id` > ?))", after(descFirst, null, 5L).text());
    }

    @Test
    void nothingFollowsTheLastNullOfTheOnlyKey() {
        KeyOrder order = KeyOrder.of(SortKey.asc("a").nullsLast(), SortKey.asc("id").unique());
        assertEquals("(`a` IS NULL AND `id` > ?)", after(order, null, 1L).text());
    }

    @Test
    void aNullInAKeyNotDeclaredNullableIsRefused() {
        KeyOrder order = KeyOrder.of(SortKey.asc("category"), SortKey.asc("id").unique());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> after(order, null, 1L));
        assertTrue(e.getMessage().contains("\"category\" is not declared nullable"), e.getMessage());
        assertTrue(e.getMessage().contains("SortKey.nullable()"), e.getMessage());
    }

    @Test
    void valuesMustMatchTheKeys() {
        KeyOrder order = KeyOrder.of(SortKey.asc("a"), SortKey.asc("id").unique());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> after(order, 1L));
        assertTrue(e.getMessage().contains("one value per key, 2"), e.getMessage());
    }

    @Test
    void customSyntaxRendersKeysAndNamedParameters() {
        SeekSql.Syntax hql = new SeekSql.Syntax() {
            @Override
            public String key(int index, SortKey key) {
                return "e." + key.columnName();
            }

            @Override
            public String parameter(int index) {
                return ":k" + index;
            }
        };
        KeyOrder order = KeyOrder.of(SortKey.desc("createdAt"), SortKey.asc("id").unique());
        assertEquals("(e.createdAt < :k0 OR (e.createdAt = :k1 AND e.id > :k2))",
                SeekSql.after(order, List.of(1, 2), hql).text());
    }

    @Test
    void orderTermsCanNameSelectLabelsWhileNullTestsNameTheColumn() {
        SeekSql.Syntax labels = new SeekSql.Syntax() {
            @Override
            public String key(int index, SortKey key) {
                return key.quoted();
            }

            @Override
            public String parameter(int index) {
                return "?";
            }

            @Override
            public String orderTerm(int index, SortKey key) {
                return "bw_key_" + (index + 1);
            }
        };
        KeyOrder order = KeyOrder.of(SortKey.asc("note").nullsLast(), SortKey.asc("id").unique());
        assertEquals("`note` IS NULL ASC, bw_key_1 ASC, bw_key_2 ASC", SeekSql.orderBy(order, labels));
    }
}
