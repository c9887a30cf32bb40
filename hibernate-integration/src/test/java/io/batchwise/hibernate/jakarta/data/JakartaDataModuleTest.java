package io.batchwise.hibernate.jakarta.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.testing.ModuleCompiler;

/**
 * A user's module that requires {@code io.batchwise.hibernate} and {@code jakarta.data} reaches the
 * Jakarta Data integration: its package is exported, and {@code jakarta.data} is the module's optional
 * ({@code requires static}) dependency, which the user's module brings.
 */
class JakartaDataModuleTest {
    private static final Pattern LIBRARY = Pattern.compile(
            ".*/(core|hibernate-integration)/target/classes|.*/batchwise-(core|hibernate)-[^/]*(?<!-tests)\\.jar"
                    + "|.*/hibernate-core-[^/]*\\.jar|.*/jakarta\\.persistence-api-[^/]*\\.jar"
                    + "|.*/jakarta\\.data-api-[^/]*\\.jar");

    @Test
    void aUserModuleWithJakartaDataExtendsBatchwiseRepositoryAndPagesWithCursoredPages(@TempDir Path dir) {
        List<Path> modulePath = ModuleCompiler.classPath(entry -> LIBRARY.matcher(entry.replace('\\', '/')).matches());
        assertEquals(5, modulePath.size(),
                "core, hibernate-integration, hibernate-core, jakarta.persistence and jakarta.data: " + modulePath);
        ModuleCompiler.Result result = ModuleCompiler.compile(dir, modulePath, Map.of(
                "module-info.java", "module user { requires io.batchwise.hibernate; requires jakarta.data; }",
                "user/Books.java", """
                        package user;
                        import jakarta.data.page.CursoredPage;
                        import jakarta.data.page.PageRequest;
                        import io.batchwise.hibernate.EntityPager;
                        import io.batchwise.hibernate.jakarta.data.BatchwiseRepository;
                        import io.batchwise.hibernate.jakarta.data.CursoredPages;
                        interface Books extends BatchwiseRepository<Object> {
                            default CursoredPage<Object> first(EntityPager<Object> pager) {
                                return CursoredPages.page(pager, session(), PageRequest.ofSize(20).withoutTotal());
                            }
                        }
                        """));
        assertTrue(result.compiled(), result.messages());
    }
}
