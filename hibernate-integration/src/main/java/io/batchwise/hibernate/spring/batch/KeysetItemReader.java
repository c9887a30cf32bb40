package io.batchwise.hibernate.spring.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import io.batchwise.core.KeyRange;
import io.batchwise.core.KeysetWalk;

/**
 * A restartable Spring Batch reader over a Batchwise keyset pager: reads one short indexed page at a
 * time and, on every {@link #update(ExecutionContext)} (the step calls it in each chunk's transaction,
 * before the commit), stores the pager's resume token, the position after the last item read, under
 * {@code <name>.token}. A restarted step seeks straight to that position with one indexed query: no
 * row before it is read again (Spring Batch's {@code JpaPagingItemReader} restarts from an item count,
 * which becomes an OFFSET the server reads past), and rows inserted or deleted before the position while
 * the job was down do not shift it.
 *
 * <p>In a partitioned step with {@link KeyRangePartitioner}, the reader reads only its partition's key
 * range, which it finds in the step's {@link ExecutionContext}; declare it {@code @StepScope} so that
 * each partition has its own. Elsewhere it reads every row of the pager's query.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #open(ExecutionContext)} starts after the stored token (with {@code saveState}, the
 *       default), else at the start of the range; a token of another query (the pager's select, table,
 *       condition, parameters or keys changed between runs) is refused with an
 *       {@link ItemStreamException} naming the key, before any SQL.</li>
 *   <li>{@link #read()} returns the next row, or null at the end. Items are read outside the chunk's
 *       transaction, each page on a connection or session of the reader's own (see the subclasses).</li>
 *   <li>Exactly once: when the step's writer writes in the same transaction as the job repository
 *       (the same {@code DataSource} and transaction manager), an item's writes and the token past it
 *       commit together, so a crash at any instant (even {@code kill -9}) neither loses nor repeats an
 *       item on restart; the sample job's {@code CounterJobKillIT} proves it.</li>
 *   <li>Not thread-safe: one reader per step execution (a multi-threaded step would interleave the
 *       token; partition instead).</li>
 * </ul>
 *
 * @param <T> the item type
 */
public abstract class KeysetItemReader<T> extends ItemStreamSupport implements ItemStreamReader<T> {
    /** The execution-context key suffix under which the token is stored: {@code <name>.token}. */
    public static final String TOKEN_KEY = "token";

    private final boolean saveState;
    private KeysetWalk<T> walk;
    /** This partition holds no rows ({@link KeyRangePartitioner#EMPTY_KEY}). */
    private boolean empty;

    KeysetItemReader(String name, boolean saveState) {
        if (name != null) {
            setName(name);
        }
        this.saveState = saveState;
    }

    /** Opens a walk over {@code range} (already resumed after the stored token). */
    abstract KeysetWalk<T> walk(KeyRange range);

    /** Releases what {@link #walk(KeyRange)} acquired besides the walk (a session). */
    void release() {
    }

    @Override
    public void open(ExecutionContext executionContext) {
        if (walk != null) {
            throw new IllegalStateException("reader \"" + getName() + "\" is already open; close() it before"
                    + " opening it again (declare it @StepScope in a partitioned step: one reader per partition)");
        }
        KeyRange range = KeyRangePartitioner.range(executionContext);
        if (range == null) {
            walk = null;
            empty = true;
            return;
        }
        empty = false;
        String key = getExecutionContextKey(TOKEN_KEY);
        String token = saveState ? executionContext.getString(key, null) : null;
        try {
            walk = walk(range.resumeAfter(token));
        } catch (IllegalArgumentException e) {
            release();
            String where = token != null ? "the stored position \"" + key + "\"" : "the partition's key range ("
                    + KeyRangePartitioner.AFTER_KEY + ", " + KeyRangePartitioner.THROUGH_KEY + ")";
            throw new ItemStreamException("Reader \"" + getName() + "\" cannot start from " + where + ": "
                    + e.getMessage() + ". A restart must read the same query as the run that stored it; if the"
                    + " query changed on purpose, start a new job instance", e);
        }
    }

    @Override
    public T read() {
        if (empty) {
            return null;
        }
        if (walk == null) {
            throw new IllegalStateException("reader \"" + getName() + "\" is not open; the step opens it, or call"
                    + " open(executionContext) first");
        }
        return walk.hasNext() ? walk.next() : null;
    }

    @Override
    public void update(ExecutionContext executionContext) {
        if (saveState && walk != null) {
            String token = walk.resumeToken();
            if (token != null) {
                executionContext.putString(getExecutionContextKey(TOKEN_KEY), token);
            }
        }
    }

    @Override
    public void close() {
        try {
            if (walk != null) {
                walk.close();
            }
        } finally {
            walk = null;
            release();
        }
    }
}
