package io.batchwise.core;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Maps the current row of a result set to a value. Called once per row; must not advance or
 * close the result set, and must not keep it.
 *
 * @param <T> the row type
 */
@FunctionalInterface
public interface RowMapper<T> {
    T map(ResultSet row) throws SQLException;
}
