package io.batchwise.samples.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH microbenchmarks (per-row cost of the walk iterator, resume-token encode/decode: internal
 * classes, hence with the tests) with the GC profiler and writes {@code jmh.json} and
 * {@code jmh.txt} into the benchmark's output directory ({@code -Dout}, default
 * {@code samples/target/bench}). Not part of any test run:
 *
 * <pre>
 * mvn -B -pl samples -am package -DskipTests exec:exec -Dexec.classpathScope=test -Dsample.mainClass=io.batchwise.samples.bench.jmh.Microbenchmarks
 * </pre>
 */
public final class Microbenchmarks {
    private Microbenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("bench.root", System.getProperty("user.dir")));
        String outText = System.getProperty("out", "");
        Path out = outText.isBlank() ? root.resolve(Files.isDirectory(root.resolve("samples")) ? "samples/target/bench" : "target/bench")
                : root.resolve(outText);
        Files.createDirectories(out);
        Options options = new OptionsBuilder()
                .include(WalkIterationBenchmark.class.getName())
                .include(TokenCodecBenchmark.class.getName())
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-Xmx256m")
                .result(out.resolve("jmh.json").toString())
                .resultFormat(ResultFormatType.JSON)
                .output(out.resolve("jmh.txt").toString())
                .build();
        new Runner(options).run();
        System.out.println(Files.readString(out.resolve("jmh.txt")));
    }
}
