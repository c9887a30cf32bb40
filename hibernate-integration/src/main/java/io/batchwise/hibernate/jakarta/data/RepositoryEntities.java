package io.batchwise.hibernate.jakarta.data;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

import org.hibernate.SessionFactory;

import io.batchwise.core.spi.Arguments;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.internal.PagerAccess;

/** The entity of a {@link BatchwiseRepository}: the type argument its class gives the interface. */
final class RepositoryEntities {
    /** Per repository class: its entity class, or the explanation why it has none. */
    private static final ClassValue<Object> ENTITIES = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> repository) {
            Type found = search(repository, Map.of());
            if (found instanceof ParameterizedType parameterized) {
                found = parameterized.getRawType();
            }
            if (found instanceof Class<?> entity) {
                return entity;
            }
            return "the entity of repository " + repository.getName() + " is not known: it gives BatchwiseRepository "
                    + (found == null ? "no type argument" : "the type variable " + found) + ". Declare the repository"
                    + " with the entity class, e.g. interface Books extends CrudRepository<Book, Long>,"
                    + " BatchwiseRepository<Book>";
        }
    };

    private RepositoryEntities() {
    }

    @SuppressWarnings("unchecked")
    static <T> Class<T> entity(BatchwiseRepository<T> repository) {
        Object entity = ENTITIES.get(repository.getClass());
        if (entity instanceof String problem) {
            throw new IllegalStateException(problem);
        }
        return (Class<T>) entity;
    }

    /** The entity name HQL knows the entity by. */
    static String name(BatchwiseRepository<?> repository) {
        Class<?> entity = entity(repository);
        try {
            return repository.session().getFactory().getMetamodel().entity(entity).getName();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the entity of repository " + repository.getClass().getName() + ", "
                    + entity.getName() + ", is not an entity of its session factory; add it to the persistence unit"
                    + " or give BatchwiseRepository the entity class the repository serves", e);
        }
    }

    /** {@code pager}, if it pages this repository's entity on its factory. */
    static <T> EntityPager<T> check(BatchwiseRepository<T> repository, EntityPager<T> pager) {
        Arguments.notNull("pager", pager, "pass an EntityPager opened from repository.pager()...open()");
        Class<?> entity = entity(repository);
        Class<?> paged = PagerAccess.get().query(pager).entity();
        if (paged != entity) {
            throw new IllegalArgumentException("pager must page " + entity.getName() + ", the entity of repository "
                    + repository.getClass().getName() + ", but pages " + paged.getName() + "; open it with"
                    + " repository.pager()");
        }
        SessionFactory factory = repository.session().getFactory();
        if (PagerAccess.get().factory(pager) != factory) {
            throw new IllegalArgumentException("pager must be opened on the session factory of repository "
                    + repository.getClass().getName() + ", but was opened on another one; open it with"
                    + " repository.pager()");
        }
        return pager;
    }

    /** The type {@code type} gives BatchwiseRepository's type parameter, with {@code bindings} of its own variables. */
    private static Type search(Type type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> own = bindings;
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            own = new HashMap<>();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                Type argument = arguments[i];
                own.put(variables[i], argument instanceof TypeVariable<?> v ? bindings.getOrDefault(v, v) : argument);
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
        } else {
            return null;
        }
        if (raw == BatchwiseRepository.class) {
            return own.get(raw.getTypeParameters()[0]);
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = search(parent, own);
            if (found != null) {
                return found;
            }
        }
        return raw.getGenericSuperclass() == null ? null : search(raw.getGenericSuperclass(), own);
    }
}
