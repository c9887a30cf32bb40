package io.batchwise.hibernate.jakarta.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import jakarta.data.page.PageRequest;

/**
 * The cursor of one row of a {@link CursoredPages} page: the row's key values in the pager's key
 * order, the tiebreaker last. Unlike {@code Cursor.forKey(...)}, whose {@code elements()} refuses
 * NULL, it holds the NULL of a nullable key like any other value. Immutable.
 */
record KeyCursor(List<Object> values) implements PageRequest.Cursor {
    KeyCursor {
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    @Override
    public Object get(int index) {
        return values.get(index);
    }

    @Override
    public int size() {
        return values.size();
    }

    @Override
    public List<?> elements() {
        return values;
    }

    /** Equal values, binary keys ({@code byte[]}) by content. */
    @Override
    public boolean equals(Object other) {
        return other instanceof KeyCursor that && Arrays.deepEquals(values.toArray(), that.values.toArray());
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values.toArray());
    }

    /** The number of values, not the values (as {@link PageRequest.Cursor#toString()} asks). */
    @Override
    public String toString() {
        return "KeyCursor with " + values.size() + " values";
    }
}
