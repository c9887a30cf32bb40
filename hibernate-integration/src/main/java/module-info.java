/**
 * Batchwise for Hibernate ORM and Jakarta Persistence: {@code YieldPer}, {@code EntityPager},
 * {@code EntityMigration} and the server dialects, in {@code io.batchwise.hibernate}; Jakarta Data
 * repositories' walks and pages in {@code io.batchwise.hibernate.jakarta.data} (needs {@code jakarta.data});
 * the Spring Data JPA integration in {@code io.batchwise.hibernate.spring.data}; Spring Batch readers
 * and a partitioner in {@code io.batchwise.hibernate.spring.batch}. The framework modules are
 * optional ({@code requires static}): an application without them needs none.
 * {@code io.batchwise.hibernate.internal} is not exported.
 */
module io.batchwise.hibernate {
    requires transitive io.batchwise.core;
    requires transitive org.hibernate.orm.core;
    requires transitive jakarta.persistence;
    requires java.naming; // SessionFactory is a javax.naming.Referenceable
    // Jakarta Data is optional: only io.batchwise.hibernate.jakarta.data uses it
    requires static jakarta.data;

    // Spring (optional integrations): only io.batchwise.hibernate.spring.data touches them
    requires static spring.core;
    requires static spring.beans;
    requires static spring.context;
    requires static spring.aop;
    requires static spring.tx;
    requires static spring.orm;
    requires static spring.data.commons;
    requires static spring.data.jpa;
    requires static spring.batch.core;
    requires static spring.batch.infrastructure;

    exports io.batchwise.hibernate;
    exports io.batchwise.hibernate.jakarta.data;
    exports io.batchwise.hibernate.spring.data;
    exports io.batchwise.hibernate.spring.batch;
    // Spring Data calls the fragment's implementation (a package-private class) reflectively
    opens io.batchwise.hibernate.spring.data to spring.core, spring.data.commons;
}
