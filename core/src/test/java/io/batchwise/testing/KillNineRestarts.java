package io.batchwise.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.batchwise.core.spi.Checkpoint;
import io.batchwise.core.spi.CheckpointStore;

/**
 * The exactly-once proof's loop, for any migration probe (a main class that runs one job over a
 * {@link Counters} table in a JVM of its own, prints {@code COMMITTED} after its first committed
 * chunk and {@code RESULT outcome=.. rows=..} at the end: {@code MigrationProbe} for
 * {@code JdbcMigration}, the entity module's probe for {@code EntityMigration}). Each run is killed
 * with SIGKILL ({@code Process.destroyForcibly()}, no shutdown hook, no rollback from the client) at a
 * random instant (two in three after the run's first committed chunk, the others at any instant from
 * the JVM's start, planning included, up to just after the first commit) and started again, until
 * {@code kills} kills are done and a run finishes; then every counter must be 1 and the checkpoints must
 * account for every row.
 *
 * <p>The proofs' size is set for all of them by two system properties: {@value #ROWS_PROPERTY} (each
 * proof has its default, see {@link #rows(int)}) and {@value #KILLS_PROPERTY} (default
 * {@value #DEFAULT_KILLS}). The full size: {@code -Dbatchwise.migration.crash.rows=1000000
 * -Dbatchwise.migration.crash.kills=10}; {@code .ci/run} passes {@code -Dbatchwise.migration.crash.kills=3}
 * on its second and third server.
 */
public final class KillNineRestarts {
    /** System property: rows in each proof's table. */
    public static final String ROWS_PROPERTY = "batchwise.migration.crash.rows";
    /** System property: kills per proof. */
    public static final String KILLS_PROPERTY = "batchwise.migration.crash.kills";
    /** Kills per proof unless {@value #KILLS_PROPERTY} says otherwise. */
    public static final int DEFAULT_KILLS = 10;
    /**
     * The JVM options of the killed runs: a 128 MB heap, and a quick start, since a proof starts its JVM
     * eleven times for ten kills and most of a run is start-up (class loading, Hibernate's boot): only the
     * C1 compiler ({@code -XX:TieredStopAtLevel=1}: no C2 threads competing for the two cores of a CI
     * machine), the serial collector (no parallel GC threads to start), the JDK's class-data archive
     * ({@code -Xshare:auto}). None changes what a run does, only how fast the JVM gets there.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xshare:auto");
    /** The chunk size of the proofs' migrations. */
    public static final int CHUNK = 1_000;
    /**
     * The random kill delays: up to {@code afterCommitMillis} after the run's first committed chunk;
     * from the JVM's start, up to {@code anyInstantMillis} or, when sooner, up to the time the previous
     * run took to its first commit plus {@code afterCommitMillis} (the JVM's start, the boot, the
     * planning and the first chunk, however fast the machine). Short enough that a run does not reach
     * the end before its kill, which would end the loop with fewer kills: with a fixed window a run
     * that boots quickly has the rest of the window to finish the job.
     */
    public record Delays(int anyInstantMillis, int afterCommitMillis) {
    }

    /** What the loop did: kills, runs, and the last run's RESULT values. */
    public record Outcome(int kills, int runs, Map<String, String> result) {
    }

    private KillNineRestarts() {
    }

    /** The rows of a proof: {@value #ROWS_PROPERTY}, else the proof's {@code defaultRows}. */
    public static int rows(int defaultRows) {
        return Integer.getInteger(ROWS_PROPERTY, defaultRows);
    }

    /** The kills of a proof: {@value #KILLS_PROPERTY}, else {@value #DEFAULT_KILLS}. */
    public static int kills() {
        return Integer.getInteger(KILLS_PROPERTY, DEFAULT_KILLS);
    }

    /**
     * Runs {@code mainClass} with {@code args} (in a JVM started with {@link #JVM_OPTIONS}) until a run
     * finishes, killing {@code kills} runs on the way.
     */
    public static Outcome run(String mainClass, List<String> args, int kills, Random random, Delays delays)
            throws Exception {
        int killed = 0;
        int runs = 0;
        long toFirstCommitMillis = -1; // of the last run that was killed after its first commit
        while (true) {
            runs++;
            long started = System.nanoTime();
            ForkedProbe probe = new ForkedProbe(mainClass, JVM_OPTIONS, args);
            boolean anyInstant = killed % 3 == 2;
            if (killed < kills && (anyInstant || probe.committed.await(120, TimeUnit.SECONDS))) {
                int window = delays.afterCommitMillis();
                if (anyInstant) {
                    window = toFirstCommitMillis < 0 ? delays.anyInstantMillis()
                            : (int) Math.min(delays.anyInstantMillis(), toFirstCommitMillis + delays.afterCommitMillis());
                } else {
                    toFirstCommitMillis = (System.nanoTime() - started) / 1_000_000;
                }
                Thread.sleep(random.nextInt(window));
                if (probe.process.isAlive()) {
                    probe.process.destroyForcibly();
                    probe.process.waitFor(30, TimeUnit.SECONDS);
                    killed++;
                    continue;
                }
            }
            Map<String, String> end = probe.finish(600);
            String outcome = end.get("outcome");
            assertTrue(outcome != null, "run " + runs + " printed no RESULT; output:\n" + probe.output);
            if (outcome.equals("FINISHED") || outcome.equals("ALREADY_FINISHED")) {
                return new Outcome(killed, runs, end);
            }
        }
    }

    /**
     * Every row of {@code table} has {@code touched = 1}, and the job's {@code partitions} checkpoints
     * (default store) are finished and have read {@code rows} rows in all.
     */
    public static void assertEveryRowChangedOnce(Connection connection, String table, String job, int partitions,
            long rows, Outcome outcome) throws Exception {
        assertTrue(outcome.kills() >= 1, "killed at least once: " + outcome);
        assertArrayEquals(new long[] {0, rows, 0}, Counters.histogram(connection, table),
                "rows with touched = 0, = 1, > 1 after " + outcome.kills() + " kills");
        List<Checkpoint> checkpoints = CheckpointStore.table().load(connection, job);
        assertEquals(partitions, checkpoints.size(), checkpoints.toString());
        assertTrue(checkpoints.stream().allMatch(Checkpoint::finished), checkpoints.toString());
        assertEquals(rows, checkpoints.stream().mapToLong(Checkpoint::rowsRead).sum(), checkpoints.toString());
    }
}
