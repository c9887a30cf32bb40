package io.batchwise.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PageTest {

    @Test
    void aPageSaysWhichNeighbourItHasByName() {
        Page<String> page = Page.of(List.of("a", "b"), "after-b", "before-a");
        assertFalse(page.hasNext());
        assertFalse(page.hasPrevious());

        Page<String> middle = page.withHasNext(true).withHasPrevious(true);
        assertTrue(middle.hasNext());
        assertTrue(middle.hasPrevious());
        assertEquals(List.of("a", "b"), middle.content());
        assertEquals("after-b", middle.nextToken());
        assertEquals("before-a", middle.previousToken());

        Page<String> last = page.withHasPrevious(true);
        assertFalse(last.hasNext());
        assertTrue(last.hasPrevious());
        assertFalse(page.hasPrevious(), "withX returns a new page");
    }

    @Test
    void contentIsCopiedAndUnmodifiable() {
        List<String> rows = new ArrayList<>(List.of("a"));
        Page<String> page = Page.of(rows, "t", "t");
        rows.add("b");
        assertEquals(List.of("a"), page.content());
        assertThrows(UnsupportedOperationException.class, () -> page.content().add("c"));
        assertEquals(1, page.size());
        assertTrue(Page.of(List.of(), null, null).isEmpty());
    }

    @Test
    void pagesWithTheSameRowsTokensAndNeighboursAreEqual() {
        assertEquals(Page.of(List.of(1), "n", "p").withHasNext(true), Page.of(List.of(1), "n", "p").withHasNext(true));
        assertEquals(Page.of(List.of(1), "n", "p").hashCode(), Page.of(List.of(1), "n", "p").hashCode());
        assertNotEquals(Page.of(List.of(1), "n", "p").withHasNext(true), Page.of(List.of(1), "n", "p"));
    }

    @Test
    void nullContentIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Page.of(null, null, null));
        assertEquals("content must not be null; pass the rows of the page, or an empty list", e.getMessage());
    }
}
