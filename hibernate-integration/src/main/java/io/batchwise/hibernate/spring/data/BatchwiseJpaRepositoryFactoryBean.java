package io.batchwise.hibernate.spring.data;

import java.util.function.Supplier;

import jakarta.persistence.EntityManager;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.data.jpa.repository.support.JpaRepositoryFactoryBean;
import org.springframework.data.jpa.repository.support.JpaRepositoryFragmentsContributor;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.core.support.RepositoryFactorySupport;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Spring Data JPA's repository factory bean, plus Batchwise: {@link BatchwiseStream} query methods
 * and the {@link KeysetRepository} fragment. Everything else is Spring Data's, unchanged.
 *
 * <pre>{@code
 * @Configuration
 * @EnableJpaRepositories(repositoryFactoryBeanClass = BatchwiseJpaRepositoryFactoryBean.class)
 * class Repositories {
 * }
 * }</pre>
 *
 * <p>With Spring Boot no configuration is needed: the auto-configuration in this jar
 * ({@link BatchwiseRepositoriesConfiguration}) makes every repository Boot registers with Spring
 * Data's default factory bean with this one instead.
 *
 * <p>{@link KeysetRepository} tokens are made as the context's {@link KeysetTokens} bean says, if
 * it has one.
 *
 * <p>Transactions that {@link BatchwiseStream} methods and {@link KeysetRepository} begin use the
 * repository's transaction manager: the bean named by
 * {@code @EnableJpaRepositories(transactionManagerRef)}, {@code "transactionManager"} by default.
 *
 * @param <T> the repository type
 * @param <S> the entity type
 * @param <ID> the id type
 */
public class BatchwiseJpaRepositoryFactoryBean<T extends Repository<S, ID>, S, ID>
        extends JpaRepositoryFactoryBean<T, S, ID> {
    private static final String DEFAULT_TRANSACTION_MANAGER = "transactionManager";

    private BeanFactory beanFactory;
    private String transactionManagerName = DEFAULT_TRANSACTION_MANAGER;

    /**
     * For Spring Data's repository configuration.
     *
     * @param repositoryInterface the repository interface
     */
    public BatchwiseJpaRepositoryFactoryBean(Class<? extends T> repositoryInterface) {
        super(repositoryInterface);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        this.beanFactory = beanFactory;
    }

    @Override
    public void setTransactionManager(String transactionManager) {
        super.setTransactionManager(transactionManager);
        this.transactionManagerName = transactionManager == null ? DEFAULT_TRANSACTION_MANAGER : transactionManager;
    }

    @Override
    protected RepositoryFactorySupport createRepositoryFactory(EntityManager entityManager) {
        RepositoryFactorySupport factory = super.createRepositoryFactory(StreamingQueries.entityManager(entityManager));
        factory.addRepositoryProxyPostProcessor(new StreamingMethods(transactionManager()));
        return factory;
    }

    @Override
    public JpaRepositoryFragmentsContributor getRepositoryFragmentsContributor() {
        return super.getRepositoryFragmentsContributor()
                .andThen(KeysetRepositoryFragment.contributor(transactionManager(), tokens()));
    }

    /** The context's {@link KeysetTokens} bean, or the defaults; looked up once, when first needed. */
    private Supplier<KeysetTokens> tokens() {
        return new Supplier<>() {
            private volatile KeysetTokens tokens;

            @Override
            public KeysetTokens get() {
                KeysetTokens found = tokens;
                if (found == null) {
                    found = beanFactory == null ? KeysetTokens.defaults()
                            : beanFactory.getBeanProvider(KeysetTokens.class).getIfAvailable(KeysetTokens::defaults);
                    tokens = found;
                }
                return found;
            }
        };
    }

    /** The repository's transaction manager, looked up when first needed (after the context has started). */
    private Supplier<PlatformTransactionManager> transactionManager() {
        return () -> {
            if (beanFactory == null) {
                throw new IllegalStateException("BatchwiseJpaRepositoryFactoryBean has no BeanFactory; create"
                        + " repositories through Spring Data's repository configuration (@EnableJpaRepositories)");
            }
            try {
                return beanFactory.getBean(transactionManagerName, PlatformTransactionManager.class);
            } catch (NoSuchBeanDefinitionException e) {
                throw new IllegalStateException("Batchwise repositories begin transactions with the transaction"
                        + " manager \"" + transactionManagerName + "\", but there is no such bean; declare a"
                        + " JpaTransactionManager bean of that name, or name yours in"
                        + " @EnableJpaRepositories(transactionManagerRef = ...)", e);
            }
        };
    }
}
