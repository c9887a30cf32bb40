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
 * the JVM's start, planning included) and started again, until {@code kills} kills are done and a
 * run finishes; then every counter must be 1 and the checkpoints must account for every row.
 */
public final class KillNineRestarts {
    /**
     * The random kill delays: up to {@code anyInstantMillis} from the JVM's start, up to
     * {@code afterCommitMillis} after the first committed chunk. Short enough that a run does not
     * reach the end before its kill (which would end the loop with fewer kills).
     */
    public record Delays(int anyInstantMillis, int afterCommitMillis) {
    }

    /** What the loop did: kills, runs, and the last run's RESULT values. */
    public record Outcome(int kills, int runs, Map<String, String> result) {
    }

    private KillNineRestarts() {
    }

    /** Runs {@code mainClass} with {@code args} until a run finishes, killing {@code kills} runs on the way. */
    public static Outcome run(String mainClass, List<String> jvmOptions, List<String> args, int kills, Random random,
            Delays delays) throws Exception {
        int killed = 0;
        int runs = 0;
        while (true) {
            runs++;
            ForkedProbe probe = new ForkedProbe(mainClass, jvmOptions, args);
            boolean anyInstant = killed % 3 == 2;
            if (killed < kills && (anyInstant || probe.committed.await(120, TimeUnit.SECONDS))) {
                Thread.sleep(random.nextInt(anyInstant ? delays.anyInstantMillis() : delays.afterCommitMillis()));
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
