package io.batchwise.hibernate.spring.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.batchwise.core.JdbcKeysetPager;
import io.batchwise.hibernate.EntityPager;

/**
 * Misuse of the builders and the partitioner is refused with a message naming the parameter, the
 * value and the fix, before anything touches a database (none is needed to build these).
 */
class SpringBatchBadInputTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("jdbc reader without a pager", (Supplier<Object>) () -> new JdbcKeysetItemReaderBuilder<Long>()
                        .name("ids").build(),
                        "pager must not be null; call pager(...) with the JdbcKeysetPager to read"),
                Arguments.of("jdbc reader with a null pager", (Supplier<Object>) () -> new JdbcKeysetItemReaderBuilder<Long>()
                        .pager((JdbcKeysetPager<Long>) null),
                        "pager must not be null; pass an open pager"),
                Arguments.of("entity reader without a name", (Supplier<Object>) () -> new EntityKeysetItemReaderBuilder<Object>()
                        .name("  "),
                        "name must not be blank, was \"  \"; pass the reader's name"),
                Arguments.of("entity reader with a null pager", (Supplier<Object>) () -> new EntityKeysetItemReaderBuilder<Object>()
                        .pager((EntityPager<Object>) null),
                        "pager must not be null; pass an open pager"),
                Arguments.of("streaming reader without a factory", (Supplier<Object>) () -> new YieldPerItemReaderBuilder<Object>()
                        .name("s").build(),
                        "sessionFactory must not be null; call sessionFactory(...) or entityManagerFactory(...)"),
                Arguments.of("streaming reader with a null query", (Supplier<Object>) () -> new YieldPerItemReaderBuilder<Object>()
                        .query(null),
                        "query must not be null; pass session -> YieldPer.query(session, hql, type)"),
                Arguments.of("partitioner of a null jdbc pager", (Supplier<Object>) () -> KeyRangePartitioner
                        .of((JdbcKeysetPager<?>) null),
                        "pager must not be null; pass the JdbcKeysetPager whose rows the partitions read"),
                Arguments.of("partitioner of a null entity pager", (Supplier<Object>) () -> KeyRangePartitioner
                        .of((EntityPager<?>) null),
                        "pager must not be null; pass the EntityPager whose rows the partitions read"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void misuseIsRefusedWithTheFix(String name, Supplier<Object> misuse, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, misuse::get);
        assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
    }
}
