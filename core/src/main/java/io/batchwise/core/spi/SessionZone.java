package io.batchwise.core.spi;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a session's time zone ({@code @@session.time_zone}) can change its offset. TIMESTAMP
 * values travel between server and session as local times of that zone; in a zone with daylight
 * saving time, a local time of the hour after the clocks go back names two instants, so a TIMESTAMP
 * key cannot be bound as a local time there (see {@link KeyKind}).
 */
public final class SessionZone {
    private static final Pattern OFFSET = Pattern.compile("[+-]\\d{1,2}:\\d{2}");

    private SessionZone() {
    }

    /** Asks the session of {@code connection} (one small query). */
    public static boolean hasDaylightSaving(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT @@session.time_zone, @@system_time_zone")) {
            r.next();
            return hasDaylightSaving(r.getString(1), r.getString(2));
        }
    }

    /**
     * Whether the zone named {@code timeZone} (with {@code systemTimeZone} standing in for
     * {@code SYSTEM}) may change offset. Unknown names count as changing, the safe answer.
     */
    public static boolean hasDaylightSaving(String timeZone, String systemTimeZone) {
        String zone = timeZone == null ? "SYSTEM" : timeZone.trim();
        if (zone.equalsIgnoreCase("SYSTEM")) {
            zone = systemTimeZone == null ? "" : systemTimeZone.trim();
        }
        if (OFFSET.matcher(zone).matches()) {
            return false;
        }
        String upper = zone.toUpperCase(Locale.ROOT);
        if (upper.equals("UTC") || upper.equals("GMT") || upper.equals("UCT") || upper.equals("Z")
                || upper.equals("UNIVERSAL") || upper.equals("ZULU")) {
            return false;
        }
        try {
            return !ZoneId.of(zone).getRules().isFixedOffset();
        } catch (DateTimeException e) {
            return true;
        }
    }
}
