package io.batchwise.testing;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import java.util.spi.ToolProvider;

/**
 * Compiles a small user module against the library's modules on the module path, as a user's
 * build would: what it may import is what the library exports, nothing else.
 */
public final class ModuleCompiler {
    private ModuleCompiler() {
    }

    /** The outcome of one compilation: success and javac's messages. */
    public record Result(boolean compiled, String messages) {
        /** Whether javac refused the code because {@code pkg} is not exported to it. */
        public boolean refusedAsNotExported(String pkg) {
            return !compiled && (messages.contains("package " + pkg + " is not visible")
                    || messages.contains("does not export " + pkg));
        }
    }

    /**
     * The entries of this test run's class path that {@code keep} accepts (directories of compiled
     * classes, jars), for use as a module path.
     */
    public static List<Path> classPath(Predicate<String> keep) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(keep)
                .map(Path::of)
                .toList();
    }

    /**
     * Compiles {@code sources} (path below the source root, e.g. {@code "user/Main.java"}, to text;
     * include {@code module-info.java}) in {@code workDir} with {@code modulePath}.
     */
    public static Result compile(Path workDir, List<Path> modulePath, Map<String, String> sources) {
        ToolProvider javac = ToolProvider.findFirst("javac")
                .orElseThrow(() -> new IllegalStateException("javac is missing: run the tests on a JDK"));
        try {
            Path src = Files.createDirectories(workDir.resolve("src"));
            Path out = Files.createDirectories(workDir.resolve("out"));
            List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--module-path",
                    String.join(File.pathSeparator, modulePath.stream().map(Path::toString).toList())));
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                args.add(file.toString());
            }
            StringWriter messages = new StringWriter();
            PrintWriter writer = new PrintWriter(messages);
            int status = javac.run(writer, writer, args.toArray(String[]::new));
            writer.flush();
            return new Result(status == 0, messages.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
