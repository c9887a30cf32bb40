package io.batchwise.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The restart that fault tests rely on: embedded, or on a real server through batchwise.test.restartCommand. */
@ExtendWith(MySqlServerExtension.class)
class MySqlServerRestartIT {

    @Test
    void restartDropsOpenConnectionsAndKeepsTheDataAtTheSameAddress(TestSchema schema) throws Exception {
        schema.execute("CREATE TABLE kept (id INT NOT NULL PRIMARY KEY) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
                "INSERT INTO kept VALUES (1), (2), (3)");
        try (Connection before = schema.server().connect(schema.name())) {
            schema.server().restart();
            assertFalse(before.isValid(5), "a connection opened before the restart must be gone");
        }
        try (Connection after = schema.server().connect(schema.name()); Statement s = after.createStatement();
                ResultSet r = s.executeQuery("SELECT COUNT(*) FROM kept")) {
            r.next();
            assertEquals(3, r.getInt(1));
        }
    }
}
