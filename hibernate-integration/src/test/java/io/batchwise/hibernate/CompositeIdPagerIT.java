package io.batchwise.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.batchwise.core.IndexCheck;
import io.batchwise.core.JdbcDriver;
import io.batchwise.core.KeysetWalk;
import io.batchwise.core.Page;
import io.batchwise.core.SortKey;
import io.batchwise.hibernate.fixtures.CompositeIdTables;
import io.batchwise.hibernate.fixtures.Enrollment;
import io.batchwise.hibernate.fixtures.SessionFactories;
import io.batchwise.hibernate.fixtures.Shipment;
import io.batchwise.testing.MySqlServerExtension;
import io.batchwise.testing.TestSchema;

/**
 * Composite ids: {@link Shipment} has an {@code @EmbeddedId} (paths {@code id.carrier}, {@code id.number}),
 * {@link Enrollment} an {@code @IdClass} of three attributes, one a {@code short}, with a primary key
 * declared in an order other than the attributes' alphabetical one. Sorted by keys that repeat, both
 * walk and pages (forward, backward, resumed in another session factory) give every row once, in the
 * server's own order, on both drivers.
 */
@ExtendWith(MySqlServerExtension.class)
@Timeout(60) // a keyset walk that loops fails here, with its name
class CompositeIdPagerIT {
    static final int SHIPMENTS = 403;
    static final int ENROLLMENTS = 397;
    static final Map<JdbcDriver, SessionFactory> FACTORIES = new EnumMap<>(JdbcDriver.class);
    static TestSchema schema;

    @BeforeAll
    static void createTables(TestSchema testSchema) throws Exception {
        schema = testSchema;
        CompositeIdTables.createShipments(schema, SHIPMENTS);
        CompositeIdTables.createEnrollments(schema, ENROLLMENTS);
    }

    @AfterAll
    static void closeFactories() {
        FACTORIES.values().forEach(SessionFactory::close);
        FACTORIES.clear();
    }

    static SessionFactory factory(JdbcDriver driver) {
        return FACTORIES.computeIfAbsent(driver, d -> SessionFactories.create(schema.dataSource(d)));
    }

    static <T> List<String> walk(SessionFactory factory, EntityPager<T> pager, Function<T, String> id) {
        List<String> seen = new ArrayList<>();
        try (Session session = factory.openSession(); KeysetWalk<T> walk = pager.walk(session, null)) {
            walk.forEachRemaining(row -> seen.add(id.apply(row)));
        }
        return seen;
    }

    static String shipment(Shipment s) {
        return s.getId().toString();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksAnEmbeddedIdEntityByARepeatingTimestampWithBothIdPartsAsTiebreaker(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.asc("shippedAt"))
                .pageSize(7).open();
        assertEquals("(shippedAt ASC, id.carrier ASC, id.number ASC unique)", pager.order().toString());
        assertTrue(pager.indexAdvice().isEmpty(), "(shipped_at) + the primary key serves it: " + pager.indexAdvice());
        List<String> expected = CompositeIdTables.shipmentsInServerOrder(schema,
                "shipped_at, carrier_code, shipment_no");
        assertEquals(SHIPMENTS, expected.size());
        assertEquals(expected, walk(factory, pager, CompositeIdPagerIT::shipment));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void sortsByTwoEmbeddablesWhosePartsShareANameNullableAndEqualByCollation(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class)
                .orderBy(SortKey.asc("origin.city"), SortKey.asc("destination.city")).pageSize(11).open();
        assertEquals("(origin.city ASC, destination.city ASC NULLS FIRST, id.carrier ASC, id.number ASC unique)",
                pager.order().toString());
        assertTrue(pager.indexAdvice().isEmpty(), pager.indexAdvice().toString());
        assertEquals(CompositeIdTables.shipmentsInServerOrder(schema,
                "origin_city, destination_city, carrier_code, shipment_no"),
                walk(factory, pager, CompositeIdPagerIT::shipment));
    }

    @Test
    void theWholeEmbeddedIdSortsByItsPartsInPrimaryKeyOrder() throws Exception {
        SessionFactory factory = factory(JdbcDriver.MARIADB_CONNECTOR_J);
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.desc("id"))
                .pageSize(50).open();
        assertEquals("(id.carrier DESC, id.number DESC unique)", pager.order().toString());
        assertEquals(CompositeIdTables.shipmentsInServerOrder(schema, "carrier_code DESC, shipment_no DESC"),
                walk(factory, pager, CompositeIdPagerIT::shipment));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void pagesAnEmbeddedIdEntityForwardBackwardAndResumesInAnotherSessionFactory(JdbcDriver driver) throws Exception {
        List<String> all = CompositeIdTables.shipmentsInServerOrder(schema,
                "shipped_at DESC, carrier_code DESC, shipment_no DESC");
        SessionFactory factory = factory(driver);
        EntityPager<Shipment> pager = EntityPager.of(factory, Shipment.class).orderBy(SortKey.desc("shippedAt"))
                .pageSize(10).open();
        String resume;
        try (Session session = factory.openSession()) {
            Page<Shipment> first = pager.page(session, null);
            Page<Shipment> second = pager.page(session, first.nextToken());
            Page<Shipment> third = pager.page(session, second.nextToken());
            assertEquals(all.subList(0, 30), ids(List.of(first, second, third)));
            Page<Shipment> back = pager.page(session, third.previousToken());
            assertEquals(second.content().stream().map(CompositeIdPagerIT::shipment).toList(), ids(List.of(back)));
            Page<Shipment> backAgain = pager.page(session, back.previousToken());
            assertEquals(all.subList(0, 10), ids(List.of(backAgain)));
            assertFalse(backAgain.hasPrevious());
            resume = third.nextToken();
        }
        JdbcDriver other = driver == JdbcDriver.MYSQL_CONNECTOR_J ? JdbcDriver.MARIADB_CONNECTOR_J
                : JdbcDriver.MYSQL_CONNECTOR_J;
        List<String> rest = new ArrayList<>();
        try (SessionFactory fresh = SessionFactories.create(schema.dataSource(other));
                StatelessSession session = fresh.openStatelessSession();
                KeysetWalk<Shipment> walk = EntityPager.of(fresh, Shipment.class).orderBy(SortKey.desc("shippedAt"))
                        .pageSize(10).open().walk(session, resume)) {
            walk.forEachRemaining(s -> rest.add(shipment(s)));
        }
        assertEquals(all.subList(30, all.size()), rest);
    }

    static List<String> ids(List<Page<Shipment>> pages) {
        return pages.stream().flatMap(p -> p.content().stream()).map(CompositeIdPagerIT::shipment).toList();
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void walksAnIdClassEntityWithTheTiebreakerInPrimaryKeyOrderSoTheIndexServesIt(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Enrollment> pager = EntityPager.of(factory, Enrollment.class).orderBy(SortKey.asc("enrolledOn"))
                .pageSize(13).open();
        // the attributes sort as section, student, term; the primary key is (term_code, section, student_id)
        assertEquals("(enrolledOn ASC, term ASC, section ASC, student ASC unique)", pager.order().toString());
        assertTrue(pager.indexAdvice().isEmpty(), pager.indexAdvice().toString());
        assertEquals(CompositeIdTables.enrollmentsInServerOrder(schema, null,
                "enrolled_on, term_code, section, student_id"), walk(factory, pager, Enrollment::key));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void anIdClassEntityByANullableDescendingKeyTakesTheDescendingTiebreakerItsIndexHas(JdbcDriver driver)
            throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Enrollment> pager = EntityPager.of(factory, Enrollment.class).orderBy(SortKey.desc("grade"))
                .pageSize(9).open();
        assertEquals("(grade DESC NULLS LAST, term DESC, section DESC, student DESC unique)", pager.order().toString());
        assertTrue(pager.indexAdvice().isEmpty(), pager.indexAdvice().toString());
        assertEquals(CompositeIdTables.enrollmentsInServerOrder(schema, null,
                "grade DESC, term_code DESC, section DESC, student_id DESC"), walk(factory, pager, Enrollment::key));
    }

    @Test
    void withoutTheIndexCheckTheTiebreakerTakesTheMappingOrderAndStillGivesEveryRowOnce() throws Exception {
        SessionFactory factory = factory(JdbcDriver.MYSQL_CONNECTOR_J);
        EntityPager<Enrollment> pager = EntityPager.of(factory, Enrollment.class).orderBy(SortKey.asc("enrolledOn"))
                .indexCheck(IndexCheck.OFF).pageSize(13).open();
        assertEquals("(enrolledOn ASC, section ASC, student ASC, term ASC unique)", pager.order().toString());
        assertEquals(CompositeIdTables.enrollmentsInServerOrder(schema, null,
                "enrolled_on, section, student_id, term_code"), walk(factory, pager, Enrollment::key));
    }

    @ParameterizedTest
    @EnumSource(value = JdbcDriver.class, names = {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"})
    void shortAndEnumKeysTravelInTokensAndComeBackAsTheirOwnTypes(JdbcDriver driver) throws Exception {
        SessionFactory factory = factory(driver);
        EntityPager<Enrollment> pager = EntityPager.of(factory, Enrollment.class)
                .orderBy(SortKey.asc("status"), SortKey.desc("section")).pageSize(25).open();
        List<String> expected = CompositeIdTables.enrollmentsInServerOrder(schema, null,
                "status, section DESC, term_code DESC, student_id DESC");
        List<String> forward = new ArrayList<>();
        List<Page<Enrollment>> pages = new ArrayList<>();
        try (Session session = factory.openSession()) {
            Page<Enrollment> page = pager.page(session, null);
            while (true) {
                pages.add(page);
                page.content().forEach(e -> forward.add(e.key()));
                if (!page.hasNext()) {
                    break;
                }
                page = pager.page(session, page.nextToken());
            }
            assertEquals(expected, forward);
            // and all the way back from the last page
            List<String> backward = new ArrayList<>();
            Page<Enrollment> back = pages.get(pages.size() - 1);
            while (true) {
                backward.addAll(0, back.content().stream().map(Enrollment::key).toList());
                if (!back.hasPrevious()) {
                    break;
                }
                back = pager.page(session, back.previousToken());
            }
            assertEquals(expected, backward);
        }
    }

    @Test
    void aFilterCombinesWithCompositeKeys() throws Exception {
        SessionFactory factory = factory(JdbcDriver.MARIADB_CONNECTOR_J);
        EntityPager<Enrollment> pager = EntityPager.of(factory, Enrollment.class)
                .where("e.term = :term and e.grade is not null").parameter("term", "2024B")
                .orderBy(SortKey.desc("enrolledOn")).pageSize(8).open();
        assertEquals(CompositeIdTables.enrollmentsInServerOrder(schema, "term_code = '2024B' AND grade IS NOT NULL",
                "enrolled_on DESC, term_code DESC, section DESC, student_id DESC"),
                walk(factory, pager, Enrollment::key));
    }
}
