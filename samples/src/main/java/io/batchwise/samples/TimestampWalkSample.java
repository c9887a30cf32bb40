package io.batchwise.samples;

import java.time.LocalDateTime;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

import io.batchwise.core.KeysetWalk;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.EntityPager;

/**
 * Walks the items newest first by {@code created_at}, a timestamp ten rows share: the pager appends
 * the id as tiebreaker, so no row is skipped or repeated at page boundaries, and the microseconds of
 * {@code DATETIME(6)} round-trip through the boundary. Stops halfway, keeps the resume token, and
 * finishes the walk from it, as a restarted job would. {@code -Drows=N} (default 100,000).
 */
public final class TimestampWalkSample {
    private TimestampWalkSample() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 100_000L);
        try (SampleDatabase db = SampleDatabase.withItems(rows); SessionFactory factory = db.sessionFactory()) {
            EntityPager<Item> pager = EntityPager.of(factory, Item.class)
                    .orderBy(SortKey.desc("createdAt"))
                    .pageSize(1_000)
                    .open();
            System.out.println("order: " + pager.order());
            long seen = 0;
            long idSum = 0;
            LocalDateTime previous = null;
            String token;
            try (StatelessSession session = factory.openStatelessSession();
                    KeysetWalk<Item> items = pager.walk(session, null)) {
                while (items.hasNext() && seen < rows / 2) {
                    Item item = items.next();
                    previous = check(previous, item);
                    idSum += item.getId();
                    seen++;
                }
                token = items.resumeToken();
            }
            System.out.printf("stopped after %,d rows; resume token %s...%n", seen, token.substring(0, 20));
            try (StatelessSession session = factory.openStatelessSession();
                    KeysetWalk<Item> items = pager.walk(session, token)) {
                while (items.hasNext()) {
                    Item item = items.next();
                    previous = check(previous, item);
                    idSum += item.getId();
                    seen++;
                }
            }
            long expected = rows * (rows + 1) / 2;
            System.out.printf("walked %,d rows newest first; every id exactly once: %s%n", seen, idSum == expected);
            if (seen != rows || idSum != expected) {
                throw new IllegalStateException("walked " + seen + " rows with id sum " + idSum + ", expected " + rows
                        + " rows with id sum " + expected);
            }
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    private static LocalDateTime check(LocalDateTime previous, Item item) {
        if (previous != null && item.getCreatedAt().isAfter(previous)) {
            throw new IllegalStateException("out of order at id " + item.getId());
        }
        return item.getCreatedAt();
    }
}
