package io.batchwise.hibernate.internal;

import java.sql.DatabaseMetaData;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.engine.jdbc.dialect.spi.DialectResolutionInfo;

/**
 * The real server and version behind a MySQL-family connection. MariaDB answers MySQL Connector/J
 * with {@code 5.5.5-10.11.5-MariaDB} (the prefix kept old MySQL clients working), which Hibernate
 * reads as version 5.5.5; MariaDB Connector/J reports {@code 10.11.5-MariaDB}.
 *
 * @param mariaDb whether the server is MariaDB
 * @param version the server's own version
 * @param text    the version as the server reports it, without the {@code 5.5.5-} prefix
 */
public record ServerVersion(boolean mariaDb, DatabaseVersion version, String text) {
    private static final Pattern VERSION = Pattern.compile("(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)\\.(\\d+)");

    /**
     * Parses a {@code SELECT VERSION()} answer or a driver's product version, such as
     * {@code 11.4.5-MariaDB-log}, {@code 5.5.5-10.11.5-MariaDB} or {@code 8.4.3}; {@code productName}
     * (may be null) also says MariaDB when a driver reports it so.
     *
     * @return the version, or null when {@code text} does not start with one
     */
    public static ServerVersion parse(String text, String productName) {
        if (text == null) {
            return null;
        }
        Matcher m = VERSION.matcher(text.trim());
        if (!m.lookingAt()) {
            return null;
        }
        boolean mariaDb = text.toLowerCase(Locale.ROOT).contains("mariadb") || "MariaDB".equalsIgnoreCase(productName);
        DatabaseVersion version = DatabaseVersion.make(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
        String own = text.trim().startsWith("5.5.5-") ? text.trim().substring("5.5.5-".length()) : text.trim();
        return new ServerVersion(mariaDb, version, own);
    }

    /**
     * {@code info} as Hibernate would have read it from a driver that reports the real version:
     * the version fields are the server's own; everything else is {@code info}'s. The SQL keywords
     * are empty when the driver cannot list them (MySQL Connector/J asks MariaDB for a column of
     * {@code information_schema.KEYWORDS} that only MySQL has).
     */
    public DialectResolutionInfo correct(DialectResolutionInfo info) {
        return new DialectResolutionInfo() {
            @Override
            public String getDatabaseName() {
                return mariaDb ? "MariaDB" : info.getDatabaseName();
            }

            @Override
            public String getDatabaseVersion() {
                return text;
            }

            @Override
            public int getDatabaseMajorVersion() {
                return version.getDatabaseMajorVersion();
            }

            @Override
            public int getDatabaseMinorVersion() {
                return version.getDatabaseMinorVersion();
            }

            @Override
            public int getDatabaseMicroVersion() {
                return version.getDatabaseMicroVersion();
            }

            @Override
            public String getDriverName() {
                return info.getDriverName();
            }

            @Override
            public int getDriverMajorVersion() {
                return info.getDriverMajorVersion();
            }

            @Override
            public int getDriverMinorVersion() {
                return info.getDriverMinorVersion();
            }

            @Override
            public String getSQLKeywords() {
                try {
                    return info.getSQLKeywords();
                } catch (RuntimeException e) {
                    return "";
                }
            }

            @Override
            public DatabaseMetaData getDatabaseMetadata() {
                return info.getDatabaseMetadata();
            }

            @Override
            public Map<String, Object> getConfigurationValues() {
                return info.getConfigurationValues();
            }

            @Override
            public String toString() {
                return (mariaDb ? "MariaDB " : "MySQL ") + text;
            }
        };
    }
}
