/**
 * Batchwise for Hibernate ORM and Jakarta Persistence: {@code YieldPer}, {@code EntityPager},
 * {@code EntityMigration} and the server dialects, in {@code io.batchwise.hibernate}.
 * {@code io.batchwise.hibernate.internal} is not exported.
 */
module io.batchwise.hibernate {
    requires transitive io.batchwise.core;
    requires transitive org.hibernate.orm.core;
    requires transitive jakarta.persistence;
    requires java.naming; // SessionFactory is a javax.naming.Referenceable

    exports io.batchwise.hibernate;
}
