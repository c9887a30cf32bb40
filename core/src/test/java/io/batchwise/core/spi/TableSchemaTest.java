package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

class TableSchemaTest {
    static final TableSchema.Index PRIMARY = new TableSchema.Index("PRIMARY", true,
            List.of(new TableSchema.IndexPart("id", false, false)));
    static final TableSchema.Index CREATED = new TableSchema.Index("k_created", false,
            List.of(new TableSchema.IndexPart("created_at", false, false)));
    static final TableSchema.Index CODE = new TableSchema.Index("u_code", true,
            List.of(new TableSchema.IndexPart("code", false, false)));

    static TableSchema table(boolean innoDb, TableSchema.Index... indexes) {
        Map<String, Boolean> columns = new LinkedHashMap<>();
        columns.put("id", false);
        columns.put("created_at", false);
        columns.put("code", false);
        columns.put("note", true);
        return new TableSchema("shop", "orders", innoDb, columns, List.of(indexes));
    }

    @Test
    void aSecondaryInnoDbIndexEndsWithThePrimaryKey() {
        KeyOrder order = KeyOrder.of(SortKey.asc("created_at"), SortKey.asc("id").unique());
        assertEquals("k_created", table(true, PRIMARY, CREATED).servingIndex(order).orElseThrow().name());
        assertTrue(table(false, PRIMARY, CREATED).servingIndex(order).isEmpty(), "MyISAM has no such extension");
        KeyOrder half = KeyOrder.of(SortKey.asc("created_at"), SortKey.desc("id").unique());
        assertTrue(table(true, PRIMARY, CREATED).servingIndex(half).isEmpty(), "directions must all match or all flip");
    }

    @Test
    void aUniqueIndexMatchedWholeServesWhateverFollows() {
        KeyOrder order = KeyOrder.of(SortKey.desc("code"), SortKey.asc("note").nullable(), SortKey.asc("id").unique());
        assertEquals("u_code", table(true, PRIMARY, CODE).servingIndex(order).orElseThrow().name());
        KeyOrder notLeading = KeyOrder.of(SortKey.asc("note").nullable(), SortKey.asc("code").unique());
        assertTrue(table(true, PRIMARY, CODE).servingIndex(notLeading).isEmpty());
    }

    @Test
    void theCreateIndexNamesEveryKeyInItsDirection() {
        KeyOrder order = KeyOrder.of(SortKey.desc("o.created_at"), SortKey.asc("o.id").unique());
        assertEquals("CREATE INDEX `bw_orders_created_at_id` ON `orders` (`created_at` DESC, `id` ASC)",
                table(true).createIndex(order, false));
        assertEquals("CREATE INDEX `bw_orders_created_at_id` ON `shop`.`orders` (`created_at` DESC, `id` ASC)",
                table(true).createIndex(order, true));
    }
}
