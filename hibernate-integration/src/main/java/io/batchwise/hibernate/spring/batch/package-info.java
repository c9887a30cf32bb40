/**
 * Spring Batch readers and a partitioner over the Batchwise walkers (an optional dependency: only
 * applications that use Spring Batch 6 need it on the class path).
 *
 * <ul>
 *   <li>{@link io.batchwise.hibernate.spring.batch.EntityKeysetItemReader} and
 *       {@link io.batchwise.hibernate.spring.batch.JdbcKeysetItemReader}: restartable keyset readers
 *       that store the pager's token in the step's execution context, so a restart seeks to the last
 *       committed chunk instead of counting items;</li>
 *   <li>{@link io.batchwise.hibernate.spring.batch.YieldPerItemReader}: a streaming reader for
 *       single-pass steps;</li>
 *   <li>{@link io.batchwise.hibernate.spring.batch.KeyRangePartitioner}: key ranges at quantiles,
 *       one execution context per range.</li>
 * </ul>
 */
package io.batchwise.hibernate.spring.batch;
