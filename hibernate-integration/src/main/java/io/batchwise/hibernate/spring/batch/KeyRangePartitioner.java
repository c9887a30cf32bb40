package io.batchwise.hibernate.spring.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.KeyRange;
import io.batchwise.core.spi.Arguments;
import io.batchwise.hibernate.EntityPager;

/**
 * A Spring Batch {@link Partitioner} that cuts a keyset pager's rows into key ranges at the key
 * quantiles read from the index (the splitter Batchwise migrations use: one {@code COUNT(*)} and one
 * indexed {@code LIMIT 1 OFFSET n} query per boundary), one {@link ExecutionContext} per range. The
 * ranges are disjoint and together cover every row; a {@link KeysetItemReader} over the same pager
 * reads its partition's range from the context by itself.
 *
 * <pre>{@code
 * JdbcKeysetPager<Long> ids = JdbcKeysetPager.select(dataSource, "id", row -> row.getLong(1))
 *         .from("orders").orderBy(SortKey.asc("id")).open();
 *
 * @Bean Step manager(JobRepository jobRepository, Step worker) {
 *     return new StepBuilder("manager", jobRepository)
 *             .partitioner("worker", KeyRangePartitioner.of(ids))
 *             .step(worker).gridSize(4).taskExecutor(new SimpleAsyncTaskExecutor())
 *             .build();
 * }
 *
 * @Bean @StepScope JdbcKeysetItemReader<Long> reader() {          // one per partition
 *     return new JdbcKeysetItemReaderBuilder<Long>().name("ids").pager(ids).build();
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #partition(int)} returns exactly {@code gridSize} contexts named {@code partition0} to
 *       {@code partition<gridSize-1>}, each holding {@link #AFTER_KEY} (absent: from the first row) and
 *       {@link #THROUGH_KEY} (absent: to the last row), the pager's tokens of the range's ends. A table
 *       with fewer rows than {@code gridSize} gives fewer ranges; the remaining partitions are marked
 *       {@link #EMPTY_KEY} and read nothing, so the partition names stay the same on a restart.</li>
 *   <li>Rows inserted while the job runs fall into the range their keys belong to (past the last
 *       boundary: the last partition).</li>
 *   <li>Restart: Spring Batch gives each unfinished partition its own stored context back (range and
 *       reader position); the ranges of a new split are used only for partitions that never ran.</li>
 *   <li>Remote partitioning: the contexts hold only strings, so they travel to remote workers as they
 *       are; a worker's reader needs a pager over the same query.</li>
 * </ul>
 */
public final class KeyRangePartitioner implements Partitioner {
    /** Context key: the token the partition's range starts after (absent: the first row). */
    public static final String AFTER_KEY = "batchwise.range.after";
    /** Context key: the token of the partition's last row (absent: the last row of the table). */
    public static final String THROUGH_KEY = "batchwise.range.through";
    /** Context key, set to {@code true} on a partition that holds no rows. */
    public static final String EMPTY_KEY = "batchwise.range.empty";

    private final IntFunction<List<KeyRange>> splitter;

    private KeyRangePartitioner(IntFunction<List<KeyRange>> splitter) {
        this.splitter = splitter;
    }

    /** Partitions the rows of {@code pager} ({@link JdbcKeysetPager#split(int)}). */
    public static KeyRangePartitioner of(JdbcKeysetPager<?> pager) {
        Arguments.notNull("pager", pager, "pass the JdbcKeysetPager whose rows the partitions read");
        return new KeyRangePartitioner(pager::split);
    }

    /** Partitions the rows of {@code pager} ({@link EntityPager#split(int)}). */
    public static KeyRangePartitioner of(EntityPager<?> pager) {
        Arguments.notNull("pager", pager, "pass the EntityPager whose rows the partitions read");
        return new KeyRangePartitioner(pager::split);
    }

    /**
     * {@code gridSize} contexts, one per key range (see the class's contract).
     *
     * @throws IllegalArgumentException if {@code gridSize < 1}, before any SQL
     */
    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Arguments.atLeastOne("gridSize", gridSize, "set the partition step's gridSize(n) to the number of"
                + " partitions, e.g. 4");
        List<KeyRange> ranges = splitter.apply(gridSize);
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        for (int i = 0; i < gridSize; i++) {
            ExecutionContext context = new ExecutionContext();
            if (i < ranges.size()) {
                KeyRange range = ranges.get(i);
                if (range.after() != null) {
                    context.putString(AFTER_KEY, range.after());
                }
                if (range.through() != null) {
                    context.putString(THROUGH_KEY, range.through());
                }
            } else {
                context.put(EMPTY_KEY, Boolean.TRUE);
            }
            partitions.put("partition" + i, context);
        }
        return partitions;
    }

    /**
     * The key range a partition's context names: {@link KeyRange#ALL} for a context without range
     * keys (a step that is not partitioned by this partitioner), null for a partition marked
     * {@link #EMPTY_KEY}.
     */
    public static KeyRange range(ExecutionContext context) {
        Arguments.notNull("context", context, "pass the step's ExecutionContext");
        if (Boolean.TRUE.equals(context.get(EMPTY_KEY))) {
            return null;
        }
        return new KeyRange(context.getString(AFTER_KEY, null), context.getString(THROUGH_KEY, null));
    }
}
