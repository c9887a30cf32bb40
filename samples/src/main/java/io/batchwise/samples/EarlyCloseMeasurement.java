package io.batchwise.samples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

import com.zaxxer.hikari.HikariDataSource;

import io.batchwise.core.JdbcDriver;
import io.batchwise.core.JdbcWalker;
import io.batchwise.core.Walk;
import io.batchwise.hibernate.YieldPer;

/**
 * How long closing a streaming walk takes when the caller stops after 10 of {@code -Drows=N} rows
 * (default 1,000,000): the drivers' own close, which reads the rest of the result off the socket
 * (raw JDBC, and a hand-written Hibernate scroll), next to Batchwise's walkers, which ask the
 * server to stop the query first. Prints the median of {@code -Drounds=5} closes per line (and each close, in ms).
 */
public final class EarlyCloseMeasurement {
    static final int TAKEN = 10;

    private EarlyCloseMeasurement() {
    }

    interface Opened extends AutoCloseable {
        void take(int rows) throws Exception;
    }

    interface Opener {
        Opened open() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.getLong("rows", 1_000_000L);
        int rounds = Integer.getInteger("rounds", 5);
        if (rows <= TAKEN || rounds < 1) {
            throw new IllegalArgumentException("rows must be > " + TAKEN + " and rounds >= 1, were " + rows + " and "
                    + rounds + "; pass e.g. -Drows=1000000 -Drounds=5");
        }
        try (SampleDatabase db = SampleDatabase.withItems(rows)) {
            System.out.printf("server: %s; close after %d of %,d rows, median of %d%n", db.describe(), TAKEN, rows, rounds);
            System.out.printf("%-22s %-48s %12s%n", "driver", "walk", "close (ms)");
            for (JdbcDriver driver : List.of(JdbcDriver.MYSQL_CONNECTOR_J, JdbcDriver.MARIADB_CONNECTOR_J)) {
                try (HikariDataSource pool = SampleDatabase.pool(SampleServer.get(), driver);
                        SessionFactory factory = SampleDatabase.hibernate(pool).buildSessionFactory()) {
                    int fetchSize = driver == JdbcDriver.MYSQL_CONNECTOR_J ? Integer.MIN_VALUE : 1_000;
                    measure(driver, "raw JDBC stream, the driver's close", rounds, () -> rawJdbc(pool, fetchSize));
                    measure(driver, "JdbcWalker", rounds, () -> walk(JdbcWalker.query(pool,
                            "select id, created_at, category, amount, payload from item order by id",
                            row -> row.getLong(1)).open(), null));
                    measure(driver, "Session.scroll by hand, Hibernate's close", rounds,
                            () -> scroll(factory.openSession(), fetchSize));
                    measure(driver, "yieldPer on a Session", rounds, () -> {
                        Session session = factory.openSession();
                        return walk(YieldPer.query(session, "from Item order by id", Item.class).open(), session);
                    });
                    measure(driver, "yieldPer on a StatelessSession", rounds, () -> {
                        StatelessSession session = factory.openStatelessSession();
                        return walk(YieldPer.query(session, "from Item order by id", Item.class).open(), session);
                    });
                }
            }
        } finally {
            SampleServer.stopEmbeddedNow();
        }
    }

    private static void measure(JdbcDriver driver, String walk, int rounds, Opener opener) throws Exception {
        List<Double> closes = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            Opened opened = opener.open();
            opened.take(TAKEN);
            long start = System.nanoTime();
            opened.close();
            closes.add((System.nanoTime() - start) / 1e6);
        }
        double[] sorted = closes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf("%-22s %-48s %12.1f   %s%n", driver, walk, sorted[sorted.length / 2],
                Arrays.toString(closes.stream().map(d -> Math.round(d)).toArray()));
    }

    private static Opened rawJdbc(HikariDataSource pool, int fetchSize) throws Exception {
        Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement(
                "select id, created_at, category, amount, payload from item order by id",
                ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
        statement.setFetchSize(fetchSize);
        ResultSet rows = statement.executeQuery();
        return new Opened() {
            @Override
            public void take(int n) throws Exception {
                for (int i = 0; i < n; i++) {
                    rows.next();
                }
            }

            @Override
            public void close() throws Exception {
                try (connection; statement; rows) {
                    // closing the result set reads the rest of it
                }
            }
        };
    }

    private static Opened scroll(Session session, int fetchSize) {
        ScrollableResults<Item> scroll = session.createSelectionQuery("from Item order by id", Item.class)
                .setReadOnly(true).setFetchSize(fetchSize).scroll(ScrollMode.FORWARD_ONLY);
        return new Opened() {
            @Override
            public void take(int n) {
                for (int i = 0; i < n; i++) {
                    scroll.next();
                }
            }

            @Override
            public void close() {
                try (session; scroll) {
                    // Hibernate closes the result set, which reads the rest of it
                }
            }
        };
    }

    private static Opened walk(Walk<?> walk, AutoCloseable session) {
        return new Opened() {
            @Override
            public void take(int n) {
                for (int i = 0; i < n; i++) {
                    walk.next();
                }
            }

            @Override
            public void close() throws Exception {
                walk.close();
                if (session != null) {
                    session.close();
                }
            }
        };
    }
}
