package io.batchwise.samples.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The benchmark's settings, from system properties (blank means default), checked before anything
 * runs. See {@code docs/benchmark.md}.
 *
 * @param rows         rows in the table ({@code -Drows}, default 1,000,000)
 * @param reps         repetitions of every method, interleaved ({@code -Dreps}, default 3)
 * @param heap         {@code -Xmx} of every child JVM ({@code -Dheap}, default {@code 64m})
 * @param methods      methods of a normal run ({@code -Dmethods}, comma-separated ids, default all)
 * @param scale        the scaling mode: run {@code scaleMethods} at {@code rows} and {@code scale} x {@code rows} ({@code -Dscale=10}; 0 = off)
 * @param scaleMethods methods of the scaling mode ({@code -DscaleMethods})
 * @param offsetCapSeconds the time after which OFFSET paging stops ({@code -DoffsetCap}, default 60)
 * @param childJvmArgs extra JVM options for the children ({@code -DchildJvmArgs}, space-separated)
 * @param jfr          methods whose children record a JFR profile ({@code -Djfr}, comma-separated ids)
 * @param out          output directory ({@code -Dout}, relative to the repository root; default {@code samples/target/bench})
 * @param dataDir      the embedded server's kept data directory ({@code -Dbench.dataDir})
 * @param logs         the children's logs, heap traces and JFR recordings (under {@code target/}, never in {@code out})
 * @param timeoutSeconds a child still running after this is killed and recorded as a timeout
 * @param latencies    network latencies to run every method at, milliseconds per direction added by a
 *                     {@link LatencyRelay} ({@code -Dlatency}, comma-separated, default {@code 0}: a direct connection)
 * @param works        the work per row to run every method with ({@code -Dwork}, comma-separated {@link Work}
 *                     forms, default {@code none})
 * @param warmups      untimed walks each child makes before its timed walk ({@code -Dwarmups}, default 0): with
 *                     1 the timed walk runs on compiled code, as a long job does after its first minutes
 */
record Options(long rows, int reps, String heap, List<Method> methods, int scale, List<Method> scaleMethods,
        long offsetCapSeconds, List<String> childJvmArgs, Set<Method> jfr, Path out, Path dataDir,
        Path logs, long timeoutSeconds, List<Double> latencies, List<Work> works, int warmups) {

    static final List<Method> DEFAULT_SCALE_METHODS = List.of(Method.JDBC_STREAM, Method.SCROLL_CLEAR,
            Method.YIELD_PER_SESSION, Method.YIELD_PER_STATELESS, Method.KEYSET_PAGER, Method.KEYSET_JDBC,
            Method.GET_RESULT_LIST);

    static Options fromSystemProperties() {
        Path root = Path.of(text("bench.root", System.getProperty("user.dir"))).toAbsolutePath();
        long rows = Long.parseLong(text("rows", "1000000").replace("_", "").replace(",", ""));
        if (rows < 1 || rows > 100_000_000L) {
            throw new IllegalArgumentException("rows must be in [1, 100000000], was " + rows + "; pass e.g. -Drows=1000000");
        }
        int reps = Integer.parseInt(text("reps", "3"));
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be >= 1, was " + reps + "; pass e.g. -Dreps=3");
        }
        String heap = text("heap", "64m");
        if (!heap.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("heap must look like 64m, was '" + heap + "'; pass e.g. -Dheap=64m");
        }
        String scaleText = text("scale", "0");
        int scale = scaleText.equalsIgnoreCase("true") ? 10 : scaleText.equalsIgnoreCase("false") ? 0 : Integer.parseInt(scaleText);
        if (scale != 0 && scale < 2) {
            throw new IllegalArgumentException("scale must be 0 (off) or >= 2, was " + scale + "; pass e.g. -Dscale=10");
        }
        List<Method> all = Arrays.asList(Method.values());
        List<Method> methods = Method.parse(text("methods", ""), all);
        List<Method> scaleMethods = Method.parse(text("scaleMethods", ""), DEFAULT_SCALE_METHODS);
        long offsetCap = Long.parseLong(text("offsetCap", "60"));
        List<String> jvmArgs = new ArrayList<>();
        for (String a : text("childJvmArgs", "").split("\\s+")) {
            if (!a.isBlank()) {
                jvmArgs.add(a);
            }
        }
        Set<Method> jfr = Set.copyOf(Method.parse(text("jfr", "none").equalsIgnoreCase("none") ? "" : text("jfr", ""), List.of()));
        String outText = text("out", "");
        Path out = outText.isBlank()
                ? (Files.isDirectory(root.resolve("samples")) ? root.resolve("samples/target/bench") : root.resolve("target/bench"))
                : root.resolve(outText);
        Path work = Path.of(System.getProperty("batchwise.test.workdir", root.resolve(
                Files.isDirectory(root.resolve("samples")) ? "samples/target" : "target").toString()));
        Path dataDir = Path.of(text("bench.dataDir", work.resolve("bench-db").toString())).toAbsolutePath();
        long timeout = Long.parseLong(text("bench.timeout", Long.toString(offsetCap + 1_800)));
        List<Double> latencies = new ArrayList<>();
        for (String l : text("latency", "0").split(",")) {
            double ms;
            try {
                ms = Double.parseDouble(l.trim());
            } catch (NumberFormatException e) {
                ms = -1;
            }
            if (!(ms >= 0 && ms <= 100)) {
                throw new IllegalArgumentException("latency must be milliseconds per direction in [0, 100], was '" + l
                        + "'; pass e.g. -Dlatency=0,0.2,1");
            }
            latencies.add(ms);
        }
        List<Work> works = new ArrayList<>();
        for (String w : text("work", "none").split(",")) {
            works.add(Work.parse(w));
        }
        int warmups = Integer.parseInt(text("warmups", "0"));
        if (warmups < 0 || warmups > 5) {
            throw new IllegalArgumentException("warmups must be in [0, 5], was " + warmups
                    + "; pass e.g. -Dwarmups=1 for one untimed walk before each timed one");
        }
        return new Options(rows, reps, heap, methods, scale, scaleMethods, offsetCap, List.copyOf(jvmArgs), jfr,
                out.toAbsolutePath().normalize(), dataDir, work.resolve("bench-logs").toAbsolutePath(), timeout,
                List.copyOf(latencies), List.copyOf(works), warmups);
    }

    private static String text(String property, String fallback) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
