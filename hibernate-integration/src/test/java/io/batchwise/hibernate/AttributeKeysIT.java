package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import jakarta.persistence.metamodel.EmbeddableType;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.SingularAttribute;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.Address;
import io.batchwise.hibernate.fixtures.CompositeIdTables;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Shipment;
import io.batchwise.hibernate.fixtures.Tricky;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;
import io.batchwise.testing.TrickyTable;

/**
 * Keys from the JPA metamodel page exactly as their string forms. The attributes are the runtime
 * metamodel's, the objects Hibernate puts into the generated {@code Tricky_} / {@code Shipment_}
 * fields when it starts.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60)
class AttributeKeysIT {
    static SessionFactory factory;

    @BeforeAll
    static void tables(TestSchema schema) throws Exception {
        TrickyTable.create(schema, 300);
        CompositeIdTables.createShipments(schema, 300);
        factory = SessionFactories.create(schema.dataSource(JdbcDriver.MARIADB_CONNECTOR_J));
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    static SingularAttribute<?, ?> attribute(Class<?> entity, String name) {
        EntityType<?> type = factory.getMetamodel().entity(entity);
        return type.getSingularAttribute(name);
    }

    static <E> List<Object> walk(Class<E> entity, SortKey key, Function<E, Object> id) {
        List<Object> ids = new ArrayList<>();
        try (Session session = factory.openSession();
                KeysetWalk<E> walk = EntityPager.of(factory, entity).orderBy(key).pageSize(17).open()
                        .walk(session, null)) {
            walk.forEachRemaining(e -> ids.add(id.apply(e)));
        }
        return ids;
    }

    @Test
    void aMetamodelKeyPagesAsItsStringForm() {
        SortKey typed = AttributeKeys.desc(attribute(Tricky.class, "createdAt"));
        assertEquals(SortKey.desc("createdAt"), typed);
        List<Object> ids = walk(Tricky.class, typed, Tricky::getId);
        assertEquals(300, ids.size());
        assertEquals(walk(Tricky.class, SortKey.desc("createdAt"), Tricky::getId), ids);
    }

    @Test
    void anEmbeddableAndItsPartMakeAPathKey() {
        EmbeddableType<Address> address = factory.getMetamodel().embeddable(Address.class);
        SortKey typed = AttributeKeys.asc(attribute(Shipment.class, "origin"), address.getSingularAttribute("city"));
        assertEquals(SortKey.asc("origin.city"), typed);
        assertEquals(walk(Shipment.class, SortKey.asc("origin.city"), Shipment::getId),
                walk(Shipment.class, typed, Shipment::getId));
    }

    @Test
    void aBrokenPathIsRefusedWithTheFix() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, AttributeKeys::asc);
        assertTrue(empty.getMessage().startsWith("path must name at least one attribute, was empty"), empty.getMessage());
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> AttributeKeys.desc((SingularAttribute<?, ?>) null));
        assertTrue(unset.getMessage().startsWith("path[0] must not be null; the static metamodel is filled when the"
                + " SessionFactory starts"), unset.getMessage());
        EmbeddableType<Address> address = factory.getMetamodel().embeddable(Address.class);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> AttributeKeys.asc(attribute(Tricky.class, "createdAt"), address.getSingularAttribute("city")));
        assertTrue(wrong.getMessage().startsWith("path[1] is Address.city, which is not an attribute of"
                + " LocalDateTime, the type of path[0] (Tricky.createdAt)"), wrong.getMessage());
    }
}
