package io.batchwise.samples;

import java.nio.charset.StandardCharsets;

import org.hibernate.Session;
import org.hibernate.SessionFactory;

import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.EntityPager;

/**
 * Keyset paging as a web API would do it, without the HTTP: each "request" carries the token of the
 * previous response, opens its own session, reads one page and answers with the rows and the next
 * token. Nothing is held between requests but the token the client keeps; the tokens are signed, so
 * a client cannot forge a position. {@code -Drows=N} (default 10,000), {@code -DpageSize=P} (default 500).
 */
public final class KeysetApiSample {
    private KeysetApiSample() {
    }

    /** One response of the "API": a page of items and the token for the next request. */
    record Response(int items, long firstId, long lastId, String next) {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 10_000L);
        int pageSize = Integer.getInteger("pageSize", 500);
        try (SampleDatabase db = SampleDatabase.withItems(rows); SessionFactory factory = db.sessionFactory()) {
            EntityPager<Item> pager = EntityPager.of(factory, Item.class)
                    .orderBy(SortKey.asc("id"))
                    .pageSize(pageSize)
                    .tokenSecret("change-me-to-a-real-32-byte-key!".getBytes(StandardCharsets.UTF_8))
                    .open();
            String token = null;
            long total = 0;
            int requests = 0;
            do {
                Response response = handle(factory, pager, token);
                requests++;
                total += response.items();
                if (requests <= 3) {
                    System.out.printf("GET /items?after=%s -> %d items (%d..%d), next=%s%n",
                            token == null ? "" : token.substring(0, Math.min(16, token.length())) + "...",
                            response.items(), response.firstId(), response.lastId(),
                            response.next() == null ? "none" : response.next().substring(0, 16) + "...");
                }
                token = response.next();
            } while (token != null);
            System.out.printf("served %,d items in %,d requests of up to %d%n", total, requests, pageSize);
            if (total != rows) {
                throw new IllegalStateException("served " + total + " items, the table has " + rows);
            }
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    /** One request: a fresh session, one page, the rows and the next token out. */
    static Response handle(SessionFactory factory, EntityPager<Item> pager, String token) {
        try (Session session = factory.openSession()) {
            Page<Item> page = pager.page(session, token);
            if (page.isEmpty()) {
                return new Response(0, 0, 0, null);
            }
            return new Response(page.size(), page.content().get(0).getId(),
                    page.content().get(page.size() - 1).getId(), page.hasNext() ? page.nextToken() : null);
        }
    }
}
