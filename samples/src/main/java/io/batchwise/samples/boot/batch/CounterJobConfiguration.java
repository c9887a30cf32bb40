package io.batchwise.samples.boot.batch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.spring.batch.JdbcKeysetItemReader;
import io.batchwise.hibernate.spring.batch.JdbcKeysetItemReaderBuilder;
import io.batchwise.hibernate.spring.batch.KeyRangePartitioner;
import io.batchwise.samples.ItemTable;

/**
 * The sample Spring Batch job, {@value #JOB}: a partitioned step that adds 1 to the {@code counter} of
 * every row of {@value #TABLE} (1,000,000 rows unless the property {@code batchwise.counter.rows} says
 * otherwise),
 * so that after any number of crashes and restarts every counter must be exactly 1.
 *
 * <ol>
 *   <li>{@code prepareCounters}: (re)creates the table with every counter 0; a restart skips it, since
 *       it completed;</li>
 *   <li>{@code countManager}: {@link KeyRangePartitioner} cuts the ids into {@value #PARTITIONS} key
 *       ranges at the quantiles; a local {@link TaskExecutorPartitionHandler} runs the worker step on
 *       {@value #PARTITIONS} threads;</li>
 *   <li>{@code countWorker} (one execution per range): chunks of {@value #CHUNK} ids from a
 *       {@code @StepScope} {@link io.batchwise.hibernate.spring.batch.JdbcKeysetItemReader} that reads
 *       its partition's range from the step's context, written by a {@link JdbcBatchItemWriter}
 *       ({@code UPDATE ... SET counter = counter + 1}) in the chunk's transaction, where the job
 *       repository also stores the reader's token: both commit together or not at all.</li>
 * </ol>
 *
 * It needs only what any Spring Batch application has: a {@code DataSource} (the job's table and the
 * job repository on the same database), a transaction manager over it and a {@link JobRepository}.
 * The Spring Boot sample app picks it up by component scan; {@link CounterJobSample} runs it without
 * Boot. Scaling out with remote partitioning: docs/spring-batch.md.
 */
@Configuration(proxyBeanMethods = false)
public class CounterJobConfiguration {
    /** The job's name. */
    public static final String JOB = "counterJob";
    /** The table the job counts in. */
    public static final String TABLE = "counter_item";
    /** Partitions of the count step. */
    public static final int PARTITIONS = 4;
    /** Items per chunk (a transaction). */
    public static final int CHUNK = 1_000;

    @Bean
    public Job counterJob(JobRepository jobRepository, Step prepareCounters, Step countManager) {
        return new JobBuilder(JOB, jobRepository)
                .incrementer(new RunIdIncrementer())
                .start(prepareCounters)
                .next(countManager)
                .build();
    }

    @Bean
    public Step prepareCounters(JobRepository jobRepository, PlatformTransactionManager transactionManager,
            DataSource dataSource, @Value("${batchwise.counter.rows:1000000}") long rows) {
        return new StepBuilder("prepareCounters", jobRepository).tasklet((contribution, context) -> {
            create(dataSource, rows);
            return RepeatStatus.FINISHED;
        }, transactionManager).build();
    }

    @Bean
    public Step countManager(JobRepository jobRepository, Partitioner counterPartitioner, Step countWorker) {
        TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler();
        handler.setStep(countWorker);
        handler.setGridSize(PARTITIONS);
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("count-");
        threads.setConcurrencyLimit(PARTITIONS);
        handler.setTaskExecutor(threads);
        return new StepBuilder("countManager", jobRepository)
                .partitioner("countWorker", counterPartitioner)
                .partitionHandler(handler)
                .build();
    }

    /** Step-scoped: the table exists only once {@code prepareCounters} ran. */
    @Bean
    @StepScope
    public Partitioner counterPartitioner(DataSource dataSource) {
        return KeyRangePartitioner.of(ids(dataSource));
    }

    @Bean
    public Step countWorker(JobRepository jobRepository, PlatformTransactionManager transactionManager,
            JdbcKeysetItemReader<Long> counterReader, JdbcBatchItemWriter<Long> counterWriter) {
        return new StepBuilder("countWorker", jobRepository).<Long, Long>chunk(CHUNK)
                .reader(counterReader)
                .writer(counterWriter)
                .transactionManager(transactionManager)
                .build();
    }

    /** One reader per partition (step scope); it finds its key range in the partition's context. */
    @Bean
    @StepScope
    public JdbcKeysetItemReader<Long> counterReader(DataSource dataSource) {
        return new JdbcKeysetItemReaderBuilder<Long>().name("counterIds").pager(ids(dataSource)).build();
    }

    @Bean
    public JdbcBatchItemWriter<Long> counterWriter(DataSource dataSource) {
        return new JdbcBatchItemWriterBuilder<Long>()
                .dataSource(dataSource)
                .sql("UPDATE " + TABLE + " SET counter = counter + 1 WHERE id = ?")
                .itemPreparedStatementSetter((id, statement) -> statement.setLong(1, id))
                .build();
    }

    /** The ids of the table, in key order: what the partitioner splits and each partition's reader walks. */
    static JdbcKeysetPager<Long> ids(DataSource dataSource) {
        return JdbcKeysetPager.select(dataSource, "id", row -> row.getLong(1))
                .from(TABLE).orderBy(SortKey.asc("id")).pageSize(CHUNK).open();
    }

    /** (Re)creates the table: {@code rows} items (the samples' item rows) with a counter of 0 each. */
    static void create(DataSource dataSource, long rows) throws SQLException {
        // a connection of its own, outside the step's transaction: DDL commits implicitly in MySQL
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            ItemTable.create(c, TABLE, rows);
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN counter INT NOT NULL DEFAULT 0");
        }
    }
}
