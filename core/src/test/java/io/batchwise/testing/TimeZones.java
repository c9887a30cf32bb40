package io.batchwise.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named time zones on the test server. MySQL and MariaDB know a zone name only when the
 * {@code mysql.time_zone*} tables hold it (usually loaded with {@code mysql_tzinfo_to_sql}); the
 * embedded server and the CI lanes start with them empty. This loads one zone from the JVM's own
 * time zone database (transitions 1970-2037), on servers the tests own: the embedded one, or one
 * named with {@code -Dbatchwise.test.loadTimeZones=true} (the CI lanes). Elsewhere it only reports
 * whether the zone is there.
 */
public final class TimeZones {
    private TimeZones() {
    }

    /** Whether the server knows {@code zone}, after loading it where the tests may. */
    public static synchronized boolean ensure(MySqlServer server, String zone) throws SQLException {
        try (Connection c = server.connect(null)) {
            if (known(c, zone)) {
                return true;
            }
            boolean mayLoad = server.kind() == MySqlServer.Kind.EMBEDDED_MARIADB
                    || Boolean.getBoolean("batchwise.test.loadTimeZones");
            if (!mayLoad) {
                return false;
            }
            load(c, zone);
            return known(c, zone);
        }
    }

    private static boolean known(Connection c, String zone) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT CONVERT_TZ('2024-01-01 00:00:00', '+00:00', ?)")) {
            s.setString(1, zone);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getString(1) != null;
            }
        }
    }

    private static void load(Connection c, String zone) throws SQLException {
        ZoneRules rules = ZoneId.of(zone).getRules();
        Map<ZoneOffset, Integer> types = new LinkedHashMap<>();
        List<long[]> transitions = new ArrayList<>();
        Instant at = Instant.parse("1970-01-01T00:00:00Z");
        Instant end = Instant.parse("2037-12-31T00:00:00Z");
        types.put(rules.getOffset(at), 0);
        for (ZoneOffsetTransition t = rules.nextTransition(at); t != null && t.getInstant().isBefore(end);
                t = rules.nextTransition(t.getInstant())) {
            int type = types.computeIfAbsent(t.getOffsetAfter(), o -> types.size());
            transitions.add(new long[] {t.getInstant().getEpochSecond(), type});
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO mysql.time_zone (Use_leap_seconds) VALUES ('N')");
            long id;
            try (ResultSet r = s.executeQuery("SELECT LAST_INSERT_ID()")) {
                r.next();
                id = r.getLong(1);
            }
            try (PreparedStatement name = c.prepareStatement(
                    "INSERT INTO mysql.time_zone_name (Name, Time_zone_id) VALUES (?, ?)")) {
                name.setString(1, zone);
                name.setLong(2, id);
                name.executeUpdate();
            }
            ZoneOffset standard = rules.getStandardOffset(at);
            try (PreparedStatement type = c.prepareStatement("INSERT INTO mysql.time_zone_transition_type"
                    + " (Time_zone_id, Transition_type_id, `Offset`, Is_DST, Abbreviation) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<ZoneOffset, Integer> e : types.entrySet()) {
                    type.setLong(1, id);
                    type.setInt(2, e.getValue());
                    type.setInt(3, e.getKey().getTotalSeconds());
                    type.setInt(4, e.getKey().getTotalSeconds() > standard.getTotalSeconds() ? 1 : 0);
                    type.setString(5, "T" + e.getValue());
                    type.addBatch();
                }
                type.executeBatch();
            }
            try (PreparedStatement transition = c.prepareStatement("INSERT INTO mysql.time_zone_transition"
                    + " (Time_zone_id, Transition_time, Transition_type_id) VALUES (?, ?, ?)")) {
                for (long[] t : transitions) {
                    transition.setLong(1, id);
                    transition.setLong(2, t[0]);
                    transition.setLong(3, t[1]);
                    transition.addBatch();
                }
                transition.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
