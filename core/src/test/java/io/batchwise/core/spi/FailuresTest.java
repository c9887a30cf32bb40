package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import io.batchwise.core.BatchwiseException;
import io.batchwise.core.BatchwiseException.Reason;
import io.batchwise.core.FetchPlan;
import io.batchwise.core.JdbcDriver;

/** The driver reports as observed against the server (see docs/faults.md), classified and explained. */
class FailuresTest {
    static final FetchPlan STREAM = new FetchPlan(FetchPlan.Mode.STREAM, Integer.MIN_VALUE, JdbcDriver.MYSQL_CONNECTOR_J);
    static final FetchPlan CURSOR = new FetchPlan(FetchPlan.Mode.CURSOR, 1_000, JdbcDriver.MYSQL_CONNECTOR_J);

    static SQLException connectorJStreamCut() {
        return new SQLException("Error retrieving record: Unexpected Exception: java.io.EOFException message given:"
                + " Can not read response from server.\n\nNested Stack Trace: ...", "S1000", 0,
                new EOFException("Can not read response from server."));
    }

    static BatchwiseException explained(Exception driver, Failures.Context context) {
        RuntimeException failure = driver instanceof SQLException e ? Failures.unchecked("Reading row 43", e)
                : (RuntimeException) driver;
        return assertInstanceOf(BatchwiseException.class, Failures.explainRead(failure, context));
    }

    @Test
    void recognisesFaultsByStateCodeAndTypeNotByMessage() {
        assertEquals(Reason.QUERY_KILLED, Failures.classify(new SQLException("whatever", "70100", 1317)));
        assertEquals(Reason.QUERY_KILLED, Failures.classify(new SQLTimeoutException("x", "70100", 1317)));
        assertEquals(Reason.QUERY_TIMEOUT, Failures.classify(new SQLException("x", "HY000", 3024)));
        assertEquals(Reason.QUERY_TIMEOUT, Failures.classify(new SQLException("x", "70100", 1969)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(connectorJStreamCut()));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(
                new SQLNonTransientConnectionException("(conn=13) Error while streaming resultSet data", "08000", -1)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("Communications link failure", "08S01")));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("x", "HY000", 1927)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(
                new RuntimeException("ORM wrapper", new SQLException("x", "S1000", 0, new SocketException("Connection reset")))));
        assertEquals(Reason.OTHER, Failures.classify(new SQLException("You have an error in your SQL syntax", "42000", 1064)));
        assertEquals(Reason.OTHER, Failures.classify(new SocketException("no SQLException around it")));
        assertEquals(Reason.OTHER, Failures.classify(new IllegalStateException("the caller's own")));
    }

    @Test
    void everyServerReportHasTheReasonRetryCodeNeeds() {
        assertEquals(Reason.SERVER_SHUTDOWN, Failures.classify(new SQLException("Server shutdown in progress", "08S01", 1053)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("Connection was killed", "70100", 1927)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("x", "HY000", 3169)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("wait_timeout", "HY000", 4031)));
        assertEquals(Reason.CONNECTION_LOST, Failures.classify(new SQLException("gone away", "HY000", 2006)));
        assertEquals(Reason.LOCK_WAIT_TIMEOUT, Failures.classify(new RuntimeException("ORM wrapper",
                new SQLException("Lock wait timeout exceeded; try restarting transaction", "HY000", 1205))));
        assertEquals(Reason.LOCK_WAIT_TIMEOUT, Failures.classify(new SQLTransactionRollbackException(
                "Lock wait timeout exceeded", "40001", 1205)));
        assertEquals(Reason.DEADLOCK, Failures.classify(new SQLTransactionRollbackException(
                "Deadlock found when trying to get lock", "40001", 1213)));
        assertEquals(Reason.DEADLOCK, Failures.classify(new SQLException("serialization failure", "40001", 0)));
        assertEquals(Reason.BAD_DATA, Failures.classify(new SQLException("Data truncation", "22001", 1406)));
        assertEquals(Reason.BAD_DATA, Failures.classify(new SQLException("Incorrect datetime value", "22007", 1292)));
        assertEquals(Reason.STREAM_BLOCKED, Failures.classify(new SQLException(
                "Streaming result set com.mysql.cj.protocol.a.result.ResultsetRowsStreaming@1 is still active.")));
        assertEquals(Reason.OUT_OF_HEAP, Failures.classify(new SQLException("Java heap space", "HY000", 0)));
        assertEquals(Reason.OUT_OF_HEAP, Failures.classify(new RuntimeException(new OutOfMemoryError("Java heap space"))));
        assertEquals(Reason.NO_CONNECTION, Failures.classify(new SQLTransientConnectionException(
                "pool - Connection is not available, request timed out after 250ms")));
        assertEquals(Reason.OTHER, Failures.classify(null));
    }

    @Test
    void onlyFailuresThatARetryCanOutliveAreTransient() {
        EnumSet<Reason> transientOnes = EnumSet.noneOf(Reason.class);
        for (Reason reason : Reason.values()) {
            if (reason.isTransient()) {
                transientOnes.add(reason);
            }
        }
        assertEquals(EnumSet.of(Reason.CONNECTION_LOST, Reason.SERVER_SHUTDOWN, Reason.QUERY_KILLED,
                Reason.LOCK_WAIT_TIMEOUT, Reason.DEADLOCK, Reason.NO_CONNECTION), transientOnes);
    }

    @Test
    void theExplainedExceptionCarriesTheReason() {
        assertEquals(Reason.QUERY_KILLED, explained(new SQLException("Query execution was interrupted", "70100", 1317),
                new Failures.Context(42, 1_000, 10, STREAM, 600)).reason());
        assertEquals(Reason.QUERY_TIMEOUT, explained(new SQLException("max_statement_time exceeded", "70100", 1969),
                new Failures.Context(42, 1_000, 10, STREAM, 600)).reason());
        assertEquals(Reason.CONNECTION_LOST, explained(connectorJStreamCut(),
                new Failures.Context(557, 100, 3_012, STREAM, 0)).reason(), "slow, but the timeout is not known");
        assertEquals(Reason.NET_WRITE_TIMEOUT, explained(connectorJStreamCut(),
                new Failures.Context(557, 100, 3_012, STREAM, 1)).reason(), "a batch outlasted the known timeout");
        assertEquals(Reason.SERVER_SHUTDOWN, explained(new SQLException("Server shutdown in progress", "08S01", 1053),
                new Failures.Context(5, 10, 0, STREAM, 0)).reason());
        assertEquals(Reason.BAD_DATA, explained(new SQLException("Data truncation", "22001", 1406),
                new Failures.Context(6, 10, 0, STREAM, 0)).reason());
        assertEquals(Reason.NO_CONNECTION, Failures.cannotBorrow(new SQLTransientConnectionException("pool - timeout"),
                "the walk of select 1").reason());
    }

    @Test
    void aWrappedFailureTakesTheReasonOfItsCauseAndATokenIsAddedOnlyToALibraryException() {
        BatchwiseException wrapped = Failures.wrap("A page failed", 180, "token-after-180",
                new RuntimeException(new SQLException("Deadlock found", "40001", 1213)));
        assertEquals(Reason.DEADLOCK, wrapped.reason());
        assertEquals("token-after-180", wrapped.resumeToken().orElseThrow());
        assertEquals(180, wrapped.rowsRead());

        BatchwiseException plain = Failures.wrap("Reading a page failed", 10, null, connectorJStreamCut());
        assertTrue(plain.resumeToken().isEmpty());
        BatchwiseException withToken = assertInstanceOf(BatchwiseException.class,
                Failures.withResumeToken(plain, "token-after-10"));
        assertEquals("token-after-10", withToken.resumeToken().orElseThrow());
        assertEquals(Reason.CONNECTION_LOST, withToken.reason());
        assertEquals(plain.getMessage(), withToken.getMessage());
        assertSame(plain.getCause(), withToken.getCause());
        IllegalStateException own = new IllegalStateException("the caller's own");
        assertSame(own, Failures.withResumeToken(own, "token"));
    }

    @Test
    void aKilledQueryNamesTheServerErrorTheRowsReadAndTheFix() {
        BatchwiseException e = explained(new SQLException("Query execution was interrupted", "70100", 1317),
                new Failures.Context(42, 1_000, 10, STREAM, 600));
        assertEquals(42, e.rowsRead());
        assertTrue(e.getMessage().startsWith("The server interrupted the walk's query after 42 rows had been read"
                + " (server error 1317, SQLState 70100: Query execution was interrupted): someone ran KILL QUERY"), e.getMessage());
        assertTrue(e.getMessage().contains("keyset pager"), e.getMessage());
        BatchwiseException limit = explained(new SQLException("Query execution was interrupted (max_statement_time exceeded)",
                "70100", 1969), new Failures.Context(42, 1_000, 10, STREAM, 600));
        assertTrue(limit.getMessage().contains("max_statement_time"), limit.getMessage());
        assertTrue(limit.getMessage().contains("raise the time limit"), limit.getMessage());
    }

    @Test
    void aLostConnectionKeepsTheDriversFirstLineAndNamesNetWriteTimeoutOnlyAfterASlowChunk() {
        BatchwiseException fast = explained(connectorJStreamCut(), new Failures.Context(15_488, 1_000, 40, STREAM, 600));
        assertTrue(fast.getMessage().startsWith("The walk lost its connection to the server after 15488 rows had been"
                + " read (driver: \"Error retrieving record: Unexpected Exception: java.io.EOFException message given:"
                + " Can not read response from server.\" (SQLState S1000, error 0))."), fast.getMessage());
        assertFalse(fast.getMessage().contains("Nested Stack Trace"), "first line only");
        assertFalse(fast.getMessage().contains("net_write_timeout"), "a chunk under 1 s cannot outlast net_write_timeout");
        assertSame(SQLException.class, fast.getCause().getClass());

        BatchwiseException slow = explained(connectorJStreamCut(), new Failures.Context(557, 100, 3_012, STREAM, 0));
        assertTrue(slow.getMessage().contains("or the server gave up writing to a walk that had stopped reading"
                + " (net_write_timeout; the slowest batch of this walk (100 rows) took 3.0 s)"), slow.getMessage());
        assertTrue(slow.getMessage().contains("netWriteTimeout(Duration)"), slow.getMessage());

        BatchwiseException known = explained(connectorJStreamCut(), new Failures.Context(557, 100, 3_012, STREAM, 1));
        assertTrue(known.getMessage().contains("The server most likely gave up writing to the walk while the loop was busy"
                + " (net_write_timeout): the slowest batch of this walk (100 rows) took 3.0 s and its net_write_timeout"
                + " was 1 s."), known.getMessage());

        BatchwiseException cursor = explained(connectorJStreamCut(), new Failures.Context(1_000, 1_000, 3_012, CURSOR, 0));
        assertTrue(cursor.getMessage().contains("wait_timeout"), cursor.getMessage());
        assertFalse(cursor.getMessage().contains("net_write_timeout"), "a cursor is not limited by it: " + cursor.getMessage());
    }

    @Test
    void aServerReportedReasonIsNamed() {
        BatchwiseException killed = explained(new SQLException("Connection was killed", "70100", 1927),
                new Failures.Context(5, 10, 0, STREAM, 0));
        assertTrue(killed.getMessage().contains("The server reports that the connection was killed (KILL CONNECTION)"),
                killed.getMessage());
        BatchwiseException shutdown = explained(new SQLException("Server shutdown in progress", "08S01", 1053),
                new Failures.Context(5, 10, 0, STREAM, 0));
        assertTrue(shutdown.getMessage().contains("The server is shutting down"), shutdown.getMessage());
    }

    @Test
    void anUnrecognisedDriverFailureIsReportedWithWhatTheWalkWasDoing() {
        RuntimeException failure = Failures.explainRead(
                Failures.unchecked("Reading row 7", new SQLException("Data truncation", "22001", 1406)),
                new Failures.Context(6, 10, 0, STREAM, 0));
        assertEquals("Reading row 7 failed: Data truncation", failure.getMessage());
        IllegalStateException own = new IllegalStateException("the caller's own");
        assertSame(own, Failures.explainRead(own, new Failures.Context(6, 10, 0, STREAM, 0)));
    }

    @Test
    void anExhaustedPoolIsToldFromAnUnreachableServer() {
        BatchwiseException exhausted = Failures.cannotBorrow(new SQLTransientConnectionException(
                "pool - Connection is not available, request timed out after 250ms (total=1, active=1, idle=0, waiting=0)"),
                "the walk of select 1");
        assertEquals(-1, exhausted.rowsRead());
        assertTrue(exhausted.getMessage().startsWith("Could not get a connection for the walk of select 1 from the"
                + " DataSource: pool - Connection is not available, request timed out after 250ms"), exhausted.getMessage());
        assertTrue(exhausted.getMessage().contains("Every open walk holds one connection until it is closed"));
        BatchwiseException down = Failures.cannotBorrow(new SQLTransientConnectionException("pool - Connection is not"
                + " available", new SQLException("Communications link failure", "08S01", 0,
                        new ConnectException("Connection refused"))), "the walk of select 1");
        assertTrue(down.getMessage().contains("The server did not answer"), down.getMessage());
        assertFalse(down.getMessage().contains("Every open walk"), down.getMessage());
    }
}
