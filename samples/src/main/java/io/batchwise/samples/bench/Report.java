package io.batchwise.samples.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes the results: one CSV line and one JSON object per child run, and the markdown summary. */
final class Report {
    static final String[] CSV_COLUMNS = {"method", "tableRows", "rep", "mode", "outcome", "rows", "checksum",
        "checksumOk", "wallMs", "rowsPerSecond", "jvmCpuMs", "callerCpuMs",
        "serverCpuMs", "harnessCpuMs", "gcMs", "jitMs", "peakUsedMb", "peakLiveMb", "retainedHalfMb", "retainedEndMb", "gcs",
        "gc", "maxHeapMb", "page0Ms", "page10Ms", "page50Ms", "page90Ms", "loadAverage", "latencyMs", "work", "error"};

    private final Options options;
    private final Map<String, String> env;
    private final List<Run> runs;
    private final List<String> disagreements;

    Report(Options options, Map<String, String> env, List<Run> runs, List<String> disagreements) {
        this.options = options;
        this.env = env;
        this.runs = runs;
        this.disagreements = disagreements;
    }

    void write(Path out, String prefix) throws IOException {
        Files.createDirectories(out);
        writeCsv(out.resolve(prefix + ".csv"));
        writeJson(out.resolve(prefix + ".json"));
        Files.writeString(out.resolve(prefix + ".md"), markdown(prefix), StandardCharsets.UTF_8);
    }

    private String value(Run run, String column) {
        return switch (column) {
            case "method" -> run.method.id;
            case "tableRows" -> Long.toString(run.tableRows);
            case "rep" -> Integer.toString(run.rep);
            case "mode" -> run.mode;
            case "checksumOk" -> run.checksumOk;
            case "rowsPerSecond" -> run.mode.equals("walk") ? String.format(Locale.ROOT, "%.0f", run.rowsPerSecond()) : "";
            default -> run.text(column);
        };
    }

    private void writeCsv(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            out.println(String.join(",", CSV_COLUMNS));
            for (Run run : runs) {
                out.println(Arrays.stream(CSV_COLUMNS).map(c -> csv(value(run, c))).collect(Collectors.joining(",")));
            }
        }
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private void writeJson(Path file) throws IOException {
        StringBuilder json = new StringBuilder("{\n  \"environment\": {");
        json.append(env.entrySet().stream().map(e -> "\n    " + quote(e.getKey()) + ": " + quote(e.getValue()))
                .collect(Collectors.joining(",")));
        json.append("\n  },\n  \"checksumDisagreements\": [")
                .append(disagreements.stream().map(Report::quote).collect(Collectors.joining(", ")))
                .append("],\n  \"runs\": [");
        List<String> objects = new ArrayList<>();
        for (Run run : runs) {
            objects.add("\n    {" + Arrays.stream(CSV_COLUMNS)
                    .filter(c -> !value(run, c).isEmpty())
                    .map(c -> quote(c) + ": " + jsonValue(value(run, c)))
                    .collect(Collectors.joining(", ")) + "}");
        }
        json.append(String.join(",", objects)).append("\n  ]\n}\n");
        Files.writeString(file, json, StandardCharsets.UTF_8);
    }

    private static String jsonValue(String v) {
        return v.matches("-?[0-9]+(\\.[0-9]+)?") ? v : quote(v);
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    // ---------------------------------------------------------------- summary

    /** A latency in ms per direction as written in results ("0", "0.2", "1"). */
    static String latency(double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
    }

    /** The latency and work a run ran with, as one key ("1 ms/json"). */
    static String variant(double latencyMs, Work work) {
        return latency(latencyMs) + " ms/" + work.id();
    }

    static String variant(Run run) {
        String latency = run.text("latencyMs");
        String work = run.text("work");
        return (latency.isEmpty() ? "0" : latency) + " ms/" + (work.isEmpty() ? "none" : work);
    }

    /** The repetitions of one method at one table size, latency and work, summarised. */
    record Summary(Method method, long tableRows, String variant, List<Run> walks) {
        List<Run> completed() {
            return walks.stream().filter(Run::ok).toList();
        }

        List<Run> measured() {
            return walks.stream().filter(r -> r.ok() || r.outcome().equals("capped")).toList();
        }

        double medianWallSeconds() {
            return Report.median(measured().stream().mapToDouble(r -> r.wallMs() / 1000.0).toArray());
        }

        double medianRate() {
            return Report.median(measured().stream().mapToDouble(Run::rowsPerSecond).toArray());
        }

        double median(String field) {
            return Report.median(walks.stream().mapToDouble(r -> r.number(field)).filter(d -> !Double.isNaN(d)).toArray());
        }

        double max(String field) {
            return walks.stream().mapToDouble(r -> r.number(field)).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
        }

        String outcome() {
            Map<String, Long> counts = walks.stream().collect(Collectors.groupingBy(Run::outcome, LinkedHashMap::new,
                    Collectors.counting()));
            if (counts.size() == 1 && counts.containsKey("ok")) {
                return "ok";
            }
            if (counts.size() == 1 && counts.containsKey("oom")) {
                return "**OOM**";
            }
            if (counts.size() == 1 && counts.containsKey("capped")) {
                long rows = (long) Report.median(walks.stream().mapToDouble(Run::rows).toArray());
                return String.format(Locale.ROOT, "capped at %.0f s (%,d rows)", medianWallSeconds(), rows);
            }
            return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "/" + walks.size())
                    .collect(Collectors.joining(", "));
        }
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static List<Summary> summaries(List<Run> runs) {
        Map<String, List<Run>> grouped = new LinkedHashMap<>();
        for (Run run : runs) {
            if (run.mode.equals("walk")) {
                grouped.computeIfAbsent(run.tableRows + "/" + variant(run) + "/" + run.method.name(),
                        k -> new ArrayList<>()).add(run);
            }
        }
        List<String> variants = runs.stream().map(Report::variant).distinct().toList();
        List<Summary> summaries = new ArrayList<>();
        for (Method method : Method.values()) {
            for (List<Run> group : grouped.values()) {
                if (group.get(0).method == method) {
                    summaries.add(new Summary(method, group.get(0).tableRows, variant(group.get(0)), group));
                }
            }
        }
        summaries.sort((a, b) -> a.tableRows != b.tableRows ? Long.compare(a.tableRows, b.tableRows)
                : !a.variant.equals(b.variant) ? Integer.compare(variants.indexOf(a.variant), variants.indexOf(b.variant))
                : Integer.compare(a.method.ordinal(), b.method.ordinal()));
        return summaries;
    }

    private String markdown(String prefix) {
        StringBuilder md = new StringBuilder();
        md.append("Environment: ").append(env.get("server")).append(" (").append(env.get("serverVersion"))
                .append("), ").append(env.get("driver")).append(", Hibernate ").append(env.get("hibernate"))
                .append(", ").append(env.get("jdk")).append(", ").append(env.get("os")).append(", ")
                .append(env.get("cpus")).append(" CPUs, child heap ").append(env.get("heapCap"))
                .append(env.containsKey("childGc") ? " (" + env.get("childGc") + ")" : "")
                .append(", ").append(options.reps()).append(" repetitions interleaved, load average ")
                .append(env.getOrDefault("loadAverageDuringRun", env.get("loadAverageAtStart")))
                .append(" (1-minute, when each child started); ").append(env.get("date")).append(".\n\n");
        md.append("Command: `").append(env.get("command")).append("`\n\n");

        List<Summary> summaries = summaries(runs);
        boolean variants = summaries.stream().map(Summary::variant).distinct().count() > 1;
        for (String section : summaries.stream().map(s -> s.tableRows() + "|" + s.variant()).distinct().toList()) {
            long n = Long.parseLong(section.substring(0, section.indexOf('|')));
            String variant = section.substring(section.indexOf('|') + 1);
            md.append(String.format(Locale.ROOT, "### %,d rows", n));
            if (variants) {
                md.append(", ").append(describe(variant));
            }
            md.append("\n\n");
            Summary stream = find(summaries, Method.JDBC_STREAM, n, variant);
            Summary scroll = find(summaries, Method.SCROLL_CLEAR, n, variant);
            md.append("| method | outcome | time s (median [min–max]) | rows/s | time ÷ raw JDBC streaming | time ÷ scroll+clear"
                    + " | peak heap used MB | peak live MB | retained MB (½ → end) | checksum |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (Summary s : summaries) {
                if (s.tableRows() != n || !s.variant().equals(variant)) {
                    continue;
                }
                List<Run> measured = s.measured();
                String time = measured.isEmpty() ? "—" : String.format(Locale.ROOT, "%.2f [%.2f–%.2f]",
                        s.medianWallSeconds(),
                        measured.stream().mapToDouble(r -> r.wallMs() / 1000.0).min().orElse(0),
                        measured.stream().mapToDouble(r -> r.wallMs() / 1000.0).max().orElse(0));
                String rate = measured.isEmpty() ? "—" : String.format(Locale.ROOT, "%,.0f", s.medianRate());
                String checks = s.walks().stream().map(r -> r.checksumOk.isEmpty() ? "–" : r.checksumOk)
                        .collect(Collectors.joining("/"));
                md.append("| ").append(s.method().id).append(" | ").append(s.outcome()).append(" | ").append(time)
                        .append(" | ").append(rate)
                        .append(" | ").append(ratio(s, stream)).append(" | ").append(ratio(s, scroll))
                        .append(" | ").append(fmt(s.median("peakUsedMb"))).append(" | ").append(fmt(s.max("peakLiveMb")))
                        .append(" | ").append(retained(s)).append(" | ").append(checks).append(" |\n");
            }
            md.append('\n');
        }
        md.append("Time ratios are per row (median rows/s of the baseline ÷ the method's), so below 1 is faster;"
                + " a capped OFFSET walk is compared over the rows it read, which flatters it (its pages get slower"
                + " further in). Peak heap used includes garbage not yet collected; peak live is the most heap"
                + " left after any collection during the run; retained is the heap after full collections, half way"
                + " through and at the last row, with the walk still open.\n\n");

        String readAhead = readAheadTable(summaries);
        if (!readAhead.isEmpty()) {
            md.append("### Read-ahead against the same walk without it\n\n").append(readAhead).append('\n');
        }
        String pages = pageTable();
        if (!pages.isEmpty()) {
            md.append("### One page of ").append(Method.PAGE).append(" rows at a position (ms, median of 9 after 40 warm-up pages)\n\n")
                    .append(pages).append('\n');
        }
        if (!disagreements.isEmpty()) {
            md.append("**Checksums disagree:** ").append(String.join("; ", disagreements)).append("\n\n");
        }
        md.append("Charts: `").append(prefix).append("-rows-per-second.png`, `").append(prefix)
                .append("-heap-vs-rows.png`").append(prefix.equals("results") ? ", `results-page-time.png`" : ", `scaling-heap.png`, `scaling-time.png`")
                .append(".\n");
        return md.toString();
    }

    private String pageTable() {
        Map<String, List<Run>> byMethod = new LinkedHashMap<>();
        boolean latencies = runs.stream().map(r -> r.text("latencyMs")).distinct().count() > 1;
        for (Run run : runs) {
            if (run.mode.equals("pages") && run.ok()) {
                byMethod.computeIfAbsent(run.method.id + (latencies ? " @ " + run.text("latencyMs") + " ms" : ""),
                        k -> new ArrayList<>()).add(run);
            }
        }
        if (byMethod.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("| method |");
        StringBuilder rule = new StringBuilder("|---|");
        Run any = byMethod.values().iterator().next().get(0);
        for (double f : Probe.PAGE_POSITIONS) {
            String key = "page" + Math.round(f * 100);
            md.append(String.format(Locale.ROOT, " at %d %% (row %,d) |", Math.round(f * 100),
                    (long) any.number(key + "Pos")));
            rule.append("---:|");
        }
        md.append(" last ÷ first |\n").append(rule).append("---:|\n");
        for (Map.Entry<String, List<Run>> e : byMethod.entrySet()) {
            md.append("| ").append(e.getKey()).append(" |");
            double first = Double.NaN;
            double last = Double.NaN;
            for (double f : Probe.PAGE_POSITIONS) {
                String key = "page" + Math.round(f * 100) + "Ms";
                double ms = median(e.getValue().stream().mapToDouble(r -> r.number(key)).toArray());
                first = Double.isNaN(first) ? ms : first;
                last = ms;
                md.append(String.format(Locale.ROOT, " %.2f |", ms));
            }
            md.append(String.format(Locale.ROOT, " %.2f |\n", last / first));
        }
        return md.toString();
    }

    private static Summary find(List<Summary> summaries, Method method, long n, String variant) {
        return summaries.stream().filter(s -> s.method() == method && s.tableRows() == n
                && s.variant().equals(variant)).findFirst().orElse(null);
    }

    /** "latency 1 ms per direction (SELECT 1 round trip 2.10 ms), work json" for a variant key. */
    private String describe(String variant) {
        String latency = variant.substring(0, variant.indexOf(" ms/"));
        String work = variant.substring(variant.indexOf(" ms/") + 4);
        String trip = env.get("roundTripMs@" + latency);
        return (latency.equals("0") ? "direct connection" : "latency " + latency + " ms per direction")
                + (trip == null ? "" : " (SELECT 1 round trip " + trip + " ms)") + ", work per row: " + work;
    }

    /**
     * Each read-ahead method against its walk without read-ahead and against the hand-written loop,
     * per table size, latency and work; and the entity pager with read-ahead at each latency against
     * the same at the first latency.
     */
    private String readAheadTable(List<Summary> summaries) {
        StringBuilder md = new StringBuilder("| rows | latency, work | read-ahead method | time s | without read-ahead"
                + " s | speed-up | scroll+clear s | speed-up over scroll+clear | retained MB at the end, without / with"
                + " | cores busy, without / with |\n"
                + "|---:|---|---|---:|---:|---:|---:|---:|---|---|\n");
        boolean any = false;
        for (Summary ahead : summaries) {
            Method plain = ahead.method().withoutReadAhead();
            if (plain == null || ahead.measured().isEmpty()) {
                continue;
            }
            Summary without = find(summaries, plain, ahead.tableRows(), ahead.variant());
            Summary scroll = find(summaries, Method.SCROLL_CLEAR, ahead.tableRows(), ahead.variant());
            any = true;
            md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.2f | %s | %s | %s | %s | %s / %s | %s / %s |\n",
                    ahead.tableRows(), ahead.variant(), ahead.method().id, ahead.medianWallSeconds(),
                    without == null || without.measured().isEmpty() ? "—"
                            : String.format(Locale.ROOT, "%.2f", without.medianWallSeconds()),
                    speedUp(without, ahead),
                    scroll == null || scroll.measured().isEmpty() ? "—"
                            : String.format(Locale.ROOT, "%.2f", scroll.medianWallSeconds()),
                    speedUp(scroll, ahead), without == null ? "—" : fmt(without.median("retainedEndMb")),
                    fmt(ahead.median("retainedEndMb")), coresBusy(without), coresBusy(ahead)));
        }
        if (!any) {
            return "";
        }
        md.append("\nSpeed-up is the median time without ÷ the median time with read-ahead (above 1: read-ahead is"
                + " faster). Cores busy is the CPU time of the walk's JVM and of the server over the timed walk ÷"
                + " its wall time, medians (the latency relay's CPU, harnessCpuMs in the CSV, comes on top): at the"
                + " machine's core count no overlap can shorten a walk further.\n");
        StringBuilder latency = new StringBuilder();
        for (Summary ahead : summaries) {
            if (ahead.method() != Method.KEYSET_PAGER_READ_AHEAD || ahead.measured().isEmpty()) {
                continue;
            }
            String work = ahead.variant().substring(ahead.variant().indexOf(" ms/") + 4);
            Summary direct = summaries.stream().filter(s -> s.method() == Method.KEYSET_PAGER_READ_AHEAD
                    && s.tableRows() == ahead.tableRows() && s.variant().equals("0 ms/" + work)
                    && !s.measured().isEmpty()).findFirst().orElse(null);
            if (direct == null || direct == ahead) {
                continue;
            }
            latency.append(String.format(Locale.ROOT, "| %,d | %s | %.2f | %.2f | %.2f |\n", ahead.tableRows(),
                    ahead.variant(), ahead.medianWallSeconds(), direct.medianWallSeconds(),
                    ahead.medianWallSeconds() / direct.medianWallSeconds()));
        }
        if (latency.length() > 0) {
            md.append("\n| rows | latency, work | batchwise-keyset-readAhead s | the same at 0 ms s | ratio |\n"
                    + "|---:|---|---:|---:|---:|\n").append(latency);
        }
        return md.toString();
    }

    /** (JVM + server CPU over the timed walk) ÷ wall time, median over the reps; "—" when the CPU was not measured. */
    private static String coresBusy(Summary s) {
        if (s == null || s.measured().isEmpty()) {
            return "—";
        }
        double[] busy = s.measured().stream().mapToDouble(r -> {
            return (r.number("jvmCpuMs") + r.number("serverCpuMs")) / r.number("wallMs");
        }).filter(d -> !Double.isNaN(d)).toArray();
        return busy.length == 0 ? "—" : String.format(Locale.ROOT, "%.2f", median(busy));
    }

    private static String speedUp(Summary without, Summary with) {
        if (without == null || without.measured().isEmpty() || with.measured().isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", without.medianWallSeconds() / with.medianWallSeconds());
    }

    private static String ratio(Summary s, Summary baseline) {
        if (baseline == null || baseline.measured().isEmpty() || s.measured().isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f", baseline.medianRate() / s.medianRate());
    }

    private static String retained(Summary s) {
        double half = s.median("retainedHalfMb");
        double end = s.median("retainedEndMb");
        if (Double.isNaN(half) && Double.isNaN(end)) {
            return "—";
        }
        return fmt(half) + " → " + fmt(end);
    }

    static String fmt(double mb) {
        return Double.isNaN(mb) ? "—" : String.format(Locale.ROOT, "%.1f", mb);
    }
}
