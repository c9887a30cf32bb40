package io.batchwise.hibernate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.metamodel.EntityType;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.SharedSessionContract;
import org.hibernate.StatelessSession;
import org.hibernate.Transaction;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeyOrder;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.core.internal.Arguments;
import io.batchwise.core.internal.KeysetQuery;
import io.batchwise.core.internal.PagedWalk;
import io.batchwise.core.internal.ResumeTokens;
import io.batchwise.hibernate.internal.EntityKeys;
import io.batchwise.hibernate.internal.EntityKeysetQuery;

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
 * <h2>Contract</h2>
 * <ul>
 *   <li>Keys are entity attributes, validated against the metamodel when the pager opens (a basic
 *       attribute, or one level into an embeddable: {@code "id.part"}); optional attributes become
 *       nullable keys; the entity id (every part of a composite id) is appended as the tiebreaker
 *       unless the keys end with it. Nothing the caller names reaches the query except validated
 *       attribute names; key values are always bound.</li>
 *   <li>The query is {@code select e, <keys> from Entity e where (<where>) and <seek> order by <keys>}
 *       with the expanded OR seek predicate (a range on MySQL and MariaDB, see {@code SeekSql}); the
 *       boundary key values are selected from the database and compared in SQL, so
 *       {@code DATETIME(6)}, {@code DECIMAL} scale and case-insensitive collations round-trip.
 *       The {@code where} condition is HQL the caller writes (alias {@code e}); never build it from
 *       end-user input: pass values as parameters.</li>
 *   <li>Tokens are opaque, URL-safe and bound to this pager's entity, keys, condition and parameter
 *       values: a token from another query, or a tampered one, is refused before any SQL.</li>
 *   <li>Concurrency: each page sees the rows committed when it runs. Rows inserted or moved ahead of
 *       the cursor are seen, behind it are not; a row that exists throughout the walk is returned
 *       exactly once; deleting rows never makes the walk skip one.</li>
 *   <li>Transactions: {@link #page} and {@link #walk} run in the caller's session and transaction;
 *       {@link #forEachPage} opens a session and a transaction per page and commits it. Inside
 *       Spring's or Jakarta's managed transactions, call {@link #page} per transaction (e.g. from a
 *       {@code TransactionTemplate} or a {@code @Transactional(REQUIRES_NEW)} method) and carry the
 *       page's {@link Page#nextToken()} to the next call; do not use {@link #forEachPage} there, it
 *       manages its own resource-local transactions.</li>
 *   <li>The pager is immutable and thread-safe; the walks and sessions it is given are not.</li>
 * </ul>
 *
 * @param <T> the entity type
 */
public final class EntityPager<T> {
    /** Rows per page unless {@link Builder#pageSize(int)} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 1_000;
    /** The largest page. */
    public static final int MAX_PAGE_SIZE = 100_000;

    private final SessionFactory factory;
    private final EntityKeysetQuery<T> query;
    private final int pageSize;
    private final ResumeTokens.Codec tokens;

    private EntityPager(SessionFactory factory, EntityKeysetQuery<T> query, int pageSize, ResumeTokens.Codec tokens) {
        this.factory = factory;
        this.query = query;
        this.pageSize = pageSize;
        this.tokens = tokens;
    }

    /** A pager over {@code entity} of {@code factory}'s persistence unit. */
    public static <T> Builder<T> of(SessionFactory factory, Class<T> entity) {
        Arguments.notNull("factory", factory, "pass the SessionFactory whose entities to page");
        Arguments.notNull("entity", entity, "pass the entity class, e.g. Order.class");
        return new Builder<>(factory, entity);
    }

    /** A pager over {@code entity} of a JPA persistence unit backed by Hibernate. */
    public static <T> Builder<T> of(EntityManagerFactory factory, Class<T> entity) {
        Arguments.notNull("factory", factory, "pass the EntityManagerFactory whose entities to page");
        return of(factory.unwrap(SessionFactory.class), entity);
    }

    /** The key order, with the tiebreaker appended. */
    public KeyOrder order() {
        return query.order();
    }

    public int pageSize() {
        return pageSize;
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
        if (token == null) {
            return read(session, false, null, false);
        }
        ResumeTokens.Decoded decoded = decode(token);
        return read(session, decoded.before(), decoded.values(), true);
    }

    /** {@link #page(Session, String)} on a JPA entity manager backed by Hibernate. */
    public Page<T> page(EntityManager entityManager, String token) {
        return pageIn(unwrap(entityManager), token);
    }

    /**
     * Every entity after the token's row (null: from the start), read one page at a time in the
     * caller's session; with a stateful session the persistence context is cleared after each page,
     * so entities of earlier pages are detached (see {@link AfterBatch}). Close the walk.
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
        List<Object> start = null;
        if (token != null) {
            ResumeTokens.Decoded decoded = decode(token);
            if (decoded.before()) {
                throw new IllegalArgumentException("token must continue forward, but it is a previous-page token;"
                        + " walk from a page's nextToken(), or page backward with page(session, token)");
            }
            start = decoded.values();
        }
        return new PagedWalk<>(new PagedWalk.Pages<T>() {
            @Override
            public KeysetQuery.Rows<T> read(List<Object> after, int limit, long rowsBefore) {
                return query.read(session, false, after, limit, rowsBefore);
            }

            @Override
            public void endOfPage() {
                if (session instanceof Session stateful) {
                    stateful.clear();
                }
            }
        }, pageSize, start, token, this::forwardToken);
    }

    /** {@link #walk(Session, String)} on a JPA entity manager backed by Hibernate. */
    public KeysetWalk<T> walk(EntityManager entityManager, String token) {
        return walkIn(unwrap(entityManager), token);
    }

    /**
     * Walks every page after the token's row (null: from the start), each in its own session and
     * transaction: reads the page, hands it to {@code work}, commits. A failure rolls back the
     * failing page only and is rethrown as a {@link BatchwiseException} that names the token to
     * resume from (also given by {@link #lastCommittedToken(BatchwiseException)}).
     *
     * @return the token after the last page (pass it again later to pick up rows added since)
     */
    public String forEachPage(String token, PageWork<T> work) {
        Arguments.notNull("work", work, "pass the code to run for each page");
        List<Object> after = null;
        if (token != null) {
            ResumeTokens.Decoded decoded = decode(token);
            if (decoded.before()) {
                throw new IllegalArgumentException("token must continue forward, but it is a previous-page token;"
                        + " pass a page's nextToken()");
            }
            after = decoded.values();
        }
        String committed = token;
        long rows = 0;
        while (true) {
            Page<T> page;
            try (Session session = factory.openSession()) {
                Transaction transaction = session.beginTransaction();
                try {
                    page = read(session, false, after, after != null);
                    work.accept(session, page);
                    transaction.commit();
                } catch (Exception e) {
                    if (transaction.isActive()) {
                        try {
                            transaction.rollback();
                        } catch (RuntimeException rollback) {
                            e.addSuppressed(rollback);
                        }
                    }
                    throw new PageFailedException("A page failed after " + rows + " rows were committed: "
                            + e.getMessage() + ". Its transaction was rolled back; resume with forEachPage(token, work)"
                            + " from the last committed token " + (committed == null ? "null (the start)" : committed),
                            rows, committed, e);
                }
            }
            rows += page.size();
            if (!page.isEmpty()) {
                committed = page.nextToken();
                after = decode(committed).values();
            }
            if (!page.hasNext()) {
                return committed;
            }
        }
    }

    /** The token to resume from after {@code failure} of {@link #forEachPage}. */
    public static String lastCommittedToken(BatchwiseException failure) {
        return failure instanceof PageFailedException p ? p.token : null;
    }

    private static final class PageFailedException extends BatchwiseException {
        private static final long serialVersionUID = 1L;
        private final String token;

        PageFailedException(String message, long rows, String token, Throwable cause) {
            super(message, rows, cause);
            this.token = token;
        }
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

    private ResumeTokens.Decoded decode(String token) {
        return tokens.decode(token, query.order().size());
    }

    private String forwardToken(List<Object> keys) {
        return tokens.encode(false, keys);
    }

    private Page<T> read(SharedSessionContract session, boolean backward, List<Object> boundary, boolean fromToken) {
        KeysetQuery.Rows<T> rows = query.read(session, backward, boundary, pageSize + 1, 0);
        return rows.toPage(pageSize, backward, fromToken, tokens);
    }

    /** Options of an entity pager; {@link #open()} validates them against the metamodel. */
    public static final class Builder<T> {
        private final SessionFactory factory;
        private final Class<T> entity;
        private String where;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private List<SortKey> keys = List.of();
        private int pageSize = DEFAULT_PAGE_SIZE;
        private byte[] secret;
        private int maxTokenChars = 2_048;

        private Builder(SessionFactory factory, Class<T> entity) {
            this.factory = factory;
            this.entity = entity;
        }

        /** An HQL condition on the entity, alias {@code e}, e.g. {@code "e.status = :status"}. */
        public Builder<T> where(String condition) {
            this.where = Arguments.notBlank("condition", condition,
                    "pass an HQL condition on alias e, e.g. \"e.status = :status\", with values as parameters");
            return this;
        }

        /** Binds a named parameter of the {@code where} condition. */
        public Builder<T> parameter(String name, Object value) {
            Arguments.notBlank("name", name, "pass the parameter name without the colon");
            if (name.startsWith("bw_key_")) {
                throw new IllegalArgumentException("name must not start with bw_key_, was \"" + name
                        + "\"; those names are Batchwise's own, rename the parameter");
            }
            parameters.put(name, value);
            return this;
        }

        /** The sort keys by attribute name, most significant first; the id is appended when needed. Default: the id. */
        public Builder<T> orderBy(SortKey first, SortKey... more) {
            Arguments.notNull("first", first, "pass at least one SortKey, e.g. SortKey.asc(\"createdAt\")");
            List<SortKey> list = new ArrayList<>();
            list.add(first);
            for (SortKey key : Arguments.notNull("more", more, "pass further keys, or none")) {
                list.add(Arguments.notNull("more[" + list.size() + "]", key, "pass a SortKey"));
            }
            this.keys = List.copyOf(list);
            return this;
        }

        /** Rows per page, 1 to {@value EntityPager#MAX_PAGE_SIZE}; default 1000. */
        public Builder<T> pageSize(int rows) {
            Arguments.atLeastOne("pageSize", rows, "pass the rows per page, e.g. pageSize(1000)");
            if (rows > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("pageSize must be <= " + MAX_PAGE_SIZE + ", was " + rows
                        + "; a page is read whole into memory, walk more pages instead");
            }
            this.pageSize = rows;
            return this;
        }

        /** Signs tokens with HMAC-SHA256 under {@code secret} (at least 16 bytes); unsigned tokens are then refused. */
        public Builder<T> tokenSecret(byte[] secret) {
            this.secret = ResumeTokens.checkSecret("secret", secret);
            return this;
        }

        /** Longest token accepted or issued; default 2048 characters. */
        public Builder<T> maxTokenChars(int chars) {
            Arguments.atLeastOne("chars", chars, "pass the longest token to accept, e.g. 2048");
            this.maxTokenChars = chars;
            return this;
        }

        /**
         * Validates the keys against the metamodel and returns the pager.
         *
         * @throws IllegalArgumentException if {@code entity} is not an entity of the factory, or a key is not a sortable attribute
         */
        public EntityPager<T> open() {
            EntityType<T> type;
            try {
                type = factory.getMetamodel().entity(entity);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entity must be an entity of this SessionFactory, was "
                        + entity.getName() + "; add it to the persistence unit or pass the entity class", e);
            }
            List<SortKey> requested = keys.isEmpty()
                    ? List.of(SortKey.asc(EntityKeys.idPathsOf(type).get(0)))
                    : keys;
            KeyOrder order = EntityKeys.resolve(type, requested);
            EntityKeysetQuery<T> query = new EntityKeysetQuery<>(entity, type.getName(), where,
                    Collections.unmodifiableMap(new LinkedHashMap<>(parameters)), order);
            byte[] fingerprint = ResumeTokens.fingerprint(
                    List.of("entity", type.getName(), order.toString(), where == null ? "" : where),
                    new ArrayList<>(new TreeMap<>(parameters).values()));
            return new EntityPager<>(factory, query, pageSize, new ResumeTokens.Codec(fingerprint, secret, maxTokenChars));
        }
    }
}
