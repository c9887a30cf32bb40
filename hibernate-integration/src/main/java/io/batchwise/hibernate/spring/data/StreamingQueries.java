package io.batchwise.hibernate.spring.data;

import java.lang.reflect.Method;
import java.util.Set;

import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;

import org.aopalliance.intercept.MethodInterceptor;
import org.hibernate.SharedSessionContract;
import org.hibernate.query.SelectionQuery;
import org.hibernate.query.spi.AbstractCommonQueryContract;
import org.springframework.aop.framework.ProxyFactory;

import io.batchwise.core.StreamingOptions;
import io.batchwise.hibernate.YieldPer;

/**
 * The entity manager a Batchwise repository's queries are created with: while a
 * {@link BatchwiseStream} method runs on the thread ({@link StreamingMethods#current()}), the
 * queries it creates answer {@code getResultStream()} with a {@link YieldPer} walk of themselves, with
 * every parameter, hint, limit and lock mode Spring Data set on them. Everything else passes through.
 */
final class StreamingQueries {
    private static final Set<String> CREATORS = Set.of("createQuery", "createNamedQuery", "createNativeQuery",
            "createSelectionQuery");
    private static final Set<String> STREAMS = Set.of("getResultStream", "stream");

    private StreamingQueries() {
    }

    static EntityManager entityManager(EntityManager target) {
        ProxyFactory factory = new ProxyFactory(target);
        factory.addAdvice((MethodInterceptor) invocation -> {
            Object result = invocation.proceed();
            StreamingMethods.Settings settings = StreamingMethods.current();
            if (settings != null && result instanceof Query query && CREATORS.contains(invocation.getMethod().getName())) {
                return query(query, settings);
            }
            return result;
        });
        return (EntityManager) factory.getProxy(StreamingQueries.class.getClassLoader());
    }

    private static Query query(Query target, StreamingMethods.Settings settings) {
        if (!(target instanceof SelectionQuery<?> selection) || !(target instanceof AbstractCommonQueryContract contract)) {
            throw new IllegalStateException("@BatchwiseStream on " + settings.method() + " needs a Hibernate ORM"
                    + " selection query, but the persistence unit made a " + target.getClass().getName()
                    + "; use Hibernate as the JPA provider, or remove the annotation");
        }
        ProxyFactory factory = new ProxyFactory(target);
        Object[] self = new Object[1];
        factory.addAdvice((MethodInterceptor) invocation -> {
            Method method = invocation.getMethod();
            if (method.getParameterCount() == 0 && STREAMS.contains(method.getName())) {
                return walk(contract.getSession(), selection, settings);
            }
            if (method.getName().equals("unwrap") && invocation.getArguments()[0] == null) {
                return target;   // as Spring's own query proxies answer: Spring Data reads parameter metadata so
            }
            Object result = invocation.proceed();
            return result == target ? self[0] : result;   // fluent setters keep returning the walking query
        });
        self[0] = factory.getProxy(StreamingQueries.class.getClassLoader());
        return (Query) self[0];
    }

    @SuppressWarnings("unchecked")
    private static Object walk(SharedSessionContract session, SelectionQuery<?> query,
            StreamingMethods.Settings settings) {
        StreamingOptions options = settings.options();
        YieldPer.Builder<Object> walk = YieldPer.query(session, (SelectionQuery<Object>) query)
                .batchSize(options.batchSize())
                .connectionUse(options.connectionUse())
                .afterBatch(settings.afterBatch());
        if (options.fetchSize() != null) {
            walk.fetchSize(options.fetchSize());
        }
        return walk.stream();
    }
}
