package io.batchwise.hibernate;

import java.util.List;

import org.hibernate.Session;
import org.hibernate.SessionFactory;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.testing.HeapProbe;

/**
 * Runs one way of reading the whole item table in this (small-heap) JVM and prints one result line
 * ({@link HeapProbe}): {@code RESULT mode=<mode> outcome=<ok|oom|explained> rows=<n> checksum=<sum> peakMb=<..>
 * retainedQuarterMb=<..> retainedEndMb=<..>}. Started by {@link MemoryBoundIT} with {@code -Xmx64m}.
 */
public final class MemoryProbe {
    private MemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        long rows = Long.parseLong(args[4]);
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(args[1]);
        dataSource.setUsername(args[2]);
        dataSource.setPassword(args[3]);
        dataSource.setMaximumPoolSize(2);
        HeapProbe heap = HeapProbe.start(rows / 4);
        long sum = 0;
        long count = 0;
        String outcome = "ok";
        try (SessionFactory factory = SessionFactories.create(dataSource); Session session = factory.openSession()) {
            switch (mode) {
                case "getResultList" -> {
                    List<Item> all = session.createSelectionQuery("from Item", Item.class).getResultList();
                    for (Item item : all) {
                        sum += item.checksum();
                        count++;
                    }
                }
                case "yieldPer", "yieldPerBuffered" -> {
                    YieldPer.Builder<Item> builder = YieldPer.query(session, "from Item", Item.class).batchSize(1_000);
                    if (mode.equals("yieldPerBuffered")) {
                        builder.fetchSize(0);
                    }
                    try (Walk<Item> items = builder.open()) {
                        while (items.hasNext()) {
                            sum += items.next().checksum();
                            heap.progress(++count);
                        }
                    }
                }
                case "keyset" -> {
                    EntityPager<Item> pager = EntityPager.of(factory, Item.class)
                            .orderBy(io.batchwise.core.SortKey.asc("createdAt")).pageSize(1_000).open();
                    try (Walk<Item> items = pager.walk(session, null)) {
                        while (items.hasNext()) {
                            sum += items.next().checksum();
                            heap.progress(++count);
                        }
                    }
                }
                case "jdbcWalker", "jdbcKeyset" -> {
                    io.batchwise.core.RowMapper<Long> checksum = r -> io.batchwise.testing.ItemTable.checksum(
                            r.getLong(1), r.getBigDecimal(2), r.getString(3));
                    try (Walk<Long> items = mode.equals("jdbcWalker")
                            ? io.batchwise.core.JdbcWalker.query(dataSource, "SELECT id, amount, payload FROM item",
                                    checksum).open()
                            : io.batchwise.core.JdbcKeysetPager.select(dataSource, "id, amount, payload", checksum)
                                    .from("item").orderBy(io.batchwise.core.SortKey.asc("created_at")).pageSize(1_000)
                                    .open().walk()) {
                        while (items.hasNext()) {
                            sum += items.next();
                            heap.progress(++count);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("mode must be getResultList, yieldPer, yieldPerBuffered,"
                        + " keyset, jdbcWalker or jdbcKeyset, was " + mode);
            }
        } catch (OutOfMemoryError e) {
            outcome = "oom";
        } catch (BatchwiseException e) {
            outcome = e.getMessage().contains("ran out of heap") ? "explained" : "failed:" + e.getMessage();
        } catch (RuntimeException e) {
            outcome = HeapProbe.causedByHeap(e) ? "oom" : "failed:" + e;
        }
        dataSource.close();
        heap.printResult("mode", mode, "outcome", outcome, "rows", count, "checksum", sum);
        heap.close();
    }
}
