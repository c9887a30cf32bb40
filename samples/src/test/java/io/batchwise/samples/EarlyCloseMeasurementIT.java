package io.batchwise.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EarlyCloseMeasurementIT {
    @BeforeAll
    static void server() {
        TestServer.shareWithTheSamples();
    }

    @Test
    void measuresTheCloseOfEveryWalkerOnBothDrivers() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setProperty("rows", "20000");
        System.setProperty("rounds", "1");
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            EarlyCloseMeasurement.main(new String[0]);
        } finally {
            System.setOut(original);
            System.clearProperty("rows");
            System.clearProperty("rounds");
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertTrue(out.contains("close after 10 of 20,000 rows, median of 1"), out);
        for (String driver : new String[] {"MYSQL_CONNECTOR_J", "MARIADB_CONNECTOR_J"}) {
            for (String walk : new String[] {"raw JDBC stream, the driver's close", "JdbcWalker",
                    "Session.scroll by hand, Hibernate's close", "yieldPer on a Session", "yieldPer on a StatelessSession"}) {
                assertTrue(out.matches("(?s).*" + driver + " +" + java.util.regex.Pattern.quote(walk) + " +[0-9.]+ .*"),
                        driver + " / " + walk + ":\n" + out);
            }
        }
    }
}
