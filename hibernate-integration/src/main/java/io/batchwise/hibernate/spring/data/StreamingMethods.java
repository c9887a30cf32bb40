package io.batchwise.hibernate.spring.data;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.core.support.RepositoryProxyPostProcessor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.batchwise.core.StreamingOptions;
import io.batchwise.hibernate.AfterBatch;

/**
 * The {@link BatchwiseStream} methods of one repository: checked when the repository is created,
 * and run with the settings bound to the thread (which {@link StreamingQueries} reads when Spring
 * Data creates the query) inside a transaction.
 */
final class StreamingMethods implements RepositoryProxyPostProcessor {
    /** One annotated method's settings, checked. */
    record Settings(String method, StreamingOptions options, AfterBatch afterBatch) {
    }

    private static final ThreadLocal<Settings> CURRENT = new ThreadLocal<>();

    private final Supplier<PlatformTransactionManager> transactionManager;

    StreamingMethods(Supplier<PlatformTransactionManager> transactionManager) {
        this.transactionManager = transactionManager;
    }

    /** The settings of the annotated method running on this thread, or null. */
    static Settings current() {
        return CURRENT.get();
    }

    @Override
    public void postProcess(ProxyFactory factory, RepositoryInformation repository) {
        Map<Method, Settings> methods = check(repository);
        if (!methods.isEmpty()) {
            // first, so that the transaction is there when Spring Data looks for a surrounding one
            factory.addAdvice(0, new Interceptor(methods, transactionManager));
        }
    }

    /**
     * The annotated methods of the repository with their settings.
     *
     * @throws IllegalStateException naming the method and the fix, for every misuse
     */
    static Map<Method, Settings> check(RepositoryInformation repository) {
        Map<Method, Settings> methods = new HashMap<>();
        Class<?> type = repository.getRepositoryInterface();
        for (Method method : type.getMethods()) {
            BatchwiseStream annotation = AnnotatedElementUtils.findMergedAnnotation(method, BatchwiseStream.class);
            if (annotation == null) {
                continue;
            }
            String name = describe(type, method);
            if (!Stream.class.equals(method.getReturnType())) {
                throw new IllegalStateException("@BatchwiseStream on " + name + " needs a method that returns"
                        + " java.util.stream.Stream, but it returns " + method.getReturnType().getName() + "; declare"
                        + " Stream<...> " + method.getName() + "(...) and close the stream (try-with-resources), or"
                        + " remove the annotation (a List or Iterable result is read whole into memory)");
            }
            if (!repository.isQueryMethod(method)) {
                throw new IllegalStateException("@BatchwiseStream on " + name + " needs a query method (derived"
                        + " from its name, or with @Query), but " + method.getName() + " is implemented by "
                        + (repository.isCustomMethod(method) ? "a repository fragment" : "the base repository")
                        + "; annotate a query method, or walk with YieldPer inside the fragment");
            }
            methods.put(method, settings(name, annotation));
        }
        return methods;
    }

    private static Settings settings(String name, BatchwiseStream annotation) {
        StreamingOptions options;
        try {
            options = StreamingOptions.defaults().withBatchSize(annotation.batchSize())
                    .withConnectionUse(annotation.connectionUse());
            if (annotation.fetchSize() != BatchwiseStream.CHOSEN) {
                options = options.withFetchSize(annotation.fetchSize());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("@BatchwiseStream on " + name + ": " + e.getMessage(), e);
        }
        return new Settings(name, options, annotation.afterBatch());
    }

    private static String describe(Class<?> type, Method method) {
        StringBuilder text = new StringBuilder(type.getSimpleName()).append('.').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getSimpleName());
        }
        return text.append(')').toString();
    }

    /** Binds the settings and, without a surrounding transaction, a read-only one that ends with the stream. */
    private static final class Interceptor implements MethodInterceptor {
        private final Map<Method, Settings> methods;
        private final Supplier<PlatformTransactionManager> transactionManager;

        Interceptor(Map<Method, Settings> methods, Supplier<PlatformTransactionManager> transactionManager) {
            this.methods = methods;
            this.transactionManager = transactionManager;
        }

        @Override
        public Object invoke(MethodInvocation invocation) throws Throwable {
            Settings settings = methods.get(invocation.getMethod());
            if (settings == null) {
                return invocation.proceed();
            }
            if (settings.afterBatch().flushes() && !TransactionSynchronizationManager.isActualTransactionActive()) {
                throw new InvalidDataAccessApiUsageException("@BatchwiseStream(afterBatch = " + settings.afterBatch() + ") on "
                        + settings.method() + " writes each batch, so it needs the caller's read-write transaction,"
                        + " but none is active; call it inside @Transactional or a TransactionTemplate");
            }
            return ReadOnlyTransactions.stream(transactionManager, "@BatchwiseStream " + settings.method(), () -> {
                Settings outer = CURRENT.get();
                CURRENT.set(settings);
                try {
                    return invocation.proceed();
                } finally {
                    if (outer == null) {
                        CURRENT.remove();
                    } else {
                        CURRENT.set(outer);
                    }
                }
            });
        }
    }
}
