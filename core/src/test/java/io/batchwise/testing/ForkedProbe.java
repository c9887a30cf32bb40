package io.batchwise.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A probe running in a JVM of its own, its output collected as it comes: a main class that prints
 * {@code RESULT key=value ...} at the end (read with {@link HeapProbe#parse}) and, for a migration,
 * {@code COMMITTED} after its first committed chunk ({@code io.batchwise.core.migration.MigrationProbe},
 * for instance).
 */
public final class ForkedProbe {
    public final Process process;
    public final StringBuffer output = new StringBuffer();
    public final CountDownLatch committed = new CountDownLatch(1);
    final Map<String, String> result = new HashMap<>();
    private final Thread reader;

    public ForkedProbe(String mainClass, List<String> jvmOptions, List<String> args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.equals("COMMITTED")) {
                        committed.countDown();
                    } else {
                        Map<String, String> values = HeapProbe.parse(line);
                        if (values != null) {
                            synchronized (result) {
                                result.putAll(values);
                            }
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Runs {@code mainClass} to its end and returns its RESULT line's values; fails, with the output,
     * when it does not end in {@code timeoutSeconds} or prints no RESULT line.
     */
    public static Map<String, String> run(String mainClass, List<String> jvmOptions, List<String> args,
            long timeoutSeconds) throws IOException, InterruptedException {
        ForkedProbe probe = new ForkedProbe(mainClass, jvmOptions, args);
        Map<String, String> result = probe.finish(timeoutSeconds);
        if (result.isEmpty()) {
            throw new AssertionError(mainClass + " printed no RESULT line; output:\n" + probe.output);
        }
        return result;
    }

    /** Waits for the process and its output to end; returns its RESULT line's values. */
    public Map<String, String> finish(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish in " + timeoutSeconds + " s; output:\n" + output);
        }
        reader.join(10_000);
        synchronized (result) {
            return new HashMap<>(result);
        }
    }
}
