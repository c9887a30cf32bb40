package io.batchwise.core;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import io.batchwise.core.spi.Arguments;
import io.batchwise.core.spi.Borrowed;
import io.batchwise.core.spi.Failures;
import io.batchwise.core.spi.Identifiers;
import io.batchwise.core.spi.KeyKind;
import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.KeysetQuery;
import io.batchwise.core.spi.PageTransaction;
import io.batchwise.core.spi.ResumeTokens;
import io.batchwise.core.spi.SessionZone;
import io.batchwise.core.spi.KeyQuantiles;
import io.batchwise.core.spi.TableSchema;

/**
 * Keyset (seek) paging over plain JDBC for native SQL and projections: each page is one short,
 * indexed query for the rows after the last key seen, so page 10,000 costs what page 1 costs, every
 * page can run on its own connection and transaction, and a walk can stop and resume from an opaque
 * token, also in another process.
 *
 * <pre>{@code
 * JdbcKeysetPager<Item> items = JdbcKeysetPager
 *         .select(dataSource, "id, created_at, amount", row -> new Item(row.getLong(1),
 *                 row.getObject(2, LocalDateTime.class), row.getBigDecimal(3)))
 *         .from("item")
 *         .where("category = ?", "books")
 *         .orderBy(SortKey.desc("created_at"))      // the primary key is appended as tiebreaker
 *         .pageSize(100)
 *         .open();
 *
 * Page<Item> page = items.page(tokenFromClient);    // null: the first page
 * respond(page.content(), page.nextToken(), page.previousToken());
 *
 * try (KeysetWalk<Item> all = items.walk()) {      // every row, one page query at a time
 *     all.forEachRemaining(exporter::write);
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>SQL: {@code SELECT <select>, <keys> FROM <from> WHERE (<where>) AND <seek> ORDER BY <keys>
 *       LIMIT <n>}. The select list, FROM and WHERE are the caller's SQL, used as written: never
 *       build them from end-user input; pass values as {@code where} parameters. Key columns are
 *       validated names, quoted; key values are always bound. The seek predicate is the expanded
 *       OR form ({@code a > ? OR (a = ? AND b > ?)}), which MySQL and MariaDB read as a range.</li>
 *   <li>Keys identify a row: when the last key is not declared {@linkplain SortKey#unique()
 *       unique}, the table's primary key is appended. Key values are read back from the key columns
 *       themselves ({@code DATETIME(6)} as {@code LocalDateTime}, {@code DECIMAL} as
 *       {@code BigDecimal}) and compared in SQL under the column's collation, never in Java.</li>
 *   <li>When it opens, the pager reads the table's columns and indexes from
 *       {@code information_schema} (one connection, once): it refuses keys that are not columns of
 *       the table and nullable columns not declared {@linkplain SortKey#nullable() nullable}, and
 *       warns (or with {@link IndexCheck#STRICT} refuses) when no index serves the key order,
 *       printing the {@code CREATE INDEX} that would. {@link IndexCheck#OFF} skips all of this; the
 *       keys must then be declared unique.</li>
 *   <li>Connections: every page borrows a connection from the data source and returns it before
 *       the page is handed over; nothing is held between pages (with {@link Builder#readAhead(int)}, a
 *       walk's reader thread borrows it while the caller works on the page before). Each page runs in whatever
 *       transaction state the data source's connections are in (with autocommit, its own).</li>
 *   <li>Concurrency: rows inserted or updated ahead of the cursor are seen, behind it are not; a
 *       row that exists throughout with its keys unchanged is read exactly once; deleting rows,
 *       including the row a token points at, never makes a walk skip another row.</li>
 *   <li>Tokens: URL-safe, versioned, carrying the boundary row's key values and a fingerprint of the
 *       keys, select, FROM, WHERE and its parameters. A token of another query, or one malformed,
 *       altered or longer than {@link Builder#maxTokenChars(int)}, is refused with an
 *       {@link IllegalArgumentException} before any SQL runs. Unsigned tokens can be written by
 *       anyone who knows the format; set {@link Builder#tokenSecret(byte[])} to sign them
 *       (HMAC-SHA256) when clients must not choose positions.</li>
 *   <li>An open pager is immutable and thread-safe; a {@link KeysetWalk} is not.</li>
 * </ul>
 *
 * @param <T> the row type
 */
public final class JdbcKeysetPager<T> {
    /** Rows per page unless {@link Builder#pageSize(int)} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = KeysetPages.DEFAULT_PAGE_SIZE;
    /** The largest page size: a page is held in memory whole. */
    public static final int MAX_PAGE_SIZE = KeysetPages.MAX_PAGE_SIZE;

    private static final System.Logger LOG = System.getLogger(JdbcKeysetPager.class.getName());

    private final DataSource dataSource;
    private final KeysetQuery<T> query;
    private final KeysetPages pages;
    private final String indexAdvice;

    private JdbcKeysetPager(DataSource dataSource, KeysetQuery<T> query, KeysetPages pages, String indexAdvice) {
        this.dataSource = dataSource;
        this.query = query;
        this.pages = pages;
        this.indexAdvice = indexAdvice;
    }

    /**
     * Starts a pager that reads {@code columns} (a select list, e.g. {@code "id, name"}) and maps each
     * row with {@code mapper}; name the table with {@link Builder#from(String)} and the keys with
     * {@link Builder#orderBy(SortKey, SortKey...)}.
     */
    public static <T> Builder<T> select(DataSource dataSource, String columns, RowMapper<T> mapper) {
        return new Builder<>(dataSource, columns, mapper);
    }

    /** The first page. */
    public Page<T> first() {
        return pages.page(null, this::read);
    }

    /** The last page: the last {@link #pageSize()} rows, in the query's order. */
    public Page<T> last() {
        return pages.last(this::read);
    }

    /**
     * The page a token from {@link Page#nextToken()} or {@link Page#previousToken()} (or
     * {@link KeysetWalk#resumeToken()}) leads to; {@code null} gives the first page.
     *
     * @throws IllegalArgumentException if the token is malformed, altered, oversized, unsigned or
     *         wrongly signed where a secret is set, or was issued for another query; no SQL runs then
     */
    public Page<T> page(String token) {
        return pages.page(token, this::read);
    }

    /** Walks every row from the start, one page query at a time. Close the walk. */
    public KeysetWalk<T> walk() {
        return walk(null);
    }

    /**
     * Walks every row after the position of {@code token} (a {@link Page#nextToken()} or a
     * {@link KeysetWalk#resumeToken()}); {@code null} walks from the start. Each page runs on a
     * connection borrowed for that page only, so nothing but the last key is held between pages and a
     * connection killed between (or during) pages costs one retry, not the walk. With
     * {@link Builder#readAhead(int)} the pages are read on a reader thread ahead of the caller.
     *
     * @throws IllegalArgumentException if the token is refused (see {@link #page(String)}) or leads
     *         backward ({@link Page#previousToken()})
     */
    public KeysetWalk<T> walk(String token) {
        return pages.walk(token, this::read, () -> { });
    }

    /**
     * Walks every page after the token's row (null: from the start), each in a transaction of its own
     * on a connection borrowed for it: reads the page on that connection, hands both to {@code work},
     * commits, and only then takes the page's {@link Page#nextToken()} as the token to resume from. A
     * failure rolls back the failing page only and is rethrown as a {@link BatchwiseException} that
     * names the token to resume from ({@link BatchwiseException#resumeToken()}: after the last committed
     * page, empty when none was and the walk started from the start) and the
     * {@link BatchwiseException#reason()} of the failure, so retry code need not parse the message.
     * Pages are never read ahead here. For changes row by row in bounded transactions with retries,
     * checkpoints and partitions, see {@code JdbcMigration}.
     *
     * @return the token after the last page (pass it again later to pick up rows added since)
     * @throws IllegalArgumentException if {@code work} is null, or the token is refused (see
     *         {@link #page(String)}) or leads backward; no SQL runs then
     */
    public String forEachPage(String token, JdbcPageWork<T> work) {
        Arguments.notNull("work", work, "pass the code to run for each page, in its transaction");
        return pages.forEachPage(token, transactionPerPage(), connection -> (backward, boundary, limit,
                rowsBefore) -> readOn(connection, backward, boundary, limit, rowsBefore), work::accept,
                "forEachPage(token, work)");
    }

    /** {@link #forEachPage}'s unit of work: a connection of the page's own, autocommit off. */
    private PageTransaction<Connection> transactionPerPage() {
        return new PageTransaction<>() {
            @Override
            public Connection begin() throws SQLException {
                Connection connection = dataSource.getConnection();
                try {
                    connection.setAutoCommit(false);
                } catch (SQLException | RuntimeException e) {
                    connection.close();
                    throw e;
                }
                return connection;
            }

            @Override
            public void commit(Connection connection) throws SQLException {
                connection.commit();
            }

            @Override
            public void rollback(Connection connection) throws SQLException {
                if (!connection.isClosed()) {
                    connection.rollback();
                }
            }

            @Override
            public void close(Connection connection) throws SQLException {
                try {
                    if (!connection.isClosed()) {
                        connection.setAutoCommit(true);
                    }
                } finally {
                    connection.close();
                }
            }
        };
    }

    /** One page's rows on the caller's transaction's {@code connection}. */
    private KeysetQuery.Rows<T> readOn(Connection connection, boolean backward, List<Object> boundary, int limit,
            long rowsBefore) {
        try {
            return query.read(connection, backward, boundary, null, limit, rowsBefore, "");
        } catch (SQLException e) {
            throw Failures.wrap("Reading the keyset page after row " + rowsBefore + " failed: " + e.getMessage(),
                    rowsBefore, null, e);
        }
    }

    /** Pages a walk reads ahead of the caller ({@link Builder#readAhead(int)}); 0 when off. */
    public int readAhead() {
        return pages.readAhead();
    }

    /** The keys the pager pages by, with the tiebreaker it appended. */
    public KeyOrder order() {
        return query.order();
    }

    /** Rows per page, and per page query of a walk. */
    public int pageSize() {
        return pages.pageSize();
    }

    /**
     * The warning the index check issued when the pager opened (no index serves the key order, with
     * the {@code CREATE INDEX} that would), or empty when an index serves it or the check was off.
     */
    public Optional<String> indexAdvice() {
        return Optional.ofNullable(indexAdvice);
    }

    /**
     * Cuts the rows into about {@code ranges} disjoint key ranges of about equal size that together
     * cover every row, with boundaries at the key quantiles read from the index (one {@code COUNT(*)}
     * and one indexed {@code LIMIT 1 OFFSET n} query per boundary, on one borrowed connection): the
     * splitter a {@link JdbcMigration}'s partitions use. Fewer ranges when the query has fewer rows
     * than {@code ranges}; one ({@link KeyRange#ALL}) for {@code ranges == 1} or no rows. Rows added
     * after the split fall into the range their keys belong to (after the last boundary: the last
     * range). Walk a range with {@link #walkRange(KeyRange)}.
     *
     * @throws IllegalArgumentException if {@code ranges < 1}; no SQL runs then
     */
    public List<KeyRange> split(int ranges) {
        Arguments.atLeastOne("ranges", ranges, "pass the number of key ranges to cut the rows into, e.g. 4");
        if (ranges == 1) {
            return List.of(KeyRange.ALL);
        }
        try {
            List<List<Object>> bounds = Borrowed.read(dataSource, c -> {
                KeyQuantiles rows = quantiles(query, c);
                return KeyQuantiles.boundaries(rows, rows.count(), ranges);
            });
            return KeyQuantiles.ranges(bounds, pages::forwardToken);
        } catch (SQLException e) {
            throw Failures.wrap("Splitting the rows into " + ranges + " key ranges failed: " + e.getMessage(), 0, null, e);
        }
    }

    /**
     * Walks the rows of {@code range} (from {@link #split(int)}, or {@link KeyRange#resumeAfter(String)}
     * of one with a {@link KeysetWalk#resumeToken()}), as {@link #walk(String)} does: the upper end is
     * part of every page query ({@code ... AND <keys> <= <through>}), so the walk stops at the range's
     * last row without reading past it.
     *
     * @throws IllegalArgumentException if either token is refused (see {@link #page(String)}) or leads
     *         backward; no SQL runs then
     */
    public KeysetWalk<T> walkRange(KeyRange range) {
        Arguments.notNull("range", range, "pass a KeyRange from split(n), or KeyRange.ALL");
        List<Object> through = pages.forwardStart(range.through());
        if (through == null) {
            return walk(range.after());
        }
        return pages.walk(range.after(), (backward, boundary, limit, rowsBefore) -> read(backward, boundary, through,
                limit, rowsBefore), () -> { });
    }

    /** The rows of {@code query} on {@code connection}, to split at key quantiles. */
    static <T> KeyQuantiles quantiles(KeysetQuery<T> query, Connection connection) {
        return new KeyQuantiles() {
            @Override
            public long count() throws SQLException {
                return query.count(connection);
            }

            @Override
            public List<Object> keysAt(List<Object> after, long offset) throws SQLException {
                KeysetQuery.Rows<T> rows = query.read(connection, false, after, null, 1, 0, " OFFSET " + (offset - 1));
                return rows.size() == 0 ? null : rows.keys().get(0);
            }
        };
    }

    /** For {@link JdbcMigration}: the query a chunk reads with, on the chunk's own connection. */
    KeysetQuery<T> query() {
        return query;
    }

    /** For {@link JdbcMigration}: the tokens of this query (their fingerprint identifies it). */
    KeysetPages pages() {
        return pages;
    }

    /** For {@link JdbcMigration}: where connections come from. */
    DataSource dataSource() {
        return dataSource;
    }

    /** One page's rows on a connection borrowed for it. */
    private KeysetQuery.Rows<T> read(boolean backward, List<Object> boundary, int limit, long rowsBefore) {
        return read(backward, boundary, null, limit, rowsBefore);
    }

    /** One page's rows up to and including the row with keys {@code through} (null: no bound). */
    private KeysetQuery.Rows<T> read(boolean backward, List<Object> boundary, List<Object> through, int limit,
            long rowsBefore) {
        try {
            return Borrowed.read(dataSource, c -> query.read(c, backward, boundary, through, limit, rowsBefore, ""));
        } catch (SQLException e) {
            throw Failures.wrap("Reading the keyset page after row " + rowsBefore + " failed: " + e.getMessage()
                    + ". The walk can be resumed from resumeToken()", rowsBefore, null, e);
        }
    }

    /**
     * Options of a pager; {@link #open()} validates them, reads the table's schema and returns the
     * pager. A builder may be opened again.
     */
    public static final class Builder<T> {
        private final DataSource dataSource;
        private final String columns;
        private final RowMapper<T> mapper;
        private String from;
        private String table;
        private String where;
        private List<Object> parameters = List.of();
        private KeyOrder order;
        private KeysetPages.Options options = KeysetPages.Options.DEFAULTS;
        private IndexCheck indexCheck = IndexCheck.WARN;

        private Builder(DataSource dataSource, String columns, RowMapper<T> mapper) {
            this.dataSource = Arguments.notNull("dataSource", dataSource, "pass the DataSource every page borrows a"
                    + " connection from");
            this.columns = Arguments.notBlank("columns", columns, "pass the select list, e.g. \"id, name\" or \"*\"");
            this.mapper = Arguments.notNull("mapper", mapper, "pass a RowMapper that turns the current row into a value");
        }

        /**
         * The FROM clause: a table name ({@code "item"} or {@code "shop.item"}), which the pager then
         * inspects, or any FROM clause with joins ({@code "item i join shop s on s.id = i.shop_id"});
         * then name the table whose keys and indexes to check with {@link #table(String)}.
         */
        public Builder<T> from(String from) {
            this.from = Arguments.notBlank("from", from, "pass the table name, e.g. \"item\"");
            return this;
        }

        /**
         * The table (optionally {@code schema.table}) whose primary key, columns and indexes the pager
         * checks when the FROM clause is more than a table name.
         */
        public Builder<T> table(String table) {
            this.table = Identifiers.requireQualifiedName("table", table, "table name", "schema name",
                    "\"item\" or \"shop.item\"");
            return this;
        }

        /** A condition every row must meet, with {@code ?} for each value, and the values in order. */
        public Builder<T> where(String condition, Object... parameters) {
            this.where = Arguments.notBlank("condition", condition, "pass a condition such as \"category = ?\"");
            Arguments.notNull("parameters", parameters, "pass the values of the condition's ?, or none");
            this.parameters = Arrays.asList(parameters.clone());
            return this;
        }

        /** The keys, most significant first; see {@link KeyOrder}. */
        public Builder<T> orderBy(SortKey first, SortKey... more) {
            this.order = KeyOrder.of(first, more);
            return this;
        }

        /** The keys, most significant first. */
        public Builder<T> orderBy(KeyOrder order) {
            this.order = Arguments.notNull("order", order, "pass the KeyOrder to page by");
            return this;
        }

        /**
         * Rows per page, and per page query of a walk, 1 to {@value JdbcKeysetPager#MAX_PAGE_SIZE}; default
         * {@value JdbcKeysetPager#DEFAULT_PAGE_SIZE}. A page is held in memory whole; a walk reads any
         * number of rows page by page.
         */
        public Builder<T> pageSize(int rows) {
            this.options = options.withPageSize(rows);
            return this;
        }

        /**
         * Walks read up to {@code pages} pages ahead of the caller, 0 (off, the default) to 16: while
         * the caller works on one page, the next is read on a reader thread of the walk's own (virtual
         * where the JDK has virtual threads, else a daemon platform thread), on a second connection
         * borrowed from the data source for that page only. At most {@code pages} pages are read or
         * being read besides the one the caller holds, so a walk holds up to {@code pages + 1} pages
         * in memory and borrows up to two connections at a time (the pool needs room for both).
         *
         * <p>What stays the same: the rows, their order, the page queries and their limits, every
         * {@link KeysetWalk#resumeToken()}, and the errors (a failed page read ahead is reported when
         * the caller reaches that page, as the {@link BatchwiseException} the walk reports without
         * read-ahead, with the same token to resume from). What changes: a page is read up to
         * {@code pages} pages before the caller gets to it, so it sees the rows committed at that
         * earlier moment. Closing the walk (also an early exit, or a failure in the caller's code)
         * stops the reader after the read in progress and returns when its thread has ended and its
         * connection is back in the pool; the reader of a walk dropped unclosed stops once the walk is
         * collected (close walks all the same: that may take long). Single pages
         * ({@link JdbcKeysetPager#page(String)}) are never read ahead.
         *
         * <p>It pays when the work per page takes about as long as reading the page, or the server is
         * far away; see the measurements in the benchmark documentation.
         *
         * @throws IllegalArgumentException if {@code pages} is not between 0 and 16
         */
        public Builder<T> readAhead(int pages) {
            this.options = options.withReadAhead(pages);
            return this;
        }

        /** What to do when no index serves the key order; default {@link IndexCheck#WARN}. */
        public Builder<T> indexCheck(IndexCheck check) {
            this.indexCheck = Arguments.notNull("check", check, "pass IndexCheck.WARN, STRICT or OFF");
            return this;
        }

        /**
         * Signs tokens with HMAC-SHA256 under {@code secret} (at least 16 bytes, kept on the server) and
         * accepts only tokens so signed: clients can then hand tokens back but not make their own.
         */
        public Builder<T> tokenSecret(byte[] secret) {
            this.options = options.withTokenSecret(secret);
            return this;
        }

        /**
         * The longest token accepted or issued, 64 to 4,096 characters; default
         * {@value KeysetPages#DEFAULT_MAX_TOKEN_CHARS}, which fits in any URL. Raise it only for long text
         * or binary keys.
         */
        public Builder<T> maxTokenChars(int chars) {
            this.options = options.withMaxTokenChars(chars);
            return this;
        }

        /**
         * Validates the options, reads the table's schema (unless {@link IndexCheck#OFF}) and returns
         * the pager. No page is read yet.
         *
         * @throws IllegalArgumentException   for a missing or invalid option, a key that is not a column of
         *                                    the table, a nullable column not declared nullable, or keys
         *                                    that do not identify a row when the table is not inspected
         * @throws BatchwiseException         with {@link IndexCheck#STRICT} when no index serves the order,
         *                                    or when the schema cannot be read
         */
        public JdbcKeysetPager<T> open() {
            Arguments.notNull("from", from, "call from(\"table\") with the table to page");
            Arguments.notNull("orderBy", order, "call orderBy(...) with the keys to page by, e.g."
                    + " orderBy(SortKey.asc(\"created_at\"))");
            String inspected = table != null ? table : Identifiers.isQualifiedName(from.trim()) ? from.trim() : null;
            String fromClause = table == null && inspected != null ? Identifiers.quote(inspected) : from;
            KeyOrder keys = order;
            String advice = null;
            List<KeyKind> kinds = null;
            if (indexCheck == IndexCheck.OFF) {
                keys.requireUnique("orderBy");
            } else if (inspected == null) {
                if (indexCheck == IndexCheck.STRICT) {
                    throw new IllegalArgumentException("indexCheck(STRICT) needs the table to inspect, but from(\""
                            + from + "\") is not a table name; name it with table(\"...\"), or use IndexCheck.WARN"
                            + " or OFF");
                }
                keys.requireUnique("orderBy");
                LOG.log(Level.DEBUG, () -> "Keyset pager over \"" + from + "\": no table to inspect; name it with"
                        + " table(...) to have keys and indexes checked");
            } else {
                TableSchema schema = readSchema(inspected);
                keys = checked(schema, keys);
                kinds = new ArrayList<>();
                for (SortKey key : keys.keys()) {
                    kinds.add(schema.keyKind(key.columnName(), key.column()));
                }
                advice = advise(schema, keys, kinds, inspected.indexOf('.') >= 0);
            }
            if (kinds == null) {
                kinds = probeKinds(fromClause, keys);
            }
            List<String> parts = List.of("jdbc-keyset", columns, fromClause, where == null ? "" : where,
                    keys.toString());
            byte[] fingerprint = ResumeTokens.fingerprint(parts, parameters);
            KeysetQuery<T> query = new KeysetQuery<>(columns, fromClause, where, parameters, keys, mapper,
                    kinds);
            List<KeyKind> checked = kinds;
            KeyOrder paged = keys;
            KeysetPages pages = new KeysetPages(options, fingerprint, keys.size(), values -> {
                for (int i = 0; i < values.size(); i++) {
                    if (values.get(i) != null) {
                        checked.get(i).bindable(paged.get(i).column(), values.get(i));
                    }
                }
            });
            return new JdbcKeysetPager<>(dataSource, query, pages, advice);
        }

        private TableSchema readSchema(String qualified) {
            String schema = Identifiers.qualifier(qualified);
            String name = Identifiers.unqualified(qualified);
            try {
                return Borrowed.read(dataSource, c -> TableSchema.read(c, schema, name));
            } catch (SQLException e) {
                throw new BatchwiseException("Could not read the columns and indexes of \"" + qualified + "\" from"
                        + " information_schema: " + e.getMessage() + ". Grant the user SELECT on the table, or open"
                        + " the pager with indexCheck(IndexCheck.OFF) and unique keys", -1, e);
            }
        }

        /** The keys checked against the table, with the primary key appended when they are not unique. */
        private KeyOrder checked(TableSchema schema, KeyOrder keys) {
            for (SortKey key : keys.keys()) {
                if (!schema.hasColumn(key.columnName())) {
                    throw new IllegalArgumentException("orderBy key \"" + key.column() + "\" is not a column of "
                            + describe(schema) + ", whose columns are " + schema.columns() + "; name a column of that"
                            + " table (for keys of a joined table, use indexCheck(IndexCheck.OFF) and declare the"
                            + " nullability and the unique last key yourself)");
                }
                if (schema.isNullable(key.columnName()) && !key.isNullable()) {
                    throw new IllegalArgumentException("orderBy key \"" + key.column() + "\" is a nullable column of "
                            + describe(schema) + " but is not declared nullable: rows with NULL there would be skipped"
                            + " at a page boundary. Declare it: SortKey.asc(\"" + key.column() + "\").nullable() (NULLs"
                            + " first ascending and last descending, as the server sorts and indexes them), or"
                            + " .nullsFirst() / .nullsLast()");
                }
            }
            if (keys.isUnique()) {
                return keys;
            }
            List<String> primary = schema.primaryKey();
            if (primary.isEmpty()) {
                throw new IllegalArgumentException("orderBy must end with a unique key, but " + keys + " ends with \""
                        + keys.last().column() + "\", not declared unique, and " + describe(schema) + " has no primary"
                        + " key to append as tiebreaker. Add a NOT NULL column of a unique key as the last key, declared"
                        + " unique: SortKey.asc(\"code\").unique()");
            }
            String qualifier = keys.last().qualifier();
            List<KeyOrder> candidates = new ArrayList<>();
            for (SortKey.Direction direction : List.of(keys.last().direction(), keys.last().direction().reversed())) {
                List<SortKey> tiebreaker = primary.stream()
                        .map(c -> SortKey.of(qualifier == null ? c : qualifier + "." + c, direction, false,
                                SortKey.Nulls.DEFAULT, false))
                        .collect(Collectors.toList());
                candidates.add(keys.withTiebreaker(tiebreaker));
            }
            // the direction an index can serve; else the last key's (a plain index then serves it backward)
            return candidates.stream().filter(c -> schema.servingIndex(c).isPresent()).findFirst()
                    .orElse(candidates.get(0));
        }

        /** The key kinds from the driver's metadata of a query that reads no row. */
        private List<KeyKind> probeKinds(String fromClause, KeyOrder keys) {
            try {
                return Borrowed.read(dataSource, c -> KeysetQuery.probeKinds(c, fromClause, where, parameters, keys));
            } catch (SQLException e) {
                throw new BatchwiseException("Could not read the key columns' types with SELECT ... FROM " + fromClause
                        + " LIMIT 0: " + e.getMessage() + ". Check the FROM and WHERE clauses and the key names", -1, e);
            }
        }

        private String advise(TableSchema schema, KeyOrder keys, List<KeyKind> kinds, boolean qualified) {
            boolean daylightSaving = false;
            if (kinds.stream().anyMatch(k -> k.form() == KeyKind.Form.EPOCH)) {
                try {
                    daylightSaving = Borrowed.read(dataSource, SessionZone::hasDaylightSaving);
                } catch (SQLException e) {
                    throw new BatchwiseException("Could not read the session time zone: " + e.getMessage(), -1, e);
                }
            }
            String advice = schema.indexAdvice(keys, kinds, qualified, daylightSaving).orElse(null);
            if (advice == null) {
                return null;
            }
            if (indexCheck == IndexCheck.STRICT) {
                throw new BatchwiseException(BatchwiseException.Reason.NO_INDEX, advice, -1, null, null);
            }
            LOG.log(Level.WARNING, advice);
            return advice;
        }

        private static String describe(TableSchema schema) {
            return Identifiers.quoteAny(schema.schema()) + "." + Identifiers.quoteAny(schema.table());
        }
    }
}
