package io.batchwise.hibernate;

import jakarta.persistence.metamodel.SingularAttribute;

import io.batchwise.core.SortKey;

/**
 * Sort keys of an {@link EntityPager} from the JPA static metamodel instead of strings, so that a
 * renamed attribute breaks the build, not a page:
 *
 * <pre>{@code
 * EntityPager.of(sessionFactory, Order.class)
 *         .orderBy(AttributeKeys.desc(Order_.createdAt))                       // e.createdAt
 *         .open();
 * EntityPager.of(sessionFactory, Shipment.class)
 *         .orderBy(AttributeKeys.asc(Shipment_.origin, Address_.city))         // e.origin.city
 *         .open();
 * }</pre>
 *
 * Each method gives the same {@link SortKey} as its string form ({@code SortKey.desc("createdAt")});
 * declare NULL placement and uniqueness on it as usual ({@code .nullable()}, {@code .unique()}).
 * The pager checks the key against the metamodel when it opens, as for strings.
 */
public final class AttributeKeys {
    private AttributeKeys() {
    }

    /** An ascending key on the attribute {@code path} leads to: one attribute, or an embeddable and its part. */
    @SafeVarargs
    public static SortKey asc(SingularAttribute<?, ?>... path) {
        return SortKey.asc(path(path));
    }

    /** A descending key on the attribute {@code path} leads to: one attribute, or an embeddable and its part. */
    @SafeVarargs
    public static SortKey desc(SingularAttribute<?, ?>... path) {
        return SortKey.desc(path(path));
    }

    private static String path(SingularAttribute<?, ?>[] path) {
        if (path == null || path.length == 0) {
            throw new IllegalArgumentException("path must name at least one attribute, was empty; pass a static"
                    + " metamodel attribute, e.g. AttributeKeys.asc(Order_.createdAt)");
        }
        StringBuilder dotted = new StringBuilder();
        for (int i = 0; i < path.length; i++) {
            SingularAttribute<?, ?> attribute = path[i];
            if (attribute == null) {
                throw new IllegalArgumentException("path[" + i + "] must not be null; the static metamodel is filled"
                        + " when the SessionFactory starts: build it before the keys, and add the entity to it");
            }
            if (i > 0 && !path[i - 1].getJavaType().equals(attribute.getDeclaringType().getJavaType())) {
                throw new IllegalArgumentException("path[" + i + "] is " + describe(attribute) + ", which is not an"
                        + " attribute of " + path[i - 1].getJavaType().getSimpleName() + ", the type of path["
                        + (i - 1) + "] (" + describe(path[i - 1]) + "); pass an embeddable attribute and then one of"
                        + " its parts, e.g. asc(Shipment_.origin, Address_.city)");
            }
            dotted.append(i == 0 ? "" : ".").append(attribute.getName());
        }
        return dotted.toString();
    }

    private static String describe(SingularAttribute<?, ?> attribute) {
        return attribute.getDeclaringType().getJavaType().getSimpleName() + "." + attribute.getName();
    }
}
