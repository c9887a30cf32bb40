package io.batchwise.core;

import java.util.List;

import io.batchwise.testing.WalkerContract;

/** {@link WalkerContract} for the streaming {@link JdbcWalker}: the server's ORDER BY, one streamed result. */
class JdbcWalkerContractIT extends WalkerContract {
    @Override
    protected Opened<Long> open(JdbcDriver driver, Order order) {
        Walk<Long> walk = JdbcWalker.query(schema.dataSource(driver), "SELECT id FROM tricky ORDER BY " + order.sql(),
                r -> r.getLong(1)).batchSize(97).open();
        return new Opened<>(walk, Long::longValue, () -> { });
    }
}

/** {@link WalkerContract} for the streaming {@link JdbcWalker} reading two batches ahead on a reader thread. */
class JdbcWalkerReadAheadContractIT extends WalkerContract {
    @Override
    protected Opened<Long> open(JdbcDriver driver, Order order) {
        Walk<Long> walk = JdbcWalker.query(schema.dataSource(driver), "SELECT id FROM tricky ORDER BY " + order.sql(),
                r -> r.getLong(1)).batchSize(97).readAhead(2).open();
        return new Opened<>(walk, Long::longValue, () -> { });
    }
}

/** {@link WalkerContract} for {@link JdbcKeysetPager}: one page query per 97 rows, keys by column. */
class JdbcKeysetPagerContractIT extends WalkerContract {
    @Override
    protected Opened<Long> open(JdbcDriver driver, Order order) {
        List<SortKey> keys = order.columns();
        Walk<Long> walk = JdbcKeysetPager.select(schema.dataSource(driver), "id", r -> r.getLong(1)).from("tricky")
                .orderBy(keys.get(0), keys.subList(1, keys.size()).toArray(SortKey[]::new)).pageSize(97).open().walk();
        return new Opened<>(walk, Long::longValue, () -> { });
    }
}

/** {@link WalkerContract} for {@link JdbcKeysetPager} reading two pages ahead on a reader thread. */
class JdbcKeysetPagerReadAheadContractIT extends WalkerContract {
    @Override
    protected Opened<Long> open(JdbcDriver driver, Order order) {
        List<SortKey> keys = order.columns();
        Walk<Long> walk = JdbcKeysetPager.select(schema.dataSource(driver), "id", r -> r.getLong(1)).from("tricky")
                .orderBy(keys.get(0), keys.subList(1, keys.size()).toArray(SortKey[]::new)).pageSize(97).readAhead(2)
                .open().walk();
        return new Opened<>(walk, Long::longValue, () -> { });
    }
}
