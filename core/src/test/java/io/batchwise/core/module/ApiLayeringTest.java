package io.batchwise.core.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The API packages are built on the spi only: no file of {@code io.batchwise.core} or
 * {@code io.batchwise.core.migration} imports {@code io.batchwise.core.internal}, so the
 * layering API → spi → internal has no shortcut and no circle through internal.
 */
class ApiLayeringTest {
    private static final Path SOURCES = Path.of("src/main/java/io/batchwise/core");

    @Test
    void apiPackagesImportNothingFromInternal() throws IOException {
        List<Path> files = apiFiles();
        assertFalse(files.isEmpty(), "no API sources found under " + SOURCES.toAbsolutePath());
        List<String> offending = files.stream()
                .flatMap(file -> lines(file).filter(line -> line.startsWith("import io.batchwise.core.internal"))
                        .map(line -> file.getFileName() + ": " + line))
                .toList();
        assertEquals(List.of(), offending);
    }

    private static List<Path> apiFiles() throws IOException {
        try (Stream<Path> core = Files.list(SOURCES); Stream<Path> migration = Files.list(SOURCES.resolve("migration"))) {
            return Stream.concat(core, migration).filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
