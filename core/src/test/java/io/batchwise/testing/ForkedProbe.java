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
 * A migration probe running in a JVM of its own, its output collected as it comes: a main class that
 * prints {@code COMMITTED} after its first committed chunk and {@code RESULT key=value ...} at the end
 * ({@code io.batchwise.core.migration.MigrationProbe}, for instance).
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
                    } else if (line.startsWith("RESULT ")) {
                        synchronized (result) {
                            for (String pair : line.substring(7).split(" ")) {
                                int eq = pair.indexOf('=');
                                result.put(pair.substring(0, eq), pair.substring(eq + 1));
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
