/**
 * Batchwise for Hibernate ORM and Jakarta Persistence: {@code YieldPer}, {@code EntityPager},
 * {@code EntityMigration} and the server dialects, in {@code io.batchwise.hibernate}; Jakarta Data
 * repositories' walks and pages in {@code io.batchwise.hibernate.jakarta.data} (needs {@code jakarta.data}).
 * {@code io.batchwise.hibernate.internal} is not exported.
 */
module io.batchwise.hibernate {
    requires transitive io.batchwise.core;
    requires transitive org.hibernate.orm.core;
    requires transitive jakarta.persistence;
    requires java.naming; // SessionFactory is a javax.naming.Referenceable
    // Jakarta Data is optional: only io.batchwise.hibernate.jakarta.data uses it
    requires static jakarta.data;

    exports io.batchwise.hibernate;
    exports io.batchwise.hibernate.jakarta.data;
}
