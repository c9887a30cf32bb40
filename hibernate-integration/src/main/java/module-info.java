/**
 * Batchwise for Hibernate ORM and Jakarta Persistence: {@code YieldPer}, {@code EntityPager},
 * {@code EntityMigration} and the server dialects, in {@code io.batchwise.hibernate}; Spring Batch
 * readers and a partitioner in {@code io.batchwise.hibernate.spring.batch} (Spring Batch optional).
 * {@code io.batchwise.hibernate.internal} is not exported.
 */
module io.batchwise.hibernate {
    requires transitive io.batchwise.core;
    requires transitive org.hibernate.orm.core;
    requires transitive jakarta.persistence;
    requires java.naming; // SessionFactory is a javax.naming.Referenceable
    // Spring Batch readers and partitioner: optional, present only in applications that use Spring Batch
    requires static spring.batch.core;
    requires static spring.batch.infrastructure;
    requires static spring.beans;

    exports io.batchwise.hibernate;
    exports io.batchwise.hibernate.spring.batch;
}
