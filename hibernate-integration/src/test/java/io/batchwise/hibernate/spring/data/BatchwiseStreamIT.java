package io.batchwise.hibernate.spring.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.persistence.EntityManagerFactory;

import org.hibernate.engine.spi.SessionImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;
import org.springframework.data.repository.Repository;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.batchwise.core.JdbcDriver;
import io.batchwise.hibernate.AfterBatch;
import io.batchwise.hibernate.fixtures.Item;
import io.batchwise.testing.ItemTable;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/** {@link BatchwiseStream} on Spring Data JPA repositories, with Spring's JpaTransactionManager, both drivers. */
@ExtendWith(MySqlServerExtension.class)
class BatchwiseStreamIT {
    static final int ROWS = 3_456;
    static final int BATCH = 100;
    static final Map<JdbcDriver, AnnotationConfigApplicationContext> CONTEXTS = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;
    static long expectedChecksum;
    static List<Long> bigIds;

    interface ItemRepository extends JpaRepository<Item, Long> {
        @BatchwiseStream(batchSize = BATCH)
        Stream<Item> findByAmountGreaterThanEqualOrderById(BigDecimal min);

        @BatchwiseStream(batchSize = BATCH)
        @Query("select i from Item i order by i.id")
        Stream<Item> everyItem();

        @BatchwiseStream(afterBatch = AfterBatch.FLUSH_AND_CLEAR)
        @Query("select i from Item i order by i.id")
        Stream<Item> everyItemFlushing();

        /** Spring Data's own stream, for comparison. */
        Stream<Item> findAllByOrderById();
    }

    interface ListRepository extends Repository<Item, Long> {
        @BatchwiseStream
        List<Item> findByCategory(String category);
    }

    interface ZeroBatchRepository extends Repository<Item, Long> {
        @BatchwiseStream(batchSize = 0)
        Stream<Item> findByCategory(String category);
    }

    interface NegativeFetchRepository extends Repository<Item, Long> {
        @BatchwiseStream(fetchSize = -7)
        Stream<Item> findByCategory(String category);
    }

    interface CrudMethodRepository extends JpaRepository<Item, Long> {
        @BatchwiseStream
        @Override
        List<Item> findAll();
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ItemRepository.class))
    static class Explicit {
    }

    /** As Spring Boot's auto-configuration runs it: Spring Data's default factory bean, swapped. */
    @EnableJpaRepositories(considerNestedRepositories = true,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ItemRepository.class))
    @Import(BatchwiseRepositoriesConfiguration.class)
    static class AutoConfigured {
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ListRepository.class))
    static class ListConfig {
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ZeroBatchRepository.class))
    static class ZeroBatchConfig {
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = NegativeFetchRepository.class))
    static class NegativeFetchConfig {
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = CrudMethodRepository.class))
    static class CrudMethodConfig {
    }

    /** A custom factory bean of the application's own, which the auto-configuration cannot swap. */
    static class CustomFactoryBean<T extends Repository<S, ID>, S, ID> extends JpaRepositoryFactoryBean<T, S, ID> {
        CustomFactoryBean(Class<? extends T> repositoryInterface) {
            super(repositoryInterface);
        }
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = CustomFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ItemRepository.class))
    @Import(BatchwiseRepositoriesConfiguration.class)
    static class CustomFactoryConfig {
    }

    @BeforeAll
    static void createFixtures(TestSchema testSchema) throws Exception {
        schema = testSchema;
        bigIds = new ArrayList<>();
        try (Connection c = schema.server().connect(schema.name())) {
            ItemTable.create(c, "item", ROWS);
            expectedChecksum = ItemTable.expectedChecksum(c, "item");
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("select id from item where amount >= 10 order by id")) {
                while (r.next()) {
                    bigIds.add(r.getLong(1));
                }
            }
        }
        assertTrue(bigIds.size() > 2 * BATCH && bigIds.size() < ROWS, "the filter selects several batches, not all");
    }

    @AfterAll
    static void closeContexts() {
        CONTEXTS.values().forEach(AnnotationConfigApplicationContext::close);
        CONTEXTS.clear();
    }

    static AnnotationConfigApplicationContext context(JdbcDriver driver) {
        return CONTEXTS.computeIfAbsent(driver, d -> SpringContexts.start(schema.dataSource(d), Explicit.class));
    }

    /** The persistence context of the transaction bound to this thread: the walk's. */
    static int managedEntities(AnnotationConfigApplicationContext context) {
        EntityManagerFactory factory = context.getBean(EntityManagerFactory.class);
        return EntityManagerFactoryUtils.getTransactionalEntityManager(factory).unwrap(SessionImplementor.class)
                .getPersistenceContextInternal().getNumberOfManagedEntities();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void derivedStreamRunsWithoutATransactionInAReadOnlyOneThatEndsWithTheLastRowAndHoldsOneBatch(JdbcDriver driver) {
        AnnotationConfigApplicationContext context = context(driver);
        ItemRepository repository = context.getBean(ItemRepository.class);
        assertFalse(TransactionSynchronizationManager.isActualTransactionActive());

        List<Long> ids = new ArrayList<>();
        int mostManaged = 0;
        Iterator<Item> items = repository.findByAmountGreaterThanEqualOrderById(new BigDecimal("10")).iterator();
        while (items.hasNext()) {
            Item item = items.next();
            ids.add(item.getId());
            assertTrue(TransactionSynchronizationManager.isCurrentTransactionReadOnly(), "read-only while it streams");
            mostManaged = Math.max(mostManaged, managedEntities(context));
        }
        assertEquals(bigIds, ids, "every selected row once, in order");
        assertTrue(mostManaged <= BATCH, "the persistence context held " + mostManaged + " entities, batch " + BATCH);
        assertTrue(mostManaged > 0, "the entities are managed while their batch is read");
        assertFalse(TransactionSynchronizationManager.isActualTransactionActive(),
                "the stream's own transaction ended with its last row, without close()");
        assertEquals(0, schema.borrowedConnections(), "no connection left borrowed");
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void queryStreamReadsEveryRowWhereSpringDataRefusesWithoutATransaction(JdbcDriver driver) {
        ItemRepository repository = context(driver).getBean(ItemRepository.class);
        long checksum;
        long count;
        try (Stream<Item> items = repository.everyItem()) {
            long[] sums = new long[2];
            items.forEach(item -> {
                sums[0] += item.checksum();
                sums[1]++;
            });
            checksum = sums[0];
            count = sums[1];
        }
        assertEquals(ROWS, count);
        assertEquals(expectedChecksum, checksum);

        InvalidDataAccessApiUsageException refused = assertThrows(InvalidDataAccessApiUsageException.class,
                repository::findAllByOrderById, "Spring Data's own stream needs a surrounding transaction");
        assertTrue(refused.getMessage().contains("transaction"), refused.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void insideTheCallersTransactionAnEarlyCloseLeavesItUsable(JdbcDriver driver) {
        AnnotationConfigApplicationContext context = context(driver);
        ItemRepository repository = context.getBean(ItemRepository.class);
        TransactionTemplate template = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        long[] afterClose = new long[2];
        template.executeWithoutResult(status -> {
            try (Stream<Item> items = repository.everyItem()) {
                afterClose[0] = items.limit(10).count();
            }
            assertTrue(TransactionSynchronizationManager.isActualTransactionActive(), "the caller's transaction stays");
            afterClose[1] = repository.count();   // the connection serves the next statement
        });
        assertEquals(10, afterClose[0]);
        assertEquals(ROWS, afterClose[1]);
        assertEquals(0, schema.borrowedConnections());
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void theAutoConfigurationMakesSpringDatasDefaultRepositoriesStream(JdbcDriver driver) {
        try (AnnotationConfigApplicationContext context = SpringContexts.start(schema.dataSource(driver),
                AutoConfigured.class)) {
            ItemRepository repository = context.getBean(ItemRepository.class);
            try (Stream<Item> items = repository.findByAmountGreaterThanEqualOrderById(new BigDecimal("10"))) {
                assertEquals(bigIds, items.map(Item::getId).toList());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J"})
    void misuseIsRefusedAtStartupOrBeforeAnySql(JdbcDriver driver) {
        assertStartupRefused(driver, ListConfig.class, "@BatchwiseStream on ListRepository.findByCategory(String)"
                + " needs a method that returns java.util.stream.Stream, but it returns java.util.List");
        assertStartupRefused(driver, ZeroBatchConfig.class,
                "@BatchwiseStream on ZeroBatchRepository.findByCategory(String): batchSize must be >= 1, was 0");
        assertStartupRefused(driver, NegativeFetchConfig.class,
                "@BatchwiseStream on NegativeFetchRepository.findByCategory(String): fetchSize");
        assertStartupRefused(driver, CrudMethodConfig.class, "@BatchwiseStream on CrudMethodRepository.findAll()");
        assertStartupRefused(driver, CustomFactoryConfig.class, "needs a Batchwise repository, but the repository");

        ItemRepository repository = context(driver).getBean(ItemRepository.class);
        InvalidDataAccessApiUsageException flushing = assertThrows(InvalidDataAccessApiUsageException.class,
                repository::everyItemFlushing, "refused as Spring Data refuses a stream without a transaction");
        assertEquals("@BatchwiseStream(afterBatch = FLUSH_AND_CLEAR) on ItemRepository.everyItemFlushing() writes"
                + " each batch, so it needs the caller's read-write transaction, but none is active; call it inside"
                + " @Transactional or a TransactionTemplate", flushing.getMessage());
    }

    private static void assertStartupRefused(JdbcDriver driver, Class<?> configuration, String message) {
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> SpringContexts.start(schema.dataSource(driver), configuration).close());
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
            cause = cause.getCause();
        }
        assertTrue(failure instanceof BeanCreationException || cause instanceof IllegalStateException, failure.toString());
        assertTrue(cause.getMessage().contains(message), "expected \"" + message + "\" in: " + cause.getMessage());
    }
}
