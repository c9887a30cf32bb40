package io.batchwise.samples.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ways of reading the whole {@code item} table that the benchmark compares, each run in a JVM
 * of its own by {@link Probe}. Every one of them reads all columns of every row in {@code id}
 * order and folds {@code (id, amount, payload)} into the same checksum.
 */
enum Method {
    JDBC_STREAM("jdbc-stream", "raw JDBC, Connector/J streaming (fetchSize = Integer.MIN_VALUE)", false),
    JDBC_CURSOR("jdbc-cursor", "raw JDBC, useCursorFetch=true, fetchSize 1000 (server-side cursor)", false),
    JDBC_BUFFERED("jdbc-no-fetch-size", "raw JDBC without a fetch size (the driver reads the whole result first)", false),
    JDBC_WALKER("batchwise-jdbc", "Batchwise JdbcWalker (plain JDBC, fetch chosen for the driver)", false),
    GET_RESULT_LIST("getResultList", "Hibernate Session, getResultList()", false),
    GET_RESULT_STREAM("getResultStream", "Hibernate Session, getResultStream() (JPA)", false),
    SCROLL_CLEAR("scroll+clear", "hand-written Session.scroll(FORWARD_ONLY), setFetchSize(Integer.MIN_VALUE), clear() every 1000 rows", false),
    SCROLL_CLEAR_READ_ONLY("scroll+clear+readOnly", "the hand-written scroll + clear loop plus setReadOnly(true) and CacheMode.IGNORE, as yieldPer sets them", false),
    STATELESS_SCROLL("stateless-scroll", "hand-written StatelessSession.scroll(FORWARD_ONLY), setFetchSize(Integer.MIN_VALUE)", false),
    YIELD_PER_SESSION("yieldPer-session", "Batchwise yieldPer on a Session, batchSize 1000, AfterBatch.CLEAR", false),
    YIELD_PER_STATELESS("yieldPer-stateless", "Batchwise yieldPer on a StatelessSession, batchSize 1000", false),
    YIELD_PER_READ_AHEAD("yieldPer-readAhead", "Batchwise yieldPer on a Session, batchSize 1000, readAhead(1): the next batch hydrated in a StatelessSession of its own, entities handed over detached", false),
    KEYED_RESULT_LIST("getKeyedResultList", "Hibernate 7 getKeyedResultList(KeyedPage) by id, 1000-row pages, clear() per page", true),
    KEYSET_HQL("keyset-hql", "hand-written HQL keyset by id (where id > :last order by id, 1000 rows), clear() per page", true),
    OFFSET("offset", "OFFSET paging (setFirstResult/setMaxResults, 1000 rows), clear() per page; capped in time", true),
    KEYSET_PAGER("batchwise-keyset", "Batchwise EntityPager by id on a Session, 1000-row pages, walk() (clear() per page)", true),
    KEYSET_PAGER_CREATED("batchwise-keyset-created", "Batchwise EntityPager by createdAt (non-unique; id appended), 1000-row pages, walk()", true),
    KEYSET_PAGER_READ_AHEAD("batchwise-keyset-readAhead", "Batchwise EntityPager by id, 1000-row pages, readAhead(1): the next page read in a StatelessSession of its own", true),
    KEYSET_JDBC("batchwise-keyset-jdbc", "Batchwise JdbcKeysetPager by id (plain JDBC, rows mapped to records), 1000-row pages, walk()", true),
    KEYSET_JDBC_READ_AHEAD("batchwise-keyset-jdbc-readAhead", "Batchwise JdbcKeysetPager by id, 1000-row pages, readAhead(1): the next page read on a second connection", true),
    // Spring Data JPA (SpringDataProbe): repository methods as users write them, JpaTransactionManager
    SPRING_DATA_STREAM("spring-data-stream", "Spring Data JPA Stream<Item> findAllByOrderById() in a read-only TransactionTemplate", false),
    SPRING_DATA_STREAM_HINTED("spring-data-stream-hinted", "the same with @QueryHints fetch size Integer.MIN_VALUE and read-only, detach() of each entity (the usual workaround)", false),
    SPRING_DATA_BATCHWISE_STREAM("spring-data-batchwise-stream", "the same query method with @BatchwiseStream(batchSize = 1000), no @Transactional", false),
    SPRING_DATA_WINDOW("spring-data-window", "Spring Data JPA Window<Item> findFirst1000ByOrderByIdAsc(ScrollPosition) through WindowIterator, no transaction", true),
    SPRING_DATA_KEYSET_FRAGMENT("spring-data-keyset-fragment", "Batchwise KeysetRepository.keysetWindow(position, Sort.by(\"id\"), 1000) through WindowIterator", true),
    // Spring Batch 6 readers, configured as their reference documentation shows (read() until null, no step
    // around them), next to the Batchwise readers of io.batchwise.hibernate.spring.batch. Batch 6 has no
    // HibernateCursorItemReader any more (the Hibernate readers were removed in Spring Batch 6.0).
    SB_JPA_CURSOR("sb-jpa-cursor", "Spring Batch JpaCursorItemReader, queryString \"from Item order by id\" (no hints)", false),
    SB_JPA_PAGING("sb-jpa-paging", "Spring Batch JpaPagingItemReader, pageSize 1000, queryString \"from Item order by id\" (OFFSET paging, a transaction per page); capped in time", true),
    SB_JDBC_PAGING("sb-jdbc-paging", "Spring Batch JdbcPagingItemReader, MySqlPagingQueryProvider, sortKey id, pageSize 1000", true),
    SB_BW_YIELD_PER("sb-batchwise-yieldper", "Batchwise YieldPerItemReader (StatelessSession, batchSize 1000)", false),
    SB_BW_ENTITY_KEYSET("sb-batchwise-entity-keyset", "Batchwise EntityKeysetItemReader, EntityPager by id, 1000-row pages (StatelessSession)", true),
    SB_BW_JDBC_KEYSET("sb-batchwise-jdbc-keyset", "Batchwise JdbcKeysetItemReader, JdbcKeysetPager by id, 1000-row pages", true);

    /** Page size of every paged method, and batch size of every batched one. */
    static final int PAGE = 1_000;

    final String id;
    final String description;
    final boolean paged;

    Method(String id, String description, boolean paged) {
        this.id = id;
        this.description = description;
        this.paged = paged;
    }

    /** Methods whose single-page time at a position is measured (keyset vs OFFSET chart). */
    boolean pageProbed() {
        return this == OFFSET || this == KEYSET_HQL || this == KEYED_RESULT_LIST || this == KEYSET_PAGER
                || this == KEYSET_JDBC;
    }

    /** The same walk without read-ahead, for a read-ahead method; null for the others. */
    Method withoutReadAhead() {
        return switch (this) {
            case YIELD_PER_READ_AHEAD -> YIELD_PER_SESSION;
            case KEYSET_PAGER_READ_AHEAD -> KEYSET_PAGER;
            case KEYSET_JDBC_READ_AHEAD -> KEYSET_JDBC;
            default -> null;
        };
    }

    /** Run by {@link SpringDataProbe} in a Spring context. */
    boolean springData() {
        return name().startsWith("SPRING_DATA_");
    }

    static Method byId(String id) {
        for (Method m : values()) {
            if (m.id.equalsIgnoreCase(id.trim()) || m.name().equalsIgnoreCase(id.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("methods: unknown method '" + id + "'; known: "
                + Arrays.stream(values()).map(m -> m.id).toList());
    }

    /** A comma-separated list of ids ("all" or blank for {@code defaults}). */
    static List<Method> parse(String list, List<Method> defaults) {
        if (list == null || list.isBlank() || list.trim().toLowerCase(Locale.ROOT).equals("all")) {
            return defaults;
        }
        List<Method> chosen = new ArrayList<>();
        for (String id : list.split(",")) {
            if (!id.isBlank()) {
                chosen.add(byId(id));
            }
        }
        return chosen;
    }
}
