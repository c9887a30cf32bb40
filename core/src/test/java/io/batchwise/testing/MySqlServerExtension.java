package io.batchwise.testing;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

import io.batchwise.core.spi.ReadAhead;

/**
 * Gives a test class its own {@link TestSchema} on the JVM's {@link MySqlServer} (resolve it as a
 * constructor, {@code @BeforeAll} or test method parameter), drops it after the class, and fails
 * a test that leaves a pooled connection borrowed (an unclosed walk) or a read-ahead reader thread
 * running ({@link #readerThreads()}). When the chosen server cannot
 * exist here (Testcontainers without Docker) the whole class is disabled with the reason, so that
 * it is reported as skipped rather than as an aborted {@code @BeforeAll} that counts no tests.
 */
public final class MySqlServerExtension implements ExecutionCondition, BeforeAllCallback, AfterEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MySqlServerExtension.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final AtomicBoolean UNAVAILABLE_REPORTED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        try {
            MySqlServer.get();
            return ConditionEvaluationResult.enabled("a MySQL-family server is available");
        } catch (TestAbortedException e) {
            String reason = String.valueOf(e.getMessage()).replaceFirst("^Assumption failed: ", "");
            if (UNAVAILABLE_REPORTED.compareAndSet(false, true)) {
                System.err.println("[batchwise] " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        schema(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        TestSchema schema = schema(context);
        long deadline = System.nanoTime() + 3_000_000_000L;
        int borrowed;
        while ((borrowed = schema.borrowedConnections()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (borrowed > 0) {
            throw new AssertionError(borrowed + " pooled connection(s) still borrowed after "
                    + context.getDisplayName() + ": a walk, statement or session was not closed");
        }
        int readers = readerThreads();
        if (readers > 0) {
            throw new AssertionError(readers + " read-ahead reader thread(s) still running after "
                    + context.getDisplayName() + ": a walk with readAhead was not closed, or its close did not wait"
                    + " for its reader");
        }
    }

    /**
     * Read-ahead reader threads alive now: platform threads by name ({@link ReadAhead#THREAD_NAME}),
     * or the readers still running (virtual threads, which the JDK does not list), whichever is more.
     */
    public static int readerThreads() {
        long named = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(ReadAhead.THREAD_NAME) && t.isAlive()).count();
        return (int) Math.max(named, ReadAhead.running());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestSchema.class || type == MySqlServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestSchema schema = schema(context);
        return parameter.getParameter().getType() == MySqlServer.class ? schema.server() : schema;
    }

    private static TestSchema schema(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().isPresent() && classContext.getParent().get().getTestClass().isPresent()) {
            classContext = classContext.getParent().get();
        }
        Class<?> testClass = classContext.getRequiredTestClass();
        return classContext.getStore(NAMESPACE).computeIfAbsent(TestSchema.class, k -> {
            try {
                String name = ("bw_" + testClass.getSimpleName().toLowerCase(Locale.ROOT) + "_" + COUNTER.incrementAndGet());
                return new TestSchema(MySqlServer.get(), name.length() > 60 ? name.substring(0, 60) : name);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("Could not create the test schema: " + e.getMessage(), e);
            }
        }, TestSchema.class);
    }
}
