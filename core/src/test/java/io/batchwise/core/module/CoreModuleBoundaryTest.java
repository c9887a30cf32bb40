package io.batchwise.core.module;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.batchwise.testing.ModuleCompiler;

/** What a user's module can import from {@code io.batchwise.core}: the API and the spi, not internal. */
class CoreModuleBoundaryTest {
    private static final String USER_MODULE = "module user { requires io.batchwise.core; }";
    private static final Pattern CORE = Pattern.compile(".*/core/target/classes|.*/batchwise-core-[^/]*(?<!-tests)\\.jar");

    private static List<Path> modulePath() {
        // core's own classes (the directory, or the jar once packaged), module-info included; nothing else
        // is needed to compile against it
        List<Path> path = ModuleCompiler.classPath(entry -> CORE.matcher(entry.replace('\\', '/')).matches());
        assertFalse(path.isEmpty(), "core's classes or jar must be on the test class path");
        return path;
    }

    @Test
    void aUserModuleCompilesAgainstTheApiAndTheSpi(@TempDir Path dir) {
        ModuleCompiler.Result result = ModuleCompiler.compile(dir, modulePath(), Map.of(
                "module-info.java", USER_MODULE,
                "user/Uses.java", """
                        package user;
                        import io.batchwise.core.JdbcKeysetPager;
                        import io.batchwise.core.migration.MigrationOptions;
                        import io.batchwise.core.spi.KeysetPages;
                        class Uses {
                            Class<?>[] types = { JdbcKeysetPager.class, MigrationOptions.class, KeysetPages.class };
                        }
                        """));
        assertTrue(result.compiled(), result.messages());
    }

    @Test
    void aUserModuleCannotReachInternal(@TempDir Path dir) {
        ModuleCompiler.Result result = ModuleCompiler.compile(dir, modulePath(), Map.of(
                "module-info.java", USER_MODULE,
                "user/Reaches.java", """
                        package user;
                        class Reaches {
                            Class<?> type = io.batchwise.core.internal.FetchPlans.class;
                        }
                        """));
        assertTrue(result.refusedAsNotExported("io.batchwise.core.internal"), result.messages());
    }
}
