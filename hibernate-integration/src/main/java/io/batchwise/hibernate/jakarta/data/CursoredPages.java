package io.batchwise.hibernate.jakarta.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.data.page.CursoredPage;
import jakarta.data.page.PageRequest;
import jakarta.data.page.impl.CursoredPageRecord;

import org.hibernate.Session;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.internal.EntityKeysetQuery;
import io.batchwise.hibernate.internal.PagerAccess;

/**
 * Jakarta Data's cursor-based pagination ({@link PageRequest}, {@link PageRequest.Cursor},
 * {@link CursoredPage}) on an {@link EntityPager}: a request in, its page out, read by the pager's
 * one short indexed keyset query. {@link BatchwiseRepository#cursoredPage(EntityPager, PageRequest)} is the
 * same on a repository.
 *
 * <pre>{@code
 * EntityPager<Book> byPublished = EntityPager.of(sessionFactory, Book.class)
 *         .where("e.status = :status").parameter("status", Status.PUBLISHED)
 *         .orderBy(SortKey.desc("publishedAt"))         // the id is appended as tiebreaker
 *         .open();                                       // once: it checks the metamodel and the indexes
 *
 * CursoredPage<Book> first = CursoredPages.page(byPublished, session, PageRequest.ofSize(20).withoutTotal());
 * CursoredPage<Book> second = CursoredPages.page(byPublished, session, first.nextPageRequest());
 * CursoredPage<Book> back = CursoredPages.page(byPublished, session, second.previousPageRequest());
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>A request for the first page ({@code PageRequest.ofSize(n)}, mode {@code OFFSET}, page 1)
 *       reads the first {@code n} rows in the pager's order; {@code afterCursor} the {@code n} rows
 *       after the cursor's row, {@code beforeCursor} the {@code n} rows before it (returned in the
 *       pager's order). The request's size is the page size (1 to
 *       {@value EntityPager#MAX_PAGE_SIZE}); the pager's own {@link EntityPager#pageSize()} is for
 *       its walks.</li>
 *   <li>Every row of the page has a cursor ({@link CursoredPage#cursor(int)}): its key values in the
 *       pager's {@link EntityPager#order()}, the tiebreaker (the id) last, each in the form a Batchwise
 *       token carries it, so that it makes the round trip exactly (docs/keyset.md, "Exact key values"):
 *       integers and {@code DECIMAL} as {@code Integer}, {@code Long} or {@code BigDecimal}, text as
 *       {@code String}, {@code DATE}, {@code DATETIME(6)} and {@code TIME} as the server's own text
 *       ({@code "2024-03-01 12:00:00.123457"}), {@code TIMESTAMP} as its epoch seconds
 *       ({@code BigDecimal}), enums by name, and NULL, for a nullable key, as {@code null}.
 *       {@link CursoredPage#nextPageRequest()} continues after the last row,
 *       {@link CursoredPage#previousPageRequest()} before the first; their page numbers count from
 *       the request's.</li>
 *   <li>{@code hasNext()} is exact for a page read forward (one row more is read), and
 *       {@code hasPrevious()} for a page read backward; in the other direction a page reached from a
 *       cursor reports true, like {@link io.batchwise.core.Page}. An empty page has neither.</li>
 *   <li>Refused before any SQL, naming the parameter, the value and the fix: an OFFSET request past
 *       page 1 (a keyset pager seeks after a row, it cannot skip pages), a request for totals
 *       ({@code requestTotal()}, which {@code PageRequest.ofSize} sets: counting reads every row the
 *       condition selects, on every page; ask {@code withoutTotal()}), a cursor with the wrong number
 *       of values or a value that is not its key's (a cursor of another pager or order, or of
 *       Hibernate's own {@code @Find} methods, which carry the {@code Order}'s attributes without the
 *       tiebreaker and as Java values).</li>
 *   <li>Transactions and sessions are the caller's, as in {@link EntityPager#page}: a stateful
 *       session keeps the entities managed, a stateless one returns them detached.</li>
 * </ul>
 *
 * <h2>Hibernate's own {@code @Find ... CursoredPage} and this</h2>
 * Hibernate's generated repositories implement {@code @Find CursoredPage<Book> pages(PageRequest,
 * Order<Book>)} themselves ({@code getKeyedResultList}, with the same expanded seek predicate on 7.4),
 * and for a small list ordered by non-null, unique keys that is all one needs. Use this one when the
 * pages are many or the order is not that simple:
 * <ul>
 *   <li>nullable keys: Hibernate's cursor is {@code Cursor.forKey(...)}, whose {@code elements()}
 *       refuses NULL, so its next page after a row with a NULL key fails with a
 *       {@code NullPointerException}; here NULL is a key value like any other (measured in
 *       {@code JakartaDataIT}, Hibernate 7.4.13);</li>
 *   <li>the tiebreaker: the id is appended when the order is not unique, where Hibernate's
 *       {@code Order} must itself be a unique key of the result ({@code org.hibernate.query.KeyedPage});</li>
 *   <li>exact keys: each key is carried and bound in the form the server compares (its own text for
 *       {@code DATETIME(6)}, epoch seconds for {@code TIMESTAMP}, the collation's order for text),
 *       checked per column type and driver (docs/keyset.md);</li>
 *   <li>the index check: {@link EntityPager.Builder#open()} warns, or refuses, when no index serves
 *       the order, with the {@code CREATE INDEX} that would;</li>
 *   <li>beyond pages: the same pager walks every row in bounded heap
 *       ({@link BatchwiseRepository#walk(EntityPager, String)}: one page in memory at a time) with resume
 *       tokens (signed if asked), which a page's cursor converts to and from ({@link #token},
 *       {@link #cursor}); and a request for totals is refused instead of counting the table per page.</li>
 * </ul>
 * The cursors of the two are not interchangeable: Hibernate's carry the {@code Order}'s attributes as
 * Java values, these the pager's keys with the tiebreaker.
 */
public final class CursoredPages {
    private CursoredPages() {
    }

    /**
     * The page {@code request} asks for, read by {@code pager} in the caller's stateless session.
     *
     * @throws IllegalArgumentException if the request cannot be served by a keyset pager, or its
     *                                  cursor is not one of this pager's (no SQL runs then)
     * @throws IllegalStateException    if the session is closed
     */
    public static <T> CursoredPage<T> page(EntityPager<T> pager, StatelessSession session, PageRequest request) {
        return read(pager, session, request);
    }

    /** {@link #page(EntityPager, StatelessSession, PageRequest)} in a stateful session: the entities stay managed. */
    public static <T> CursoredPage<T> page(EntityPager<T> pager, Session session, PageRequest request) {
        return read(pager, session, request);
    }

    /**
     * The token that continues after the row of {@code cursor}: pass it to the pager's
     * {@code walk(session, token)} or {@code page(session, token)} to go on from a Jakarta Data page with
     * a walk (signed when the pager signs its tokens).
     *
     * @throws IllegalArgumentException if the cursor is not one of this pager's
     */
    public static String token(EntityPager<?> pager, PageRequest.Cursor cursor) {
        Arguments.notNull("pager", pager, "pass the EntityPager whose pages the cursor comes from");
        Arguments.notNull("cursor", cursor, "pass a cursor of a page, e.g. page.cursor(page.numberOfElements() - 1)");
        return PagerAccess.get().pages(pager).forwardToken(keys(PagerAccess.get().query(pager), cursor, "cursor"));
    }

    /**
     * The cursor of the row a token continues from (after it for {@link io.batchwise.core.Page#nextToken()}
     * and walk tokens, before it for {@link io.batchwise.core.Page#previousToken()}): give it to
     * {@code PageRequest.afterCursor(...)} to continue a walk as Jakarta Data pages.
     *
     * @throws IllegalArgumentException if the token is malformed, tampered or from another query
     */
    public static PageRequest.Cursor cursor(EntityPager<?> pager, String token) {
        Arguments.notNull("pager", pager, "pass the EntityPager that issued the token");
        Arguments.notBlank("token", token, "pass a token the pager issued (Page.nextToken(), KeysetWalk.resumeToken())");
        return new KeyCursor(PagerAccess.get().pages(pager).decode(token).values());
    }

    private static <T> CursoredPage<T> read(EntityPager<T> pager, SharedSessionContract session, PageRequest request) {
        Arguments.notNull("pager", pager, "pass the EntityPager whose order and condition the pages follow");
        Arguments.notNull("session", session, "pass the session to read with");
        Arguments.notNull("request", request,
                "pass a PageRequest, e.g. PageRequest.ofSize(20).withoutTotal() for the first page");
        if (!session.isOpen()) {
            throw new IllegalStateException("session is closed; read pages with an open session");
        }
        EntityKeysetQuery<?, T> query = PagerAccess.get().query(pager);
        int size = Arguments.atLeastOne("request.size()", request.size(), "ask for pages of at least one row");
        if (size > EntityPager.MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("request.size() must be <= " + EntityPager.MAX_PAGE_SIZE + ", was "
                    + size + "; a page is held in memory whole: ask for smaller pages, or walk every row with"
                    + " walk(pager, token)");
        }
        if (request.requestTotal()) {
            throw new IllegalArgumentException("request must not ask for the total (requestTotal() is true, as"
                    + " PageRequest.ofSize(n) and ofPage(n) set it): " + request + ". A keyset page does not count"
                    + " the rows, which would read every row the condition selects on every page; ask"
                    + " request.withoutTotal(), e.g. PageRequest.ofSize(" + size + ").withoutTotal()");
        }
        List<Object> boundary = null;
        boolean backward = false;
        switch (request.mode()) {
            case OFFSET -> {
                if (request.page() != 1) {
                    throw new IllegalArgumentException("request must be the first page or carry a cursor, was page "
                            + request.page() + " by offset (" + request + "); a keyset pager seeks after a row's"
                            + " keys and cannot skip pages. Start from PageRequest.ofSize(" + size
                            + ").withoutTotal() and follow page.nextPageRequest(), or walk every row with"
                            + " walk(pager, token)");
                }
            }
            case CURSOR_NEXT, CURSOR_PREVIOUS -> {
                PageRequest.Cursor cursor = request.cursor().orElseThrow(() -> new IllegalArgumentException(
                        "request must carry a cursor in mode " + request.mode() + ", had none; make it with"
                                + " PageRequest.afterCursor(...) or beforeCursor(...)"));
                boundary = keys(query, cursor, "request.cursor()");
                backward = request.mode() == PageRequest.Mode.CURSOR_PREVIOUS;
            }
        }
        KeysetQuery.Rows<T> rows = query.read(session, backward, boundary, size + 1, 0);
        boolean more = rows.size() > size;
        int count = Math.min(rows.size(), size);
        List<T> content = new ArrayList<>(rows.rows().subList(0, count));
        List<PageRequest.Cursor> cursors = new ArrayList<>(count);
        for (List<Object> keys : rows.keys().subList(0, count)) {
            cursors.add(new KeyCursor(keys));
        }
        if (backward) {
            Collections.reverse(content);
            Collections.reverse(cursors);
        }
        boolean fromCursor = boundary != null;
        boolean hasNext = count > 0 && (backward ? fromCursor : more);
        boolean hasPrevious = count > 0 && (backward ? more : fromCursor);
        PageRequest next = hasNext
                ? PageRequest.afterCursor(cursors.get(count - 1), request.page() + 1, size, false) : null;
        PageRequest previous = hasPrevious
                ? PageRequest.beforeCursor(cursors.get(0), Math.max(1, request.page() - 1), size, false) : null;
        return new CursoredPageRecord<>(Collections.unmodifiableList(content), Collections.unmodifiableList(cursors),
                -1, request, next, previous);
    }

    /** The key values of {@code cursor}, each checked against its key as a token's are, before any SQL. */
    static List<Object> keys(EntityKeysetQuery<?, ?> query, PageRequest.Cursor cursor, String parameter) {
        KeyOrder order = query.order();
        if (cursor.size() != order.size()) {
            throw new IllegalArgumentException(parameter + " must have " + order.size() + " values, one per key of "
                    + order + ", the tiebreaker last; had " + cursor.size() + ". Pass a cursor of a page of this"
                    + " pager (page.cursor(i), page.nextPageRequest()) unchanged; the cursors of Hibernate's own @Find"
                    + " methods carry only the Order's attributes");
        }
        List<Object> values = new ArrayList<>(order.size());
        for (int i = 0; i < order.size(); i++) {
            Object value = cursor.get(i); // not elements(): Cursor.forKey's refuses a NULL key
            try {
                query.types().get(i).toParameter(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameter + " value " + i + " (key \"" + order.get(i).column()
                        + "\") is " + (value == null ? "null" : "a " + value.getClass().getSimpleName() + " " + value)
                        + ", which is not a value of that key as this pager's cursors carry it. Pass a cursor of a"
                        + " page of this pager unchanged (see CursoredPages for the forms of the values). "
                        + e.getMessage(), e);
            }
            values.add(value);
        }
        return values;
    }
}
