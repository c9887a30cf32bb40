package io.batchwise.hibernate.spring.data;

import java.util.stream.Stream;

import org.springframework.data.domain.KeysetScrollPosition;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.domain.Specification;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.Page;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.PageWork;

/**
 * A repository fragment: keyset (seek) pages and walks over the repository's entity with
 * {@link EntityPager}, in the forms Spring Data users expect. Extend it and the methods are there
 * (the implementation comes with {@link BatchwiseJpaRepositoryFactoryBean}):
 *
 * <pre>{@code
 * interface OrderRepository extends JpaRepository<Order, Long>, KeysetRepository<Order> {
 * }
 *
 * Sort newest = Sort.by(Sort.Order.desc("shippedAt").nullsLast());       // nullable: handled; id appended
 * Window<Order> window = orders.keysetWindow(ScrollPosition.keyset(), newest, 50);
 * Window<Order> next = orders.keysetWindow(window.positionAt(window.size() - 1), newest, 50);
 *
 * Page<Order> page = orders.keysetPage(tokenFromClient, newest, 50);   // web API: token in, token out
 *
 * try (Stream<Order> all = orders.keysetStream(newest, 1_000)) {       // cleared after each page
 *     all.forEach(exporter::write);
 * }
 * orders.forEachKeysetPage(null, newest, 1_000, (session, p) -> p.content().forEach(Order::archive));
 *
 * Specification<Order> open = (order, query, cb) -> cb.equal(order.get("status"), Status.OPEN);
 * Page<Order> openPage = orders.keysetPage(open, tokenFromClient, newest, 50);   // the filtered rows only
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Sort: the properties are entity attributes, validated against the metamodel (a bad one is
 *       refused before any SQL); the id is appended as the tiebreaker, so the order is total and no
 *       row is skipped or repeated at a page boundary. {@code Sort.unsorted()} orders by the id.
 *       Nullable attributes are handled (Spring Data's own keyset scrolling does not handle NULL
 *       keys); {@code nullsFirst()}/{@code nullsLast()} are kept, the default is the database's
 *       (NULLs first ascending); {@code ignoreCase()} is refused (the order would not be an
 *       index's). Each distinct sort and size opens one {@link EntityPager}, kept for later calls
 *       (up to 64 per repository), whose index check logs a warning when no index serves the order.</li>
 *   <li>Filter: each method has an overload that takes a {@link Specification} first and walks only
 *       the rows it accepts, ANDed with the keyset seek in the same query. It is built for every page
 *       with the page query's root, builder and query, as Spring Data builds it; it must return the
 *       restriction only (a null predicate: none) and use the query for subqueries only: one that
 *       changes the query (distinct, order by, group by, its where, another root) is refused, and so is
 *       one that joins or fetches a collection (the entity would come once per element): filter on a
 *       collection with {@code exists(...)} over {@code query.subquery(...)}. To-one joins are fine. Tokens and positions are bound to
 *       the specification's condition: a token of another filter is refused. A filtered pager is
 *       opened per call (its index check is the unfiltered one of the same sort, done once).</li>
 *   <li>Tokens: unsigned and up to 2,048 characters unless the context has a {@link KeysetTokens} bean
 *       (a signing secret, another length).</li>
 *   <li>Transactions: {@link #keysetWindow}, {@link #keysetPage} and {@link #keysetStream} read in the
 *       caller's transaction. Without one, a window or a page is one query in an entity manager of
 *       its own, closed before the method returns (the entities are detached), as Spring Data runs its
 *       own query methods; the stream runs in a read-only transaction of its own until it is closed
 *       or read to its end. {@link #forEachKeysetPage} commits each page in a transaction of its own
 *       and refuses to run inside one.</li>
 *   <li>Bad input (a null specification, a null or offset position, a position whose keys are not this order's, a size out
 *       of range, a tampered token) is refused with an {@link IllegalArgumentException} naming the
 *       parameter and the fix, before any SQL; through the repository proxy it reaches the caller as
 *       Spring Data translates it, an {@code InvalidDataAccessApiUsageException} with that message
 *       and cause.</li>
 * </ul>
 *
 * @param <T> the repository's entity
 */
public interface KeysetRepository<T> {
    /**
     * Up to {@code limit} entities after ({@link KeysetScrollPosition#scrollsBackward() backward}:
     * before) {@code position}, in {@code sort} order. {@code ScrollPosition.keyset()} starts at the
     * first row; {@link Window#positionAt(int)} gives the position of each row (its keys by attribute
     * name, the id included) to continue from. {@link Window#hasNext()} tells whether more rows
     * follow in the direction scrolled.
     *
     * @param position where to continue: {@code ScrollPosition.keyset()}, or a position of a window
     *                 this method returned for the same sort
     * @param sort     the order, the id appended
     * @param limit    rows per window, 1 to {@value EntityPager#MAX_PAGE_SIZE}
     * @throws IllegalArgumentException if an argument is null, out of range, or does not fit the order
     */
    Window<T> keysetWindow(ScrollPosition position, Sort sort, int limit);

    /**
     * {@link #keysetWindow(ScrollPosition, Sort, int)} over the rows {@code spec} accepts.
     *
     * @param spec the filter; {@code Specification.unrestricted()} for every row
     * @throws IllegalArgumentException if an argument is null, out of range, or does not fit the order
     */
    Window<T> keysetWindow(Specification<T> spec, ScrollPosition position, Sort sort, int limit);

    /**
     * One page for a web API: the first for a null token, else the page after (for a previous-page
     * token, before) the token's row. Hand {@link Page#nextToken()} and {@link Page#previousToken()}
     * to the client; tokens are opaque, URL-safe and refused for another sort.
     *
     * @param token    null, or a token of a page this method returned for the same sort and size
     * @param sort     the order, the id appended
     * @param pageSize rows per page, 1 to {@value EntityPager#MAX_PAGE_SIZE}
     * @throws IllegalArgumentException if the token is malformed, tampered or from another query
     */
    Page<T> keysetPage(String token, Sort sort, int pageSize);

    /**
     * {@link #keysetPage(String, Sort, int)} over the rows {@code spec} accepts; tokens are refused for
     * another filter.
     *
     * @param spec the filter
     * @throws IllegalArgumentException if {@code spec} is null, or the token is malformed, tampered or
     *                                  from another query
     */
    Page<T> keysetPage(Specification<T> spec, String token, Sort sort, int pageSize);

    /**
     * Every entity in {@code sort} order, read one page query at a time, the persistence context
     * cleared after each page (entities of earlier pages are detached). Holds no connection between
     * pages' queries beyond the transaction's. Close the stream.
     *
     * @param sort     the order, the id appended
     * @param pageSize rows per page query, 1 to {@value EntityPager#MAX_PAGE_SIZE}
     */
    Stream<T> keysetStream(Sort sort, int pageSize);

    /**
     * {@link #keysetStream(Sort, int)} over the rows {@code spec} accepts.
     *
     * @param spec the filter
     * @throws IllegalArgumentException if {@code spec} is null
     */
    Stream<T> keysetStream(Specification<T> spec, Sort sort, int pageSize);

    /**
     * Every page after the token's row (null: from the start), each read and handed to {@code work}
     * in a read-write transaction of its own (the repository's transaction manager), committed
     * before the next page is read. A failure rolls back its page only and is rethrown as a
     * {@link BatchwiseException} whose {@link BatchwiseException#resumeToken()} resumes after the last
     * committed page.
     *
     * @param token    null, or a token this method or {@link #keysetPage} returned for the same sort and size
     * @param sort     the order, the id appended
     * @param pageSize rows per page, 1 to {@value EntityPager#MAX_PAGE_SIZE}
     * @param work     what to do with each page; its session is the transaction's
     * @return the token after the last page (pass it again later to pick up rows added since)
     * @throws IllegalArgumentException if the token is refused or is a previous-page token; no transaction begins then
     * @throws IllegalStateException if a transaction is active (each page must commit on its own)
     */
    String forEachKeysetPage(String token, Sort sort, int pageSize, PageWork<T> work);

    /**
     * {@link #forEachKeysetPage(String, Sort, int, PageWork)} over the rows {@code spec} accepts.
     *
     * @param spec the filter
     * @throws IllegalArgumentException if {@code spec} is null, or the token is refused
     * @throws IllegalStateException if a transaction is active (each page must commit on its own)
     */
    String forEachKeysetPage(Specification<T> spec, String token, Sort sort, int pageSize, PageWork<T> work);
}
