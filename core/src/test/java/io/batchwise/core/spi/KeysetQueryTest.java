package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

class KeysetQueryTest {
    static final LocalDateTime T = LocalDateTime.of(2024, 5, 1, 12, 0, 0, 123_456_000);
    static final KeysetQuery<Long> QUERY = new KeysetQuery<>("id, created_at, amount", "`item`", "category = ?",
            List.of("books"), KeyOrder.of(SortKey.desc("created_at"), SortKey.desc("id").unique()), r -> r.getLong(1),
            List.of(KeyKind.PLAIN, KeyKind.PLAIN));

    @Test
    void theFirstPageHasNoSeekPredicate() {
        KeysetQuery.Statement s = QUERY.sql(false, null, 1001);
        assertEquals("SELECT id, created_at, amount, `created_at` AS bw_key_1, `id` AS bw_key_2 FROM `item`"
                + " WHERE category = ? ORDER BY bw_key_1 DESC, bw_key_2 DESC LIMIT 1001", s.sql());
        assertEquals(List.of("books"), s.values());
    }

    @Test
    void aNextPageAddsTheExpandedOrPredicateAfterTheCallersFilter() {
        KeysetQuery.Statement s = QUERY.sql(false, List.of(T, 42L), 1001);
        assertEquals("SELECT id, created_at, amount, `created_at` AS bw_key_1, `id` AS bw_key_2 FROM `item`"
                + " WHERE (category = ?) AND (`created_at` < ? OR (`created_at` = ? AND `id` < ?))"
                + " ORDER BY bw_key_1 DESC, bw_key_2 DESC LIMIT 1001", s.sql());
        assertEquals(List.of("books", T, T, 42L), s.values());
    }

    @Test
    void aPreviousPageReadsTheReversedOrder() {
        KeysetQuery.Statement s = QUERY.sql(true, List.of(T, 42L), 1001);
        assertEquals("SELECT id, created_at, amount, `created_at` AS bw_key_1, `id` AS bw_key_2 FROM `item`"
                + " WHERE (category = ?) AND (`created_at` > ? OR (`created_at` = ? AND `id` > ?))"
                + " ORDER BY bw_key_1 ASC, bw_key_2 ASC LIMIT 1001", s.sql());
    }

    @Test
    void withoutAFilterTheSeekPredicateIsTheWhereClause() {
        KeysetQuery<Long> q = new KeysetQuery<>("id", "`item`", null, List.of(),
                KeyOrder.of(SortKey.asc("category").nullable(), SortKey.asc("id").unique()), r -> r.getLong(1),
                List.of(KeyKind.PLAIN, KeyKind.PLAIN));
        assertEquals("SELECT id, `category` AS bw_key_1, `id` AS bw_key_2 FROM `item`"
                + " WHERE (`category` IS NOT NULL OR (`category` IS NULL AND `id` > ?))"
                + " ORDER BY bw_key_1 ASC, bw_key_2 ASC LIMIT 10", q.sql(false, Arrays.asList(null, 7L), 10).sql());
    }
}
