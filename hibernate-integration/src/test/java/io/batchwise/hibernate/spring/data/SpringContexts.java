package io.batchwise.hibernate.spring.data;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.persistenceunit.PersistenceManagedTypes;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

import io.batchwise.hibernate.ServerDialect;
import io.batchwise.hibernate.fixtures.Item;

/** Spring application contexts over a test pool, configured as a Spring (non-Boot) user would. */
final class SpringContexts {
    private SpringContexts() {
    }

    /** A started context: the pool, a JPA persistence unit of {@link Item}, a JpaTransactionManager, and {@code configuration}. */
    static AnnotationConfigApplicationContext start(DataSource dataSource, Class<?>... configuration) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        // the test schema's pool outlives the context: not closed with it
        context.registerBean("dataSource", DataSource.class, () -> new DelegatingDataSource(dataSource));
        context.register(Jpa.class);
        context.register(configuration);
        try {
            context.refresh();
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        return context;
    }

    static class Jpa {
        @Bean
        LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
            LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
            factory.setDataSource(dataSource);
            factory.setManagedTypes(PersistenceManagedTypes.of(Item.class.getName()));
            factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
            factory.getJpaPropertyMap().put("hibernate.dialect", ServerDialect.of(dataSource));
            factory.getJpaPropertyMap().put("hibernate.hbm2ddl.auto", "none");
            return factory;
        }

        @Bean
        JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
            return new JpaTransactionManager(entityManagerFactory);
        }
    }
}
