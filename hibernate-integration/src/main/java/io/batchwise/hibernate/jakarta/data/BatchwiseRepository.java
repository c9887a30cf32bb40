package io.batchwise.hibernate.jakarta.data;

import jakarta.data.page.CursoredPage;
import jakarta.data.page.PageRequest;

import org.hibernate.StatelessSession;

import io.batchwise.core.KeysetWalk;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.YieldPer;

/**
 * Batchwise's walks and pages on a Jakarta Data repository that Hibernate's annotation processor
 * implements: extend it next to {@code CrudRepository} and the repository can stream every entity
 * in bounded heap ({@link #yieldPer()}), and page or walk them by keyset ({@link #pager()},
 * {@link #cursoredPage(EntityPager, PageRequest)}, {@link #walk(EntityPager, String)}). Nothing to implement:
 * every method but {@link #session()} is a default method, which the processor leaves alone, and
 * {@link #session()} is the resource accessor it implements with the repository's
 * {@link StatelessSession}.
 *
 * <pre>{@code
 * @Repository
 * public interface Books extends CrudRepository<Book, Long>, BatchwiseRepository<Book> {
 *     @Find List<Book> byIsbn(String isbn);             // the repository's own methods, unchanged
 * }
 *
 * // every book, streaming with the driver's streaming fetch: the heap holds a batch, not the table
 * try (Stream<Book> all = books.yieldPer().stream()) {
 *     all.forEach(exporter::write);
 * }
 *
 * // keyset pages for a web API, and a resumable walk, by one pager opened once
 * EntityPager<Book> byPublished = books.pager().orderBy(SortKey.desc("publishedAt")).open();
 * CursoredPage<Book> page = books.cursoredPage(byPublished, PageRequest.ofSize(20).withoutTotal());
 * CursoredPage<Book> next = books.cursoredPage(byPublished, page.nextPageRequest());
 * try (KeysetWalk<Book> walk = books.walk(byPublished, savedToken)) {
 *     walk.forEachRemaining(indexer::add);              // save walk.resumeToken() now and then
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The entity is the type argument the repository gives this interface
 *       ({@code BatchwiseRepository<Book>}), found once per repository class; it must be an entity of
 *       the repository's session factory. Declare it with the entity class, not a type variable.</li>
 *   <li>Everything runs in {@link #session()}, the repository's stateless session, in the caller's
 *       transaction if there is one (with Jakarta Data on CDI or Quarkus, the container's): entities come
 *       detached, nothing is cached between rows, so the heap holds at most one batch or page.</li>
 *   <li>{@link #yieldPer()} is one forward-only query: fastest, one connection for the whole walk, not
 *       resumable. The keyset methods read one short indexed query per page: each page may run in its
 *       own transaction, and a walk resumes from its token, also in another process.</li>
 *   <li>Bad arguments are refused before any SQL, naming the parameter, the value and the fix.</li>
 *   <li>The method names stay clear of what the processor's generated code calls unqualified: a
 *       default method {@code page(...)} would hide the {@code page(size, index)} it imports statically
 *       for {@code @Find ... CursoredPage} methods, and the generated class would not compile (found
 *       with Hibernate 7.4; the test repository has such a method to keep it so).</li>
 *   <li>Not thread-safe, like the stateless session behind the repository.</li>
 * </ul>
 *
 * @param <T> the entity type
 */
public interface BatchwiseRepository<T> {
    /**
     * The repository's stateless session. Hibernate's processor implements this resource accessor
     * method: do not implement it, and do not declare it again with another return type.
     */
    StatelessSession session();

    /**
     * Every entity, streamed from one forward-only query ({@code from Entity}, in the server's order)
     * with the streaming fetch of the connected driver. Close what it opens ({@code stream()} in
     * try-with-resources, or {@code forEachBatch}). See {@link YieldPer} for the options and what it
     * refuses.
     */
    default YieldPer.Builder<T> yieldPer() {
        return YieldPer.query(session(), "from " + RepositoryEntities.name(this), RepositoryEntities.entity(this));
    }

    /**
     * The entities {@code hql} selects, e.g. {@code "from Book where status = :s order by id"}, streamed
     * like {@link #yieldPer()}; bind its parameters on the builder.
     *
     * @throws IllegalArgumentException when the query is not a select of this repository's entity
     */
    default YieldPer.Builder<T> yieldPer(String hql) {
        return YieldPer.query(session(), hql, RepositoryEntities.entity(this));
    }

    /**
     * A keyset pager over this repository's entity, to configure ({@code where}, {@code orderBy},
     * {@code pageSize}, {@code tokenSecret}) and {@code open()} once: opening checks the keys against
     * the metamodel and the table's indexes, so keep the opened pager and pass it to
     * {@link #cursoredPage(EntityPager, PageRequest)} and {@link #walk(EntityPager, String)}.
     */
    default EntityPager.Builder<T, T> pager() {
        return EntityPager.of(session().getFactory(), RepositoryEntities.entity(this));
    }

    /**
     * The page {@code request} asks for, read by {@code pager} in this repository's session: the first
     * page for {@code PageRequest.ofSize(n).withoutTotal()}, then the pages of
     * {@code nextPageRequest()} and {@code previousPageRequest()}. See {@link CursoredPages} for the
     * cursors and what is refused.
     *
     * @throws IllegalArgumentException if the pager is not over this repository's entity and factory, or
     *                                  the request cannot be served by a keyset pager
     */
    default CursoredPage<T> cursoredPage(EntityPager<T> pager, PageRequest request) {
        return CursoredPages.page(RepositoryEntities.check(this, pager), session(), request);
    }

    /**
     * Every entity of {@code pager} after the token's row (null: from the start), read one page at a
     * time in this repository's session; {@link KeysetWalk#resumeToken()} continues it later, and
     * {@link CursoredPages#token} starts it after a Jakarta Data page's row. Close the walk.
     *
     * @throws IllegalArgumentException if the pager is not over this repository's entity and factory, or
     *                                  the token is not one of the pager's
     */
    default KeysetWalk<T> walk(EntityPager<T> pager, String token) {
        return RepositoryEntities.check(this, pager).walk(session(), token);
    }
}
