package io.batchwise.hibernate.jakarta.data;

import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;

import org.hibernate.StatelessSession;

/**
 * Makes a repository that Hibernate's processor generated, on a given session. The processor
 * writes the constructor to suit the injection framework it finds at compile time: it takes the
 * {@code StatelessSession} itself, or, with Spring on the class path (as in this module's tests),
 * Spring's {@code ObjectProvider<StatelessSession>}. Both are served here without naming Spring.
 */
final class GeneratedRepositories {
    private GeneratedRepositories() {
    }

    static <R> R on(Class<R> generated, StatelessSession session) {
        try {
            Constructor<?> constructor = generated.getConstructors()[0];
            Class<?> parameter = constructor.getParameterTypes()[0];
            Object argument = parameter.isInstance(session) ? session
                    : Proxy.newProxyInstance(parameter.getClassLoader(), new Class<?>[] {parameter},
                            (proxy, method, args) -> switch (method.getName()) {
                                case "getObject", "getIfAvailable", "getIfUnique" -> session;
                                case "toString" -> "provider of " + session;
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> throw new UnsupportedOperationException(method.toString());
                            });
            return generated.cast(constructor.newInstance(argument));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + generated.getName() + " on a session", e);
        }
    }
}
