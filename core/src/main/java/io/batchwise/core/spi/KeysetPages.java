package io.batchwise.core.spi;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;

/**
 * The keyset paging both pagers share, whatever reads a page (a JDBC statement, an HQL query): the
 * options and their limits, token decoding and its checks, single pages, and walks. A pager
 * supplies only a {@link Reader}. Immutable and thread-safe.
 */
public final class KeysetPages {
    /** Rows per page unless the caller says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 1_000;
    /** The largest page: a page is held in memory whole. */
    public static final int MAX_PAGE_SIZE = 100_000;
    /** Longest token accepted or issued unless the caller says otherwise: fits a URL anywhere. */
    public static final int DEFAULT_MAX_TOKEN_CHARS = 2_048;
    /** Shortest token limit: a token with a few keys takes 40 to 120 characters. */
    public static final int MIN_MAX_TOKEN_CHARS = 64;

    /**
     * The options a pager's builder collects, each checked when set.
     *
     * @param secret    the token signing secret, or null for unsigned tokens
     * @param readAhead pages a walk reads ahead of the caller on a second connection, 0 (off) to
     *                  {@value ReadAhead#MAX}
     */
    public record Options(int pageSize, byte[] secret, int maxTokenChars, int readAhead) {
        /** The defaults: 1,000-row pages, unsigned tokens of up to 2,048 characters, no read-ahead. */
        public static final Options DEFAULTS = new Options(DEFAULT_PAGE_SIZE, null, DEFAULT_MAX_TOKEN_CHARS, 0);

        /** These options with {@code rows} per page, 1 to {@value KeysetPages#MAX_PAGE_SIZE}. */
        public Options withPageSize(int rows) {
            Arguments.atLeastOne("pageSize", rows, "pass the rows per page, e.g. pageSize(1000)");
            if (rows > MAX_PAGE_SIZE) {
                throw new IllegalArgumentException("pageSize must be <= " + MAX_PAGE_SIZE + ", was " + rows
                        + "; a page is held in memory whole: walk() reads any number of rows page by page");
            }
            return new Options(rows, secret, maxTokenChars, readAhead);
        }

        /** These options with tokens signed under {@code secret} (at least 16 bytes, copied). */
        public Options withTokenSecret(byte[] secret) {
            return new Options(pageSize, ResumeTokens.checkSecret("secret", secret), maxTokenChars, readAhead);
        }

        /** These options with tokens of at most {@code chars} characters, 64 to 4,096. */
        public Options withMaxTokenChars(int chars) {
            if (chars < MIN_MAX_TOKEN_CHARS || chars > ResumeTokens.DEFAULT_MAX_CHARS) {
                throw new IllegalArgumentException("maxTokenChars must be in [" + MIN_MAX_TOKEN_CHARS + ", "
                        + ResumeTokens.DEFAULT_MAX_CHARS + "], was " + chars + "; a token with a few keys takes 40 to"
                        + " 120 characters");
            }
            return new Options(pageSize, secret, chars, readAhead);
        }

        /** These options with walks reading {@code pages} pages ahead, 0 (off) to {@value ReadAhead#MAX}. */
        public Options withReadAhead(int pages) {
            return new Options(pageSize, secret, maxTokenChars, ReadAhead.checked("readAhead", pages));
        }
    }

    /** Reads the rows of one page. */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * Up to {@code limit} rows after ({@code backward}: before) the row with key {@code boundary}
         * (null: from the start or, backward, the end), in reading order, with each row's keys.
         *
         * @param rowsBefore rows handed out before this page, for error messages
         */
        KeysetQuery.Rows<T> read(boolean backward, List<Object> boundary, int limit, long rowsBefore);
    }

    private final int pageSize;
    private final int readAhead;
    private final ResumeTokens.Codec tokens;
    private final int keyCount;
    private final Consumer<List<Object>> valueCheck;

    /**
     * @param fingerprint the query's fingerprint ({@link ResumeTokens#fingerprint})
     * @param valueCheck  refuses a decoded token's key values that cannot be the keys' (a forged or
     *                    foreign token), before any SQL
     */
    public KeysetPages(Options options, byte[] fingerprint, int keyCount, Consumer<List<Object>> valueCheck) {
        this.pageSize = options.pageSize();
        this.readAhead = options.readAhead();
        this.tokens = new ResumeTokens.Codec(fingerprint, options.secret(), options.maxTokenChars());
        this.keyCount = keyCount;
        this.valueCheck = valueCheck;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Pages a walk reads ahead of the caller; 0 when walks read each page when the caller needs it. */
    public int readAhead() {
        return readAhead;
    }

    /**
     * The page a token leads to (null: the first page).
     *
     * @throws IllegalArgumentException if the token is refused; no SQL runs then
     */
    public <T> Page<T> page(String token, Reader<T> reader) {
        if (token == null) {
            return read(reader, false, null, false);
        }
        ResumeTokens.Decoded decoded = decode(token);
        return read(reader, decoded.before(), decoded.values(), true);
    }

    /** The last page: the last {@link #pageSize()} rows, in the query's order. */
    public <T> Page<T> last(Reader<T> reader) {
        return read(reader, true, null, false);
    }

    /** The page after the row with key {@code boundary} (null: the first page), read forward. */
    public <T> Page<T> after(List<Object> boundary, Reader<T> reader) {
        return read(reader, false, boundary, boundary != null);
    }

    /**
     * Every row after the position of {@code token} (null: from the start), one page at a time;
     * {@code endOfPage} runs after the caller has had a page's rows, before the next is read. With
     * {@link #readAhead()} pages, {@code reader} runs on a reader thread of its own ({@link ReadAhead})
     * while the caller works on the page before: it must then read on a connection of its own.
     *
     * @throws IllegalArgumentException if the token is refused or leads backward
     */
    public <T> KeysetWalk<T> walk(String token, Reader<T> reader, Runnable endOfPage) {
        List<Object> start = forwardStart(token);
        PagedWalk.Pages<T> pages = readAhead > 0 ? new AheadPages<>(reader, start, pageSize, readAhead, endOfPage)
                : new PagedWalk.Pages<T>() {
                    @Override
                    public KeysetQuery.Rows<T> read(List<Object> after, int limit, long rowsBefore) {
                        return reader.read(false, after, limit, rowsBefore);
                    }

                    @Override
                    public void endOfPage() {
                        endOfPage.run();
                    }
                };
        PagedWalk<T> walk = new PagedWalk<>(pages, pageSize, start, token, this::forwardToken);
        if (pages instanceof AheadPages<T> ahead) {
            ahead.ahead.stopWhenUnreachable(walk);
        }
        return walk;
    }

    /**
     * Every page after the position of {@code token} (null: from the start), each in a unit of work
     * of its own: begins it, reads the page in it, hands the page to {@code work}, commits, and only
     * then counts the page's rows and takes its {@link Page#nextToken()} as the token to resume from;
     * stops after the last page. Pages are read one at a time, never ahead.
     *
     * <p>A failure (the unit cannot begin, the read or the work fails, the commit fails) rolls back
     * that page only and is thrown as a {@link BatchwiseException} whose
     * {@link BatchwiseException#resumeToken()} is the token after the last committed page ({@code token}
     * itself, empty for null, when none was) and whose {@link BatchwiseException#reason()} is the
     * failure's. An {@link Error} rolls back its page too and is rethrown as it is.
     *
     * @param transactions how a page's unit of work begins, commits, rolls back and closes
     * @param readers      the reader of a page in its unit of work
     * @param work         the caller's work on each page
     * @param resumeCall   the call that resumes, for the messages, e.g. {@code "forEachPage(token, work)"}
     * @return the token after the last page (null when no page had a row and {@code token} was null)
     * @throws IllegalArgumentException if the token is refused or leads backward; nothing begins then
     */
    public <U, T> String forEachPage(String token, PageTransaction<U> transactions,
            Function<? super U, Reader<T>> readers, PageTransaction.Work<? super U, T> work, String resumeCall) {
        List<Object> after = forwardStart(token);
        String committed = token;
        long rows = 0;
        while (true) {
            U unit;
            try {
                unit = transactions.begin();
            } catch (Exception e) {
                throw failed("A page's unit of work could not begin after ", rows, e, ";", resumeCall, committed);
            }
            Page<T> page;
            try {
                try {
                    page = after(after, readers.apply(unit));
                    work.accept(unit, page);
                } catch (Exception e) {
                    rollBack(transactions, unit, e);
                    throw failed("A page failed after ", rows, e, ". Its transaction was rolled back;", resumeCall,
                            committed);
                }
                try {
                    transactions.commit(unit);
                } catch (Exception e) {
                    rollBack(transactions, unit, e);
                    throw failed("A page's commit failed after ", rows, e, ";", resumeCall, committed);
                }
            } catch (RuntimeException | Error e) {
                if (e instanceof Error) {
                    rollBack(transactions, unit, e);
                }
                try {
                    transactions.close(unit);
                } catch (Exception close) {
                    e.addSuppressed(close);
                }
                throw e;
            }
            rows += page.size();
            if (!page.isEmpty()) {
                committed = page.nextToken();
                after = decode(committed).values();
            }
            try {
                transactions.close(unit);
            } catch (Exception e) {
                throw failed("A page's unit of work could not be closed after its commit, when ", rows, e, ";",
                        resumeCall, committed);
            }
            if (!page.hasNext()) {
                return committed;
            }
        }
    }

    private static <U> void rollBack(PageTransaction<U> transactions, U unit, Throwable failure) {
        try {
            transactions.rollback(unit);
        } catch (Exception | Error rollback) {
            failure.addSuppressed(rollback);
        }
    }

    private static BatchwiseException failed(String what, long rows, Throwable e, String then, String resumeCall,
            String committed) {
        return Failures.wrap(what + rows + " rows were committed: " + e.getMessage() + then + " resume with "
                + resumeCall + " from the last committed token " + (committed == null ? "null (the start)" : committed)
                + " (BatchwiseException.resumeToken())", rows, committed, e);
    }

    /**
     * The pages of a forward walk read by a {@link ReadAhead} thread, in the order and with the
     * boundaries, limits and row counts the walk itself would read them.
     */
    private static final class AheadPages<T> implements PagedWalk.Pages<T> {
        private final Reader<T> reader;
        private final int limit;
        private final Runnable endOfPage;
        private final ReadAhead<KeysetQuery.Rows<T>> ahead;
        private List<Object> boundary;
        private long rowsBefore;
        private boolean last;

        AheadPages(Reader<T> reader, List<Object> start, int limit, int pages, Runnable endOfPage) {
            this.reader = reader;
            this.boundary = start;
            this.limit = limit;
            this.endOfPage = endOfPage;
            this.ahead = new ReadAhead<>(new ReadAhead.Source<>() {
                @Override
                public KeysetQuery.Rows<T> next() {
                    return nextPage();
                }

                @Override
                public void close() {
                    // nothing held: the reader returns each page's connection before the page is handed over
                }
            }, pages);
        }

        /** On the reader's thread. */
        private KeysetQuery.Rows<T> nextPage() {
            if (last) {
                return null;
            }
            KeysetQuery.Rows<T> rows = reader.read(false, boundary, limit, rowsBefore);
            rowsBefore += rows.size();
            last = rows.size() < limit;
            if (!last) {
                boundary = rows.keys().get(rows.size() - 1);
            }
            return rows;
        }

        @Override
        public KeysetQuery.Rows<T> read(List<Object> after, int pageLimit, long handedOut) {
            KeysetQuery.Rows<T> rows = ahead.take();
            if (rows == null) {
                throw new IllegalStateException("read past the last page: the walk asked for a page after a short one");
            }
            return rows;
        }

        @Override
        public void endOfPage() {
            endOfPage.run();
        }

        @Override
        public void close() {
            ahead.close();
        }
    }

    /**
     * The key values a forward walk starts after: null for a null token.
     *
     * @throws IllegalArgumentException if the token is refused or is a previous-page token
     */
    public List<Object> forwardStart(String token) {
        if (token == null) {
            return null;
        }
        ResumeTokens.Decoded decoded = decode(token);
        if (decoded.before()) {
            throw new IllegalArgumentException("token must continue forward, but it is a previous-page token"
                    + " (Page.previousToken()); walk from a Page.nextToken() or a resumeToken(), or page backward"
                    + " one page at a time");
        }
        return decoded.values();
    }

    /**
     * A token read and checked, its key values too.
     *
     * @throws IllegalArgumentException naming what is wrong, before any SQL
     */
    public ResumeTokens.Decoded decode(String token) {
        ResumeTokens.Decoded decoded = tokens.decode(token, keyCount);
        valueCheck.accept(decoded.values());
        return decoded;
    }

    /** The query's fingerprint, which its tokens carry (a migration's checkpoint records it). */
    public byte[] fingerprint() {
        return tokens.fingerprint();
    }

    /** The token for the rows after the row with key {@code values}. */
    public String forwardToken(List<Object> values) {
        return tokens.encode(false, values);
    }

    /**
     * The token for the page after ({@code before}: before) the row with key {@code values}, which
     * a caller kept in another form (a framework's scroll position); the values are checked as a
     * decoded token's are, before any SQL.
     *
     * @throws IllegalArgumentException if there are not as many values as keys, or one cannot be its key's
     */
    public String tokenAt(boolean before, List<Object> values) {
        if (values.size() != keyCount) {
            throw new IllegalArgumentException("key values must be one per key (" + keyCount + "), were "
                    + values.size() + "; pass the values of every key, the appended id included");
        }
        valueCheck.accept(values);
        return tokens.encode(before, values);
    }

    private <T> Page<T> read(Reader<T> reader, boolean backward, List<Object> boundary, boolean fromToken) {
        return reader.read(backward, boundary, pageSize + 1, 0).toPage(pageSize, backward, fromToken, tokens);
    }
}
