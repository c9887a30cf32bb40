package io.batchwise.samples.bench;

import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.QueryHint;

import org.hibernate.jpa.HibernateHints;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.QueryHints;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.data.repository.Repository;
import org.springframework.data.support.WindowIterator;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.support.TransactionTemplate;

import io.batchwise.hibernate.spring.data.BatchwiseJpaRepositoryFactoryBean;
import io.batchwise.hibernate.spring.data.BatchwiseStream;
import io.batchwise.hibernate.spring.data.KeysetRepository;
import io.batchwise.samples.Item;
import io.batchwise.samples.SampleDatabase;

/**
 * The Spring Data JPA rows of the benchmark: a Spring context (JpaTransactionManager, Batchwise
 * repositories) started before the clock, and each method written as a Spring Data user writes it.
 */
final class SpringDataProbe implements AutoCloseable {
    static final Sort BY_ID = Sort.by("id");

    /** The benchmark's repository: Spring Data's own methods next to Batchwise's. */
    interface ItemRepository extends Repository<Item, Long>, KeysetRepository<Item> {
        /** Spring Data's stream, as documented: needs a surrounding transaction. */
        Stream<Item> findAllByOrderById();

        /** The workaround users are given: a streaming fetch size hint, read-only entities (they detach each). */
        @QueryHints({@QueryHint(name = HibernateHints.HINT_FETCH_SIZE, value = "" + Integer.MIN_VALUE),
                @QueryHint(name = HibernateHints.HINT_READ_ONLY, value = "true")})
        Stream<Item> readAllByOrderById();

        /** The same query with Batchwise: the annotation is the change. */
        @BatchwiseStream(batchSize = Method.PAGE)
        Stream<Item> streamAllByOrderById();

        /** Spring Data's own keyset scrolling. */
        Window<Item> findFirst1000ByOrderByIdAsc(ScrollPosition position);
    }

    @EnableJpaRepositories(considerNestedRepositories = true, repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class,
            includeFilters = @Filter(type = FilterType.ASSIGNABLE_TYPE, classes = ItemRepository.class))
    static class Jpa {
        @Bean
        LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
            LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
            factory.setDataSource(dataSource);
            factory.setManagedTypes(PersistenceManagedTypes.of(Item.class.getName()));
            factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
            factory.getJpaPropertyMap().putAll(SampleDatabase.hibernateSettings(dataSource));
            return factory;
        }

        @Bean
        JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
            return new JpaTransactionManager(entityManagerFactory);
        }
    }

    private final AnnotationConfigApplicationContext context;
    private final ItemRepository items;
    private final TransactionTemplate readOnly;

    SpringDataProbe(DataSource dataSource) {
        context = new AnnotationConfigApplicationContext();
        context.registerBean("dataSource", DataSource.class, () -> new DelegatingDataSource(dataSource));
        context.register(Jpa.class);
        context.refresh();
        items = context.getBean(ItemRepository.class);
        readOnly = new TransactionTemplate(context.getBean(JpaTransactionManager.class));
        readOnly.setReadOnly(true);
    }

    /** Reads every item with {@code method}, handing each to {@code tally}. */
    void run(Method method, Consumer<Item> tally) {
        switch (method) {
            case SPRING_DATA_STREAM -> readOnly.executeWithoutResult(status -> {
                try (Stream<Item> all = items.findAllByOrderById()) {
                    all.forEach(tally);
                }
            });
            case SPRING_DATA_STREAM_HINTED -> readOnly.executeWithoutResult(status -> {
                EntityManager entityManager = EntityManagerFactoryUtils.getTransactionalEntityManager(
                        context.getBean(EntityManagerFactory.class));
                try (Stream<Item> all = items.readAllByOrderById()) {
                    all.forEach(item -> {
                        tally.accept(item);
                        entityManager.detach(item);
                    });
                }
            });
            case SPRING_DATA_BATCHWISE_STREAM -> {
                try (Stream<Item> all = items.streamAllByOrderById()) {
                    all.forEach(tally);
                }
            }
            case SPRING_DATA_WINDOW -> WindowIterator.of(items::findFirst1000ByOrderByIdAsc)
                    .startingAt(ScrollPosition.keyset()).forEachRemaining(tally);
            case SPRING_DATA_KEYSET_FRAGMENT -> WindowIterator.of(position -> items.keysetWindow(position, BY_ID, Method.PAGE))
                    .startingAt(ScrollPosition.keyset()).forEachRemaining(tally);
            default -> throw new IllegalArgumentException("method must be a Spring Data method, was " + method.id);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
