package io.batchwise.samples.bench;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.hibernate.CacheMode;
import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.cfg.Configuration;
import org.hibernate.query.KeyedPage;
import org.hibernate.query.KeyedResultList;
import org.hibernate.query.Order;
import org.hibernate.query.SelectionQuery;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.database.builder.JdbcPagingItemReaderBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JpaCursorItemReaderBuilder;
import org.springframework.batch.infrastructure.item.database.builder.JpaPagingItemReaderBuilder;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.JdbcWalker;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.AfterBatch;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.YieldPer;
import io.batchwise.samples.Item;
import io.batchwise.samples.ItemTable;
import io.batchwise.samples.SampleDatabase;
import io.batchwise.hibernate.spring.batch.EntityKeysetItemReaderBuilder;
import io.batchwise.hibernate.spring.batch.JdbcKeysetItemReaderBuilder;
import io.batchwise.hibernate.spring.batch.YieldPerItemReaderBuilder;

/**
 * One benchmark run in a JVM of its own (started by {@link Benchmark} with the heap cap): reads the
 * whole {@code item} table with one {@link Method}, or times single pages at several positions,
 * and prints one line {@code BENCH-RESULT key=value ...} on standard output.
 *
 * <p>Settings (system properties): {@code bench.method}, {@code bench.mode} ({@code walk} or
 * {@code pages}), {@code bench.url}, {@code bench.user}, {@code bench.rows} (the table's row count),
 * {@code bench.offsetCapSeconds}, {@code bench.trace} (file for the heap trace), {@code bench.work} (the
 * {@link Work} per row); the password comes
 * in the environment variable {@code BENCH_PASSWORD}.
 *
 * <p>The wall time runs from opening the query to closing it (connection pool and Hibernate
 * bootstrap excluded), less the explicit collections that measure the retained heap.
 */
public final class Probe {
    static final String RESULT_PREFIX = "BENCH-RESULT ";
    static final String SQL = "SELECT id, created_at, category, amount, payload FROM item ORDER BY id";
    static final String HQL = "from Item order by id";
    static final double[] PAGE_POSITIONS = {0.0, 0.1, 0.5, 0.9};

    private final Method method;
    private final String url;
    private final String user;
    private final String password;
    private final long tableRows;
    private final long offsetCapNanos;
    private final HeapMonitor heap;
    private final Work work;
    private final Map<String, String> result = new LinkedHashMap<>();
    private HikariDataSource dataSource;
    private HikariDataSource cursorDataSource;
    private SessionFactory sessionFactory;
    private EntityPager<Item> entityPager;
    private JdbcKeysetPager<Row> jdbcPager;
    private SpringDataProbe springData;
    /** Resume tokens of the pager methods' page probes, by position (null: the first page). */
    private final Map<Long, String> tokens = new HashMap<>();

    private Probe(Method method, String url, String user, String password, long tableRows, long offsetCapSeconds,
            HeapMonitor heap, Work work) {
        this.work = work;
        this.method = method;
        this.url = url;
        this.user = user;
        this.password = password;
        this.tableRows = tableRows;
        this.offsetCapNanos = offsetCapSeconds * 1_000_000_000L;
        this.heap = heap;
    }

    public static void main(String[] args) throws Exception {
        HeapMonitor heap = new HeapMonitor();
        Method method = Method.byId(System.getProperty("bench.method"));
        String mode = System.getProperty("bench.mode", "walk");
        String password = System.getenv("BENCH_PASSWORD");
        Probe probe = new Probe(method, System.getProperty("bench.url"), System.getProperty("bench.user", "root"),
                password == null ? "" : password, Long.getLong("bench.rows"), Long.getLong("bench.offsetCapSeconds", 60),
                heap, Work.parse(System.getProperty("bench.work", "none")));
        probe.result.put("method", method.id);
        probe.result.put("mode", mode);
        try {
            if (mode.equals("pages")) {
                probe.pages();
            } else {
                probe.walk();
            }
        } finally {
            probe.closeQuietly();
            heap.close();
        }
        String trace = System.getProperty("bench.trace");
        if (trace != null && mode.equals("walk")) {
            heap.writeTrace(Path.of(trace));
        }
        StringBuilder line = new StringBuilder(RESULT_PREFIX);
        probe.result.forEach((k, v) -> line.append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append(' '));
        System.out.println(line.toString().trim());
        System.out.flush();
        // Hikari's and the driver's threads are daemons or closed; exit explicitly all the same.
        System.exit(0);
    }

    // ---------------------------------------------------------------- whole walks

    private void walk() {
        Tally tally = new Tally(tableRows, heap, work);
        String outcome = "ok";
        String error = "";
        long wallNanos = 0;
        long cpuStart = -1;
        long cpuEnd = -1;
        long callerStart = -1;
        long callerEnd = -1;
        long serverPid = Long.getLong("bench.serverPid", -1);
        long serverStart = -1;
        long serverEnd = -1;
        long gcStart = 0;
        long gcEnd = 0;
        long jitStart = -1;
        long jitEnd = -1;
        try {
            prepare();
            for (int i = 0; i < Integer.getInteger("bench.warmups", 0); i++) {
                run(new Tally(tableRows, heap, work), System.nanoTime());
            }
            heap.watch(tally);
            cpuStart = CpuTimes.process();
            callerStart = CpuTimes.thread();
            serverStart = CpuTimes.of(serverPid);
            gcStart = CpuTimes.gcMillis();
            jitStart = CpuTimes.jitMillis();
            long start = System.nanoTime();
            try {
                outcome = run(tally, start);
            } finally {
                wallNanos = System.nanoTime() - start - tally.probeNanos;
                cpuEnd = CpuTimes.process();
                callerEnd = CpuTimes.thread();
                serverEnd = CpuTimes.of(serverPid);
                gcEnd = CpuTimes.gcMillis();
                jitEnd = CpuTimes.jitMillis();
            }
        } catch (Throwable failure) {
            if (ranOutOfHeap(failure)) {
                outcome = "oom";
            } else {
                outcome = "error";
            }
            error = describe(failure);
        }
        if (outcome.equals("ok") && tally.rows != tableRows) {
            outcome = "error";
            error = "read " + tally.rows + " rows, the table has " + tableRows;
        }
        result.put("outcome", outcome);
        result.put("rows", Long.toString(tally.rows));
        result.put("checksum", Long.toString(tally.checksum));
        result.put("wallMs", Long.toString(wallNanos / 1_000_000));
        result.put("jvmCpuMs", CpuTimes.ms(cpuStart, cpuEnd));
        result.put("callerCpuMs", CpuTimes.ms(callerStart, callerEnd));
        result.put("serverCpuMs", CpuTimes.ms(serverStart, serverEnd));
        result.put("gcMs", Long.toString(gcEnd - gcStart));
        result.put("jitMs", jitStart < 0 || jitEnd < 0 ? "" : Long.toString(jitEnd - jitStart));
        result.put("peakUsedMb", mb(heap.peakUsed()));
        result.put("peakLiveMb", mb(heap.peakLive()));
        result.put("retainedHalfMb", tally.retainedHalf < 0 ? "" : mb(tally.retainedHalf));
        result.put("retainedEndMb", tally.retainedEnd < 0 ? "" : mb(tally.retainedEnd));
        result.put("gcs", Integer.toString(heap.collections()));
        result.put("gc", HeapMonitor.collectorNames());
        result.put("maxHeapMb", mb(Runtime.getRuntime().maxMemory()));
        result.put("error", error);
    }

    /** Sets up what the method needs before the clock starts. */
    private void prepare() {
        if (method == Method.JDBC_CURSOR) {
            cursorDataSource = pool(url + (url.contains("?") ? "&" : "?") + "useCursorFetch=true");
        } else if (method == Method.KEYSET_JDBC || method == Method.KEYSET_JDBC_READ_AHEAD
                || method == Method.SB_BW_JDBC_KEYSET) {
            jdbcPager();
        } else if (method == Method.KEYSET_PAGER || method == Method.KEYSET_PAGER_CREATED
                || method == Method.KEYSET_PAGER_READ_AHEAD) {
            entityPager();
        } else if (method.springData()) {
            springData = new SpringDataProbe(dataSource());
        } else if (method.paged || isHibernate()) {
            sessionFactory();
        } else {
            dataSource();
        }
    }

    private boolean isHibernate() {
        return switch (method) {
            case JDBC_STREAM, JDBC_CURSOR, JDBC_BUFFERED, JDBC_WALKER, KEYSET_JDBC, KEYSET_JDBC_READ_AHEAD, SB_JDBC_PAGING,
                    SB_BW_JDBC_KEYSET -> false;
            default -> true;
        };
    }

    private String run(Tally tally, long start) throws SQLException {
        switch (method) {
            case JDBC_STREAM -> jdbc(tally, dataSource(), Integer.MIN_VALUE);
            case JDBC_CURSOR -> jdbc(tally, cursorDataSource, Method.PAGE);
            case JDBC_BUFFERED -> jdbc(tally, dataSource(), 0);
            case JDBC_WALKER -> {
                try (Walk<Row> rows = JdbcWalker.query(dataSource(), SQL, Row::of).open()) {
                    while (rows.hasNext()) {
                        tally.row(rows.next());
                    }
                }
            }
            case GET_RESULT_LIST -> {
                try (Session session = sessionFactory().openSession()) {
                    List<Item> all = session.createSelectionQuery(HQL, Item.class).getResultList();
                    for (Item item : all) {
                        tally.item(item);
                    }
                }
            }
            case GET_RESULT_STREAM -> {
                try (Session session = sessionFactory().openSession();
                        Stream<Item> items = session.createQuery(HQL, Item.class).getResultStream()) {
                    items.forEach(tally::item);
                }
            }
            case SCROLL_CLEAR, SCROLL_CLEAR_READ_ONLY -> {
                try (Session session = sessionFactory().openSession();
                        ScrollableResults<Item> scroll = handWrittenQuery(session).scroll(ScrollMode.FORWARD_ONLY)) {
                    int inBatch = 0;
                    while (scroll.next()) {
                        tally.item(scroll.get());
                        if (++inBatch == Method.PAGE) {
                            session.clear();
                            inBatch = 0;
                        }
                    }
                }
            }
            case STATELESS_SCROLL -> {
                try (StatelessSession session = sessionFactory().openStatelessSession();
                        ScrollableResults<Item> scroll = session.createSelectionQuery(HQL, Item.class)
                                .setFetchSize(Integer.MIN_VALUE)
                                .scroll(ScrollMode.FORWARD_ONLY)) {
                    while (scroll.next()) {
                        tally.item(scroll.get());
                    }
                }
            }
            case YIELD_PER_SESSION -> {
                try (Session session = sessionFactory().openSession();
                        Walk<Item> items = YieldPer.query(session, HQL, Item.class)
                                .batchSize(Method.PAGE).afterBatch(AfterBatch.CLEAR).open()) {
                    while (items.hasNext()) {
                        tally.item(items.next());
                    }
                }
            }
            case YIELD_PER_READ_AHEAD -> {
                try (Session session = sessionFactory().openSession();
                        Walk<Item> items = YieldPer.query(session, HQL, Item.class)
                                .batchSize(Method.PAGE).readAhead(1).open()) {
                    while (items.hasNext()) {
                        tally.item(items.next());
                    }
                }
            }
            case YIELD_PER_STATELESS -> {
                try (StatelessSession session = sessionFactory().openStatelessSession();
                        Walk<Item> items = YieldPer.query(session, HQL, Item.class).batchSize(Method.PAGE).open()) {
                    while (items.hasNext()) {
                        tally.item(items.next());
                    }
                }
            }
            case KEYED_RESULT_LIST -> {
                try (Session session = sessionFactory().openSession()) {
                    KeyedPage<Item> page = org.hibernate.query.Page.first(Method.PAGE).keyedBy(Order.asc(Item.class, "id"));
                    while (true) {
                        KeyedResultList<Item> result = session.createSelectionQuery("from Item", Item.class)
                                .getKeyedResultList(page);
                        for (Item item : result.getResultList()) {
                            tally.item(item);
                        }
                        session.clear();
                        if (result.isLastPage() || result.getResultList().isEmpty()) {
                            break;
                        }
                        page = result.getNextPage();
                    }
                }
            }
            case KEYSET_HQL -> {
                try (Session session = sessionFactory().openSession()) {
                    long last = 0;
                    while (true) {
                        List<Item> page = session.createSelectionQuery("from Item where id > :last order by id", Item.class)
                                .setParameter("last", last).setMaxResults(Method.PAGE).getResultList();
                        for (Item item : page) {
                            tally.item(item);
                        }
                        session.clear();
                        if (page.size() < Method.PAGE) {
                            break;
                        }
                        last = page.get(page.size() - 1).getId();
                    }
                }
            }
            case OFFSET -> {
                try (Session session = sessionFactory().openSession()) {
                    int first = 0;
                    while (true) {
                        List<Item> page = session.createSelectionQuery(HQL, Item.class)
                                .setFirstResult(first).setMaxResults(Method.PAGE).getResultList();
                        for (Item item : page) {
                            tally.item(item);
                        }
                        session.clear();
                        if (page.size() < Method.PAGE) {
                            break;
                        }
                        first += Method.PAGE;
                        if (System.nanoTime() - start - tally.probeNanos > offsetCapNanos) {
                            return "capped";
                        }
                    }
                }
            }
            case KEYSET_PAGER, KEYSET_PAGER_CREATED, KEYSET_PAGER_READ_AHEAD -> {
                try (Session session = sessionFactory().openSession();
                        KeysetWalk<Item> items = entityPager().walk(session, null)) {
                    while (items.hasNext()) {
                        tally.item(items.next());
                    }
                }
            }
            case SPRING_DATA_STREAM, SPRING_DATA_STREAM_HINTED, SPRING_DATA_BATCHWISE_STREAM, SPRING_DATA_WINDOW,
                    SPRING_DATA_KEYSET_FRAGMENT -> springData.run(method, tally::item);
            case KEYSET_JDBC, KEYSET_JDBC_READ_AHEAD -> {
                try (KeysetWalk<Row> rows = jdbcPager().walk()) {
                    while (rows.hasNext()) {
                        tally.row(rows.next());
                    }
                }
            }
            case SB_JPA_CURSOR -> {
                return items(tally, start, new JpaCursorItemReaderBuilder<Item>().name("items")
                        .entityManagerFactory(sessionFactory()).queryString(HQL).build());
            }
            case SB_JPA_PAGING -> {
                return items(tally, start, new JpaPagingItemReaderBuilder<Item>().name("items")
                        .entityManagerFactory(sessionFactory()).queryString(HQL).pageSize(Method.PAGE).build());
            }
            case SB_JDBC_PAGING -> {
                try {
                    return rows(tally, start, new JdbcPagingItemReaderBuilder<Row>().name("rows").dataSource(dataSource())
                            .selectClause("id, created_at, category, amount, payload").fromClause("item")
                            .sortKeys(Map.of("id", org.springframework.batch.infrastructure.item.database.Order.ASCENDING))
                            .rowMapper((r, n) -> Row.of(r)).pageSize(Method.PAGE).build());
                } catch (SQLException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            case SB_BW_YIELD_PER -> {
                return items(tally, start, new YieldPerItemReaderBuilder<Item>().name("items")
                        .sessionFactory(sessionFactory())
                        .query(session -> YieldPer.query(session, HQL, Item.class).batchSize(Method.PAGE)).build());
            }
            case SB_BW_ENTITY_KEYSET -> {
                return items(tally, start, new EntityKeysetItemReaderBuilder<Item>().name("items").pager(entityPager())
                        .build());
            }
            case SB_BW_JDBC_KEYSET -> {
                return rows(tally, start, new JdbcKeysetItemReaderBuilder<Row>().name("rows").pager(jdbcPager()).build());
            }
        }
        return "ok";
    }

    /** Reads every item of a Spring Batch reader as a step would (open, read until null, close). */
    private String items(Tally tally, long start, ItemStreamReader<Item> reader) {
        return read(tally, start, reader, tally::item);
    }

    private String rows(Tally tally, long start, ItemStreamReader<Row> reader) {
        return read(tally, start, reader, row -> {
            tally.touch(row.createdAt(), row.category());
            tally.add(row.id(), row.amount(), row.payload());
        });
    }

    private <T> String read(Tally tally, long start, ItemStreamReader<T> reader, java.util.function.Consumer<T> sink) {
        reader.open(new ExecutionContext());
        try {
            long n = 0;
            for (T item; (item = readOne(reader)) != null; ) {
                sink.accept(item);
                if (++n % Method.PAGE == 0 && method == Method.SB_JPA_PAGING
                        && System.nanoTime() - start - tally.probeNanos > offsetCapNanos) {
                    return "capped";
                }
            }
            return "ok";
        } finally {
            reader.close();
        }
    }

    private static <T> T readOne(ItemStreamReader<T> reader) {
        try {
            return reader.read();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private EntityPager<Item> entityPager() {
        if (entityPager == null) {
            SortKey key = method == Method.KEYSET_PAGER_CREATED ? SortKey.asc("createdAt") : SortKey.asc("id");
            entityPager = EntityPager.of(sessionFactory(), Item.class).orderBy(key).pageSize(Method.PAGE)
                    .readAhead(method == Method.KEYSET_PAGER_READ_AHEAD ? 1 : 0).open();
        }
        return entityPager;
    }

    private JdbcKeysetPager<Row> jdbcPager() {
        if (jdbcPager == null) {
            jdbcPager = JdbcKeysetPager.select(dataSource(), "id, created_at, category, amount, payload", Row::of)
                    .from("item").orderBy(SortKey.asc("id").unique()).pageSize(Method.PAGE)
                    .readAhead(method == Method.KEYSET_JDBC_READ_AHEAD ? 1 : 0).open();
        }
        return jdbcPager;
    }

    private SelectionQuery<Item> handWrittenQuery(Session session) {
        SelectionQuery<Item> query = session.createSelectionQuery(HQL, Item.class).setFetchSize(Integer.MIN_VALUE);
        if (method == Method.SCROLL_CLEAR_READ_ONLY) {
            query.setReadOnly(true).setCacheMode(CacheMode.IGNORE);
        }
        return query;
    }

    private static void jdbc(Tally tally, DataSource dataSource, int fetchSize) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(SQL, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(fetchSize);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    LocalDateTime createdAt = r.getObject(2, LocalDateTime.class);
                    String category = r.getString(3);
                    BigDecimal amount = r.getBigDecimal(4);
                    String payload = r.getString(5);
                    if (tally.work.active()) {
                        tally.row(new Row(id, createdAt, category, amount, payload));
                    } else {
                        tally.touch(createdAt, category);
                        tally.add(id, amount, payload);
                    }
                }
            }
        }
    }

    /** The row type of the plain-JDBC walker: what a user would map rows to. */
    record Row(long id, LocalDateTime createdAt, String category, BigDecimal amount, String payload) {
        static Row of(ResultSet r) throws SQLException {
            return new Row(r.getLong(1), r.getObject(2, LocalDateTime.class), r.getString(3), r.getBigDecimal(4),
                    r.getString(5));
        }
    }

    // ---------------------------------------------------------------- single pages

    private void pages() {
        try {
            sessionFactory();
            List<Long> positions = new ArrayList<>();
            for (double f : PAGE_POSITIONS) {
                positions.add((long) (tableRows * f) / Method.PAGE * Method.PAGE);
            }
            try (Session session = sessionFactory().openSession()) {
                if (method == Method.KEYSET_PAGER || method == Method.KEYSET_JDBC) {
                    collectTokens(session, positions);
                }
                // Warm up the query path (parse, JIT) on pages spread over the table.
                for (int i = 0; i < 40; i++) {
                    page(session, positions.get(i % positions.size()));
                }
                for (int i = 0; i < positions.size(); i++) {
                    long[] times = new long[9];
                    for (int run = 0; run < times.length; run++) {
                        long start = System.nanoTime();
                        page(session, positions.get(i));
                        times[run] = System.nanoTime() - start;
                    }
                    Arrays.sort(times);
                    String key = "page" + Math.round(PAGE_POSITIONS[i] * 100);
                    result.put(key + "Pos", Long.toString(positions.get(i)));
                    result.put(key + "Ms", String.format(java.util.Locale.ROOT, "%.3f", times[times.length / 2] / 1e6));
                }
            }
            result.put("outcome", "ok");
        } catch (Throwable failure) {
            result.put("outcome", ranOutOfHeap(failure) ? "oom" : "error");
            result.put("error", describe(failure));
        }
    }

    /** Pages through the table once, as a client would, keeping the token that starts each position's page. */
    private void collectTokens(Session session, List<Long> positions) {
        long last = positions.stream().mapToLong(Long::longValue).max().orElse(0);
        String token = null;
        long position = 0;
        while (true) {
            if (positions.contains(position)) {
                tokens.put(position, token);
            }
            if (position >= last) {
                return;
            }
            Page<?> page = method == Method.KEYSET_JDBC ? jdbcPager().page(token) : entityPager().page(session, token);
            session.clear();
            position += page.size();
            token = page.nextToken();
            if (!page.hasNext()) {
                return;
            }
        }
    }

    /** Reads the page of rows after position {@code position} (0-based) and checks that it is the right one. */
    private void page(Session session, long position) {
        List<?> rows = switch (method) {
            case KEYSET_PAGER -> entityPager().page(session, tokens.get(position)).content();
            case KEYSET_JDBC -> jdbcPager().page(tokens.get(position)).content();
            case OFFSET -> session.createSelectionQuery(HQL, Item.class)
                    .setFirstResult(Math.toIntExact(position)).setMaxResults(Method.PAGE).getResultList();
            case KEYSET_HQL -> session.createSelectionQuery("from Item where id > :last order by id", Item.class)
                    .setParameter("last", position).setMaxResults(Method.PAGE).getResultList();
            case KEYED_RESULT_LIST -> {
                KeyedPage<Item> first = org.hibernate.query.Page.first(Method.PAGE).keyedBy(Order.asc(Item.class, "id"));
                KeyedPage<Item> page = position == 0 ? first
                        : org.hibernate.query.Page.page(Method.PAGE, Math.toIntExact(position / Method.PAGE) - 1)
                                .keyedBy(Order.asc(Item.class, "id")).nextPage(List.of(position));
                yield session.createSelectionQuery("from Item", Item.class).getKeyedResultList(page).getResultList();
            }
            default -> throw new IllegalStateException(method.id + " has no single-page probe");
        };
        long expected = Math.min(Method.PAGE, tableRows - position);
        long firstId = rows.isEmpty() ? -1 : rows.get(0) instanceof Row row ? row.id() : ((Item) rows.get(0)).getId();
        if (rows.size() != expected || (expected > 0 && firstId != position + 1)) {
            throw new IllegalStateException(method.id + " page at " + position + " returned " + rows.size()
                    + " rows starting at id " + firstId + "; expected " + expected + " rows from id " + (position + 1));
        }
        session.clear();
    }

    // ---------------------------------------------------------------- plumbing

    private HikariDataSource dataSource() {
        if (dataSource == null) {
            dataSource = pool(url);
        }
        return dataSource;
    }

    private HikariDataSource pool(String jdbcUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(3); // a read-ahead walk's reader borrows one beside the caller's
        config.setMinimumIdle(1);
        config.setPoolName("bench");
        return new HikariDataSource(config);
    }

    private SessionFactory sessionFactory() {
        if (sessionFactory == null) {
            Configuration configuration = SampleDatabase.hibernate(dataSource());
            // -Dbench.hibernate.<setting>=<value> tries a Hibernate setting (docs/benchmark.md, profile).
            System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.hibernate."))
                    .forEach(k -> configuration.getProperties().put(k.substring("bench.hibernate.".length()),
                            System.getProperty(k)));
            sessionFactory = configuration.buildSessionFactory();
        }
        return sessionFactory;
    }

    private void closeQuietly() {
        try {
            if (springData != null) {
                springData.close();
            }
            if (sessionFactory != null) {
                sessionFactory.close();
            }
            if (dataSource != null) {
                dataSource.close();
            }
            if (cursorDataSource != null) {
                cursorDataSource.close();
            }
        } catch (RuntimeException ignored) {
            // the result is what matters; the JVM exits next
        }
    }

    /** An OutOfMemoryError anywhere in the chain, or a driver's SQLException "Java heap space". */
    static boolean ranOutOfHeap(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("Java heap space")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null && text.length() < 600; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.length() > 600 ? text.substring(0, 600) : text.toString();
    }

    static String mb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    /** The checksum and row count of a walk, with the retained-heap probes half way and at the last row. */
    static final class Tally implements HeapMonitor.Progress {
        private final Work work;
        private final Work.Waiting waiting;
        private final long expected;
        private final long half;
        private final HeapMonitor heap;
        long rows;
        long checksum;
        long touched;
        long retainedHalf = -1;
        long retainedEnd = -1;
        long probeNanos;

        Tally(long expected, HeapMonitor heap, Work work) {
            this.work = work;
            this.waiting = work.waiting();
            this.expected = expected;
            this.half = Math.max(1, expected / 2);
            this.heap = heap;
        }

        void item(Item item) {
            if (work.active()) {
                touched += work.apply(item);
                waiting.row();
            }
            touch(item.getCreatedAt(), item.getCategory());
            add(item.getId(), item.getAmount(), item.getPayload());
        }

        void row(Row row) {
            if (work.active()) {
                touched += work.apply(row);
                waiting.row();
            }
            touch(row.createdAt(), row.category());
            add(row.id(), row.amount(), row.payload());
        }

        /** Uses the columns the checksum does not, so no method can skip converting them. */
        void touch(LocalDateTime createdAt, String category) {
            touched += createdAt.getNano() + (category == null ? 0 : category.length());
        }

        void add(long id, BigDecimal amount, String payload) {
            checksum += ItemTable.checksum(id, amount, payload);
            rows++;
            if (rows == half || rows == expected) {
                long start = System.nanoTime();
                long retained = heap.retained();
                if (rows == half && retainedHalf < 0) {
                    retainedHalf = retained;
                } else {
                    retainedEnd = retained;
                }
                probeNanos += System.nanoTime() - start;
            }
        }

        @Override
        public long rows() {
            return rows;
        }
    }
}
