package io.batchwise.hibernate.module;

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
 * What a user's module that requires {@code io.batchwise.hibernate} can import: the Hibernate API,
 * and through it core's API and spi; neither module's internal package.
 */
class HibernateModuleBoundaryTest {
    private static final String USER_MODULE = "module user { requires io.batchwise.hibernate; }";
    private static final Pattern LIBRARY = Pattern.compile(
            ".*/(core|hibernate-integration)/target/classes|.*/batchwise-(core|hibernate)-[^/]*(?<!-tests)\\.jar"
                    + "|.*/hibernate-core-[^/]*\\.jar|.*/jakarta\\.persistence-api-[^/]*\\.jar");

    private static List<Path> modulePath() {
        List<Path> path = ModuleCompiler.classPath(entry -> LIBRARY.matcher(entry.replace('\\', '/')).matches());
        assertEquals(4, path.size(), "core, hibernate-integration, hibernate-core and jakarta.persistence: " + path);
        return path;
    }

    @Test
    void aUserModuleCompilesAgainstTheApiOfBothModules(@TempDir Path dir) {
        ModuleCompiler.Result result = ModuleCompiler.compile(dir, modulePath(), Map.of(
                "module-info.java", USER_MODULE,
                "user/Uses.java", """
                        package user;
                        import io.batchwise.core.Walk;
                        import io.batchwise.hibernate.EntityPager;
                        import io.batchwise.hibernate.YieldPer;
                        class Uses {
                            Class<?>[] types = { Walk.class, EntityPager.class, YieldPer.class,
                                    org.hibernate.Session.class };
                        }
                        """));
        assertTrue(result.compiled(), result.messages());
    }

    @Test
    void aUserModuleCannotReachEitherInternalPackage(@TempDir Path dir) {
        for (String internal : List.of("io.batchwise.hibernate.internal.EntityKeys",
                "io.batchwise.core.internal.FetchPlans")) {
            ModuleCompiler.Result result = ModuleCompiler.compile(dir.resolve(internal), modulePath(), Map.of(
                    "module-info.java", USER_MODULE,
                    "user/Reaches.java", "package user; class Reaches { Class<?> type = " + internal + ".class; }"));
            String pkg = internal.substring(0, internal.lastIndexOf('.'));
            assertTrue(result.refusedAsNotExported(pkg), internal + " must not be reachable: " + result.messages());
        }
    }
}
