package io.batchwise.hibernate.jakarta.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeyCursorTest {
    @Test
    void holdsNullKeysAndComparesBinaryKeysByContent() {
        KeyCursor cursor = new KeyCursor(Arrays.asList(null, new byte[] {1, 2}, 7L));
        KeyCursor same = new KeyCursor(Arrays.asList(null, new byte[] {1, 2}, 7L));
        assertNull(cursor.get(0));
        assertEquals(3, cursor.size());
        assertNull(cursor.elements().get(0));
        assertEquals(same, cursor);
        assertEquals(same.hashCode(), cursor.hashCode());
        assertNotEquals(new KeyCursor(Arrays.asList(null, new byte[] {1, 3}, 7L)), cursor);
    }

    @Test
    void isImmutableAndDoesNotPrintItsValues() {
        List<Object> values = new ArrayList<>(List.of("secret-label", 5L));
        KeyCursor cursor = new KeyCursor(values);
        values.set(0, "changed");
        assertEquals("secret-label", cursor.get(0));
        assertThrows(UnsupportedOperationException.class, () -> cursor.elements().clear());
        assertEquals("KeyCursor with 2 values", cursor.toString());
        assertFalse(cursor.toString().contains("secret"));
    }
}
