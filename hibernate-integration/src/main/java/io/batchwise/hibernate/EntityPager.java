package io.batchwise.hibernate;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.lang.System.Logger.Level;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.metamodel.EntityType;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.IndexCheck;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.KeyRange;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Failures;
import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.KeyQuantiles;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.core.spi.PageTransaction;
import io.batchwise.hibernate.internal.EntityKeys;
import io.batchwise.hibernate.internal.EntityKeysetQuery;
import io.batchwise.hibernate.internal.EntityQueryCompiler;
import io.batchwise.hibernate.internal.PagerAccess;

/**
 * Keyset (seek) paging over entities: each page is one short indexed query for the entities after
 * the last key seen, so every page can run in its own transaction, a walk can stop and resume from
 * an opaque token (also in another process), and page 10,000 costs what page 1 costs.
 *
 * <pre>{@code
 * EntityPager<Order> orders = EntityPager.of(sessionFactory, Order.class)
 *         .where("e.status = :status").parameter("status", Status.OPEN)   // HQL, alias e
 *         .orderBy(SortKey.desc("createdAt"))                               // the id is appended
 *         .pageSize(100)
 *         .open();
 *
 * Page<Order> page = orders.page(session, tokenFromClient);   // null token: the first page
 * respond(page.content(), page.nextToken(), page.previousToken());
 *
 * try (KeysetWalk<Order> all = orders.walk(session, null)) {  // every entity, context cleared per page
 *     all.forEachRemaining(exporter::write);
 * }
 *
 * String resume = orders.forEachPage(null, (pageSession, p) -> p.content().forEach(Order::archive));
 * }</pre>
 *
 * <p>Projections and criteria:
 * <pre>{@code
 * record OrderRow(Long id, BigDecimal total) {}
 * EntityPager<OrderRow> rows = EntityPager.of(sessionFactory, Order.class)
 *         .select("e.id, e.total", OrderRow.class)                          // select new OrderRow(...)
 *         .where((cb, order) -> cb.equal(order.get(Order_.status), Status.OPEN))
 *         .orderBy(SortKey.desc("createdAt"))
 *         .open();
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Keys are entity attributes, validated against the metamodel when the pager opens: a basic
 *       attribute, one level into an embeddable ({@code "origin.city"}, {@code "id.carrier"}), or a
 *       whole embedded id ({@code "id"}). Attributes that are optional in the mapping or nullable in
 *       the table become nullable keys. The id (every part of a composite id, in the order of the
 *       table's primary key) is appended as the tiebreaker unless the keys already hold it, in the
 *       direction an index serves. Key values of types a token cannot carry exactly ({@code double},
 *       {@code float}, times with an offset) are refused. Nothing the caller names reaches the query
 *       except validated attribute names; key values are always bound.</li>
 *   <li>The query is {@code select <row>, <keys> from Entity e where (<where>) and <seek> order by
 *       <keys>} with the expanded OR seek predicate (a range on MySQL and MariaDB, see
 *       {@code SeekSql}); the row is the entity, or the {@link Builder#select(String, Class) select}
 *       items. The boundary key values are always selected from the database, also for projections,
 *       and compared in SQL, so {@code DATETIME(6)}, {@code DECIMAL} scale and case-insensitive
 *       collations round-trip. The {@code where} condition is HQL the caller writes (alias
 *       {@code e}), or a {@link CriteriaCondition}, or both; never build HQL from end-user input:
 *       pass values as parameters. {@link Builder#open()} parses the whole query and checks its
 *       parameters without running it.</li>
 *   <li>Index check: unless {@link IndexCheck#OFF}, {@link Builder#open()} resolves the key attributes
 *       to their columns and table through Hibernate's mapping model, reads the table's indexes from
 *       {@code information_schema} once, and warns (or with {@link IndexCheck#STRICT} refuses) when no
 *       index serves the order, with the {@code CREATE INDEX} that would ({@link #indexAdvice()}). With
 *       inheritance or a secondary table it reads the table each key lives in, as the query Hibernate
 *       writes reads it: keys spanning two tables (a {@code JOINED} subclass ordered by a root-table
 *       attribute, a secondary-table attribute) or a {@code TABLE_PER_CLASS} union are never served,
 *       and the advice names the tables and the way out; a {@code SINGLE_TABLE} leaf is also served
 *       by an index that starts with the discriminator column.</li>
 *   <li>Tokens are opaque, URL-safe and bound to this pager's entity, keys, select, conditions and
 *       parameter values: a token from another query, or a tampered one, is refused before any SQL.</li>
 *   <li>Concurrency: each page sees the rows committed when it runs. Rows inserted or moved ahead of
 *       the cursor are seen, behind it are not; a row that exists throughout the walk is returned
 *       exactly once; deleting rows never makes the walk skip one.</li>
 *   <li>Transactions: {@link #page} and {@link #walk} run in the caller's session and transaction;
 *       {@link #forEachPage} opens a session and a transaction per page and commits it. Inside
 *       Spring's or Jakarta's managed transactions, call {@link #page} per transaction (e.g. from a
 *       {@code TransactionTemplate} or a {@code @Transactional(REQUIRES_NEW)} method) and carry the
 *       page's {@link Page#nextToken()} to the next call; do not use {@link #forEachPage} there, it
 *       manages its own resource-local transactions.</li>
 *   <li>Read-ahead ({@link Builder#readAhead(int)}, off by default): a walk reads its next pages on a
 *       reader thread, each in a stateless session of its own, while the caller works on the page
 *       before, and hands the entities over detached; what that changes is listed there.</li>
 *   <li>The pager is immutable and thread-safe; the walks and sessions it is given are not.</li>
 * </ul>
 *
 * @param <T> the row type: the entity, or what {@link Builder#select(String, Class)} makes of each row
 */
public final class EntityPager<T> {
    /** Rows per page unless {@link Builder#pageSize(int)} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = KeysetPages.DEFAULT_PAGE_SIZE;
    /** The largest page. */
    public static final int MAX_PAGE_SIZE = KeysetPages.MAX_PAGE_SIZE;

    /** Longest token accepted or issued unless {@link Builder#maxTokenChars(int)} says otherwise. */
    public static final int DEFAULT_MAX_TOKEN_CHARS = KeysetPages.DEFAULT_MAX_TOKEN_CHARS;

    private static final System.Logger LOG = System.getLogger(EntityPager.class.getName());

    static {
        // for the framework adapters in other packages of this module (io.batchwise.hibernate.jakarta.data)
        PagerAccess.register(new PagerAccess.Access() {
            @Override
            public <R> EntityKeysetQuery<?, R> query(EntityPager<R> pager) {
                return pager.query;
            }

            @Override
            public KeysetPages pages(EntityPager<?> pager) {
                return pager.pages;
            }

            @Override
            public SessionFactory factory(EntityPager<?> pager) {
                return pager.factory;
            }

            @Override
            public <R, U> String forEachPage(EntityPager<R> pager, String token, PageTransaction<U> transactions,
                    Function<? super U, Session> sessions, PageWork<R> work, String resumeCall) {
                return pager.forEachPage(token, transactions, sessions, work, resumeCall);
            }
        });
    }

    private final SessionFactory factory;
    private final EntityKeysetQuery<?, T> query;
    private final KeysetPages pages;
    private final String indexAdvice;

    private EntityPager(SessionFactory factory, EntityKeysetQuery<?, T> query, KeysetPages pages,
            String indexAdvice) {
        this.factory = factory;
        this.query = query;
        this.pages = pages;
        this.indexAdvice = indexAdvice;
    }

    /** A pager over {@code entity} of {@code factory}'s persistence unit. */
    public static <E> Builder<E, E> of(SessionFactory factory, Class<E> entity) {
        Arguments.notNull("factory", factory, "pass the SessionFactory whose entities to page");
        Arguments.notNull("entity", entity, "pass the entity class, e.g. Order.class");
        if (!factory.isOpen()) {
            throw new IllegalStateException("factory is closed; pass an open SessionFactory");
        }
        return new Builder<>(factory, entity, entity, null);
    }

    /** A pager over {@code entity} of a JPA persistence unit backed by Hibernate. */
    public static <E> Builder<E, E> of(EntityManagerFactory factory, Class<E> entity) {
        Arguments.notNull("factory", factory, "pass the EntityManagerFactory whose entities to page");
        if (!factory.isOpen()) {
            throw new IllegalStateException("factory is closed; pass an open EntityManagerFactory");
        }
        SessionFactory sessionFactory;
        try {
            sessionFactory = factory.unwrap(SessionFactory.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("factory must be backed by Hibernate ORM, was "
                    + factory.getClass().getName() + "; Batchwise pages Hibernate entities", e);
        }
        return of(sessionFactory, entity);
    }

    /** The key order by attribute path, with the tiebreaker appended. */
    public KeyOrder order() {
        return query.order();
    }

    /**
     * The token of the page after ({@code before}: before) the row whose key values are
     * {@code values}, one per key of {@link #order()} in its order (the tiebreaker included), for
     * callers that keep a position as key values rather than as a token (Spring Data's
     * {@code KeysetScrollPosition}). A null value is a NULL key. The values are checked against the
     * keys before any SQL, as a decoded token's are.
     *
     * @throws IllegalArgumentException if the count or a value does not fit the keys
     */
    public String tokenAt(List<?> values, boolean before) {
        Arguments.notNull("values", values, "pass the key values of a row, one per key of order()");
        return pages.tokenAt(before, new ArrayList<>(values));
    }

    /**
     * The warning the index check issued when the pager opened (no index serves the key order, with
     * the {@code CREATE INDEX} that would), or empty when an index serves it or the check was off.
     */
    public Optional<String> indexAdvice() {
        return Optional.ofNullable(indexAdvice);
    }

    public int pageSize() {
        return pages.pageSize();
    }

    /**
     * One page in the caller's session: the first page for a null token, else the page after
     * (or, for a previous-page token, before) the token's row. The entities stay managed.
     *
     * @throws IllegalArgumentException if the token is malformed, tampered or from another query
     */
    public Page<T> page(Session session, String token) {
        return pageIn(session, token);
    }

    /** {@link #page(Session, String)} on a stateless session (entities are not managed). */
    public Page<T> page(StatelessSession session, String token) {
        return pageIn(session, token);
    }

    private Page<T> pageIn(SharedSessionContract session, String token) {
        open(session);
        return pages.page(token, reader(session));
    }

    /** {@link #page(Session, String)} on a JPA entity manager backed by Hibernate. */
    public Page<T> page(EntityManager entityManager, String token) {
        return pageIn(unwrap(entityManager), token);
    }

    /**
     * Every entity after the token's row (null: from the start), read one page at a time in the
     * caller's session; with a stateful session the persistence context is cleared after each page,
     * so entities of earlier pages are detached (see {@link AfterBatch}). Close the walk. With
     * {@link Builder#readAhead(int)}, pages are read ahead in sessions of the walk's own and the
     * entities are detached from the start (see there).
     */
    public KeysetWalk<T> walk(Session session, String token) {
        return walkIn(session, token);
    }

    /** {@link #walk(Session, String)} on a stateless session (nothing to clear). */
    public KeysetWalk<T> walk(StatelessSession session, String token) {
        return walkIn(session, token);
    }

    private KeysetWalk<T> walkIn(SharedSessionContract session, String token) {
        open(session);
        if (pages.readAhead() > 0) {
            return pages.walk(token, this::readInOwnSession, () -> { });
        }
        return pages.walk(token, reader(session), session instanceof Session stateful ? stateful::clear : () -> { });
    }

    /** Pages a walk reads ahead of the caller ({@link Builder#readAhead(int)}); 0 when off. */
    public int readAhead() {
        return pages.readAhead();
    }

    /**
     * A page read ahead: in a stateless session of its own, closed before the page is handed over;
     * read once more on a fresh connection when the first one was found dead (a pool hands out a
     * killed connection it has not validated yet).
     */
    private KeysetQuery.Rows<T> readInOwnSession(boolean backward, List<Object> boundary, int limit, long rowsBefore) {
        for (int attempt = 1; ; attempt++) {
            try (StatelessSession own = factory.openStatelessSession()) {
                return query.read(own, backward, boundary, limit, rowsBefore);
            } catch (RuntimeException e) {
                if (attempt > 1 || !Failures.connectionGone(Failures.classify(e))) {
                    throw e;
                }
            }
        }
    }

    /** {@link #walk(Session, String)} on a JPA entity manager backed by Hibernate. */
    public KeysetWalk<T> walk(EntityManager entityManager, String token) {
        return walkIn(unwrap(entityManager), token);
    }

    /**
     * Walks every page after the token's row (null: from the start), each in its own session and
     * transaction: reads the page, hands it to {@code work}, commits. A failure rolls back the
     * failing page only and is rethrown as a {@link BatchwiseException} that names the token to
     * resume from ({@link BatchwiseException#resumeToken()}: after the last committed page, empty when
     * no page was committed and the walk started from the start) and the
     * {@link BatchwiseException#reason()} of the failure, so retry code need not parse the message.
     *
     * @return the token after the last page (pass it again later to pick up rows added since)
     */
    public String forEachPage(String token, PageWork<T> work) {
        Arguments.notNull("work", work, "pass the code to run for each page");
        return forEachPage(token, sessionPerPage(factory), session -> session, work, "forEachPage(token, work)");
    }

    /** The per-page loop of {@link KeysetPages}, each page read and worked in the session of its unit. */
    private <U> String forEachPage(String token, PageTransaction<U> transactions,
            Function<? super U, Session> sessions, PageWork<T> work, String resumeCall) {
        return pages.forEachPage(token, transactions, unit -> reader(sessions.apply(unit)),
                (unit, page) -> work.accept(sessions.apply(unit), page), resumeCall);
    }

    /** {@link #forEachPage}'s unit of work: a session of the page's own, with a resource-local transaction. */
    private static PageTransaction<Session> sessionPerPage(SessionFactory factory) {
        return new PageTransaction<>() {
            @Override
            public Session begin() {
                Session session = factory.openSession();
                try {
                    session.beginTransaction();
                } catch (RuntimeException | Error e) {
                    session.close();
                    throw e;
                }
                return session;
            }

            @Override
            public void commit(Session session) {
                session.getTransaction().commit();
            }

            @Override
            public void rollback(Session session) {
                Transaction transaction = session.getTransaction();
                if (transaction.isActive()) {
                    transaction.rollback();
                }
            }

            @Override
            public void close(Session session) {
                session.close();
            }
        };
    }

    private void open(SharedSessionContract session) {
        Arguments.notNull("session", session, "pass the Session or StatelessSession to read with");
        if (!session.isOpen()) {
            throw new IllegalStateException("session is closed; read pages with an open session");
        }
    }

    private static Session unwrap(EntityManager entityManager) {
        Arguments.notNull("entityManager", entityManager, "pass the EntityManager to read with");
        if (!entityManager.isOpen()) {
            throw new IllegalStateException("entityManager is closed; read pages with an open EntityManager");
        }
        return entityManager.unwrap(Session.class);
    }

    /**
     * Cuts the rows into about {@code ranges} disjoint key ranges of about equal size that together
     * cover every row, with boundaries at the key quantiles read from the index, in a stateless session
     * of the pager's factory: the splitter an {@link EntityMigration}'s partitions use. Fewer ranges when
     * there are fewer rows than {@code ranges}; one ({@link KeyRange#ALL}) for {@code ranges == 1}, no
     * rows, or a {@link CriteriaCondition} in the query (which is not counted). Walk a range with
     * {@link #walkRange(StatelessSession, KeyRange)}.
     *
     * @throws IllegalArgumentException if {@code ranges < 1}; no SQL runs then
     */
    public List<KeyRange> split(int ranges) {
        Arguments.atLeastOne("ranges", ranges, "pass the number of key ranges to cut the rows into, e.g. 4");
        if (ranges == 1) {
            return List.of(KeyRange.ALL);
        }
        try {
            KeyQuantiles rows = quantiles(factory, query);
            return KeyQuantiles.ranges(KeyQuantiles.boundaries(rows, rows.count(), ranges), pages::forwardToken);
        } catch (SQLException e) {
            throw Failures.wrap("Splitting the rows into " + ranges + " key ranges failed: " + e.getMessage(), 0, null, e);
        }
    }

    /**
     * The entities of {@code range} (from {@link #split(int)}, or {@link KeyRange#resumeAfter(String)}
     * of one with a {@link KeysetWalk#resumeToken()}), read one page at a time in the caller's stateless
     * session; the range's upper end is part of every page query, so the walk stops at its last row.
     *
     * @throws IllegalArgumentException if either token is refused or leads backward; no SQL runs then
     */
    public KeysetWalk<T> walkRange(StatelessSession session, KeyRange range) {
        Arguments.notNull("range", range, "pass a KeyRange from split(n), or KeyRange.ALL");
        open(session);
        List<Object> through = pages.forwardStart(range.through());
        return pages.walk(range.after(), (backward, boundary, limit, rowsBefore) -> query.read(session, backward,
                boundary, through, 0, limit, rowsBefore, false), () -> { });
    }

    /** The factory this pager reads entities of (what a reader that opens its own sessions uses). */
    public SessionFactory sessionFactory() {
        return factory;
    }

    /** The rows of {@code query}, each question asked in a stateless session of its own. */
    static KeyQuantiles quantiles(SessionFactory factory, EntityKeysetQuery<?, ?> query) {
        return new KeyQuantiles() {
            @Override
            public long count() {
                try (StatelessSession session = factory.openStatelessSession()) {
                    return query.count(session);
                }
            }

            @Override
            public List<Object> keysAt(List<Object> after, long offset) {
                if (offset - 1 > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("a key range of more than " + Integer.MAX_VALUE + " rows");
                }
                try (StatelessSession session = factory.openStatelessSession()) {
                    KeysetQuery.Rows<?> rows = query.read(session, false, after, null, (int) (offset - 1), 1, 0, false);
                    return rows.size() == 0 ? null : rows.keys().get(0);
                }
            }
        };
    }

    /** For {@link EntityMigration}: the query a chunk reads with, in the chunk's own session. */
    EntityKeysetQuery<?, T> query() {
        return query;
    }

    /** For {@link EntityMigration}: the tokens of this query (their fingerprint identifies it). */
    KeysetPages pages() {
        return pages;
    }

    /** For {@link EntityMigration}: the factory whose sessions the chunks use. */
    SessionFactory factory() {
        return factory;
    }

    /** Reads a page's rows in {@code session}. */
    private KeysetPages.Reader<T> reader(SharedSessionContract session) {
        return (backward, boundary, limit, rowsBefore) -> query.read(session, backward, boundary, limit, rowsBefore);
    }

    /**
     * Options of an entity pager; {@link #open()} validates them against the metamodel, checks the
     * query, and (unless {@link IndexCheck#OFF}) looks at the table's indexes.
     *
     * @param <E> the entity type
     * @param <T> the row type: the entity, or what {@link #select(String, Class)} makes of each row
     */
    public static final class Builder<E, T> {
        private final SessionFactory factory;
        private final Class<E> entity;
        private final Class<T> rowType;
        private final String select;
        private String where;
        private CriteriaCondition<E> condition;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private List<SortKey> keys = List.of();
        private KeysetPages.Options options = KeysetPages.Options.DEFAULTS;
        private IndexCheck indexCheck = IndexCheck.WARN;

        private Builder(SessionFactory factory, Class<E> entity, Class<T> rowType, String select) {
            this.factory = factory;
            this.entity = entity;
            this.rowType = rowType;
            this.select = select;
        }

        /**
         * Pages rows of {@code rowType} made from the HQL select items {@code items} on alias {@code e}
         * instead of entities, e.g. {@code select("e.id, e.amount", ItemView.class)}:
         * <ul>
         *   <li>{@code Object[].class}: the items as an array (a tuple);</li>
         *   <li>a type the only item already has (e.g. {@code select("e.amount", BigDecimal.class)}, or an
         *       entity {@code select("e.author", Author.class)}): that item;</li>
         *   <li>any other class, e.g. a record: {@code new RowType(items)}, through a constructor taking the
         *       items in order, as in HQL's {@code select new}.</li>
         * </ul>
         * The keys are selected by the pager besides the items, so they need not be among them. Each
         * entity must give one row: a collection-valued path among the items is refused when a page
         * shows it. {@code distinct} is refused (the keys make every row distinct). Write the items
         * as HQL, never from end-user input.
         */
        public <R> Builder<E, R> select(String items, Class<R> rowType) {
            Arguments.notBlank("items", items, "pass HQL select items on alias e, e.g. \"e.id, e.amount\"");
            Arguments.notNull("rowType", rowType, "pass the row class, e.g. ItemView.class or Object[].class");
            String trimmed = items.strip().toLowerCase(java.util.Locale.ROOT);
            if (trimmed.startsWith("distinct ") || trimmed.startsWith("distinct(")) {
                throw new IllegalArgumentException("items must not start with distinct, was \"" + items + "\": a"
                        + " keyset page also selects the keys, which identify an entity, so distinct would remove"
                        + " nothing. Page the entities whose rows you want, or filter with where(...)");
            }
            if (trimmed.startsWith("new ")) {
                throw new IllegalArgumentException("items must be the select items only, was \"" + items + "\"; pass"
                        + " the items and the class, e.g. select(\"e.id, e.amount\", ItemView.class): the pager"
                        + " writes the new ItemView(...) itself");
            }
            if (rowType.isPrimitive()) {
                throw new IllegalArgumentException("rowType must be a class, was the primitive " + rowType
                        + "; pass its wrapper, e.g. Long.class");
            }
            Builder<E, R> projected = new Builder<>(factory, entity, rowType, items);
            projected.where = where;
            projected.condition = condition;
            projected.parameters.putAll(parameters);
            projected.keys = keys;
            projected.options = options;
            projected.indexCheck = indexCheck;
            return projected;
        }

        /** An HQL condition on the entity, alias {@code e}, e.g. {@code "e.status = :status"}. */
        public Builder<E, T> where(String condition) {
            this.where = Arguments.notBlank("condition", condition,
                    "pass an HQL condition on alias e, e.g. \"e.status = :status\", with values as parameters");
            return this;
        }

        /**
         * A condition built with the criteria API, e.g.
         * {@code where((cb, e) -> cb.equal(e.get(Order_.status), Status.OPEN))}; ANDed with an HQL
         * {@link #where(String)} if there is one too. See {@link CriteriaCondition} for what it may do.
         */
        public Builder<E, T> where(CriteriaCondition<E> condition) {
            this.condition = Arguments.notNull("condition", condition,
                    "pass a CriteriaCondition, e.g. (cb, e) -> cb.equal(e.get(\"status\"), status)");
            return this;
        }

        /** Binds a named parameter of the {@code where} condition. */
        public Builder<E, T> parameter(String name, Object value) {
            Arguments.notBlank("name", name, "pass the parameter name without the colon");
            if (name.startsWith(EntityKeysetQuery.KEY_PARAMETER)) {
                throw new IllegalArgumentException("name must not start with bw_key_, was \"" + name
                        + "\"; those names are Batchwise's own, rename the parameter");
            }
            parameters.put(name, value);
            return this;
        }

        /**
         * The sort keys by attribute name, most significant first: a basic attribute ({@code "createdAt"}),
         * a part of an embeddable ({@code "origin.city"}, {@code "id.carrier"}), or an embedded id as a
         * whole ({@code "id"}: its parts in primary key order). The id is appended when needed.
         * Default: the id.
         */
        public Builder<E, T> orderBy(SortKey first, SortKey... more) {
            Arguments.notNull("first", first, "pass at least one SortKey, e.g. SortKey.asc(\"createdAt\")");
            List<SortKey> list = new ArrayList<>();
            list.add(first);
            for (SortKey key : Arguments.notNull("more", more, "pass further keys, or none")) {
                list.add(Arguments.notNull("more[" + (list.size() - 1) + "]", key, "pass a SortKey"));
            }
            if (list.size() > KeyOrder.MAX_KEYS) {
                throw new IllegalArgumentException("keys must be at most " + KeyOrder.MAX_KEYS + ", was " + list.size()
                        + "; sort by fewer attributes (the order is decided by the first keys and the id)");
            }
            this.keys = List.copyOf(list);
            return this;
        }

        /**
         * Rows per page, and per page query of a walk, 1 to {@value EntityPager#MAX_PAGE_SIZE}; default
         * {@value EntityPager#DEFAULT_PAGE_SIZE}. A page is held in memory whole; a walk reads any number
         * of rows page by page.
         */
        public Builder<E, T> pageSize(int rows) {
            this.options = options.withPageSize(rows);
            return this;
        }

        /**
         * Walks read up to {@code pages} pages ahead of the caller, 0 (off, the default) to 16: while
         * the caller works on one page, the next is read on a reader thread of the walk's own (virtual
         * where the JDK has virtual threads, else a daemon platform thread), in a
         * {@link StatelessSession} of its own opened from the pager's factory for that page only (its
         * own connection, in autocommit), and handed over detached. At most {@code pages} pages are read
         * or being read besides the one the caller holds, so a walk holds up to {@code pages + 1} pages
         * in memory and uses a second connection while it reads (the pool needs room for it beside the
         * caller's).
         *
         * <p>What the caller gives up, for a walk with read-ahead ({@link EntityPager#walk}): the
         * session passed to the walk does not read the pages. Its entities never enter that session's
         * persistence context (nothing is cleared there either), so they are detached: changes to them
         * are not saved (use {@code merge}, or {@link EntityPager#forEachPage}), and an uninitialised
         * lazy association or collection cannot be loaded (fetch what the work needs in the query, or
         * page a {@link #select(String, Class) projection}); the reads are not part of the caller's
         * transaction, and a page is read up to {@code pages} pages before the caller gets to it, so
         * it sees the rows committed at that earlier moment. A page whose connection was found dead is
         * read once more on a fresh one, as {@code JdbcKeysetPager}'s pages are.
         *
         * <p>What stays the same: the entities, their order, the page queries, every
         * {@link KeysetWalk#resumeToken()} and the errors (a failed page is reported when the caller
         * reaches it, with the same token to resume from). Closing the walk (also an early exit, or a
         * failure in the caller's code) stops the reader after the read in progress and returns when
         * its thread has ended and its session is closed. Single pages and {@link EntityPager#forEachPage}
         * are never read ahead.
         *
         * @throws IllegalArgumentException if {@code pages} is not between 0 and 16
         */
        public Builder<E, T> readAhead(int pages) {
            this.options = options.withReadAhead(pages);
            return this;
        }

        /**
         * What to do when no index of the entity's table serves the key order; default
         * {@link IndexCheck#WARN}. With WARN or STRICT, {@link #open()} reads the table's columns and
         * indexes from {@code information_schema} once.
         */
        public Builder<E, T> indexCheck(IndexCheck check) {
            this.indexCheck = Arguments.notNull("check", check, "pass IndexCheck.WARN, STRICT or OFF");
            return this;
        }

        /**
         * Signs tokens with HMAC-SHA256 under {@code secret} (at least 16 bytes, kept on the server) and
         * accepts only tokens so signed: clients can then hand tokens back but not make their own.
         */
        public Builder<E, T> tokenSecret(byte[] secret) {
            this.options = options.withTokenSecret(secret);
            return this;
        }

        /**
         * The longest token accepted or issued, 64 to 4,096 characters; default
         * {@value EntityPager#DEFAULT_MAX_TOKEN_CHARS}, which fits in any URL. Raise it only for long text
         * or binary keys.
         */
        public Builder<E, T> maxTokenChars(int chars) {
            this.options = options.withMaxTokenChars(chars);
            return this;
        }

        /**
         * Validates the keys against the metamodel, checks the query (HQL, criteria condition,
         * parameters, row type) without running it, then, unless {@link IndexCheck#OFF}, reads the
         * table's schema once, and returns the pager.
         *
         * @throws IllegalArgumentException if {@code entity} is not an entity of the factory, a key is not
         *                                  a sortable attribute, or the query is not valid
         * @throws BatchwiseException       with {@link IndexCheck#STRICT} when no index serves the order,
         *                                  or when the schema cannot be read
         */
        public EntityPager<T> open() {
            EntityType<E> type;
            try {
                type = factory.getMetamodel().entity(entity);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entity must be an entity of this SessionFactory, was "
                        + entity.getName() + "; add it to the persistence unit or pass the entity class", e);
            }
            List<SortKey> requested = keys.isEmpty()
                    ? List.of(SortKey.asc(EntityKeys.idPathsOf(type).get(0)))
                    : keys;
            // everything that needs no database first: a bad argument never costs a statement
            EntityKeys.Resolved resolved = EntityKeys.resolve(factory, type, requested, IndexCheck.OFF);
            EntityQueryCompiler<E, T> compiler = new EntityQueryCompiler<>(factory, entity, type, select, rowType,
                    where, parameters, condition);
            EntityQueryCompiler.Checked checked = compiler.check(resolved.order()); // before any SQL
            String advice = null;
            if (indexCheck != IndexCheck.OFF) {
                resolved = EntityKeys.resolve(factory, type, requested, indexCheck);
                advice = resolved.advice();
                if (advice != null) {
                    if (indexCheck == IndexCheck.STRICT) {
                        throw new BatchwiseException(BatchwiseException.Reason.NO_INDEX, advice, -1, null, null);
                    }
                    LOG.log(Level.WARNING, advice);
                }
            }
            EntityQueryCompiler.Compiled<E, T> compiled = compiler.compile(checked, resolved);
            EntityKeysetQuery<E, T> query = compiled.query();
            List<EntityKeys.KeyType> types = resolved.types();
            KeysetPages pages = new KeysetPages(options, compiled.fingerprint(), types.size(), values -> {
                for (int i = 0; i < values.size(); i++) {
                    types.get(i).toParameter(values.get(i)); // a token value that cannot be its key's: refused
                }
            });
            return new EntityPager<>(factory, query, pages, advice);
        }
    }
}
