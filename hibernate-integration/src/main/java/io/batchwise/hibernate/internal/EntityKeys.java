package io.batchwise.hibernate.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.persistence.metamodel.Attribute;
import jakarta.persistence.metamodel.EmbeddableType;
import jakarta.persistence.metamodel.EntityType;
import jakarta.persistence.metamodel.ManagedType;
import jakarta.persistence.metamodel.SingularAttribute;
import jakarta.persistence.metamodel.Type;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.SortKey;

/**
 * Resolves a caller's sort keys, named by entity attribute, against the JPA metamodel: each must be
 * a basic singular attribute (or one level into an embeddable, {@code "id.part"}); optional
 * attributes become nullable keys; the entity's id is appended as the tiebreaker unless the keys
 * already end with it.
 */
public final class EntityKeys {
    private EntityKeys() {
    }

    public static KeyOrder resolve(EntityType<?> entity, List<SortKey> requested) {
        List<SortKey> keys = new ArrayList<>();
        for (SortKey key : requested) {
            SingularAttribute<?, ?> attribute = basic(entity, key.column());
            boolean nullable = key.isNullable() || attribute.isOptional() && !attribute.isId();
            keys.add(SortKey.of(key.column(), key.direction(), nullable, key.nulls(), key.isUnique()));
        }
        List<String> idPaths = idPathsOf(entity);
        SortKey.Direction direction = keys.get(keys.size() - 1).direction();
        List<SortKey> tiebreaker = new ArrayList<>();
        for (String path : idPaths) {
            tiebreaker.add(SortKey.of(path, direction, false, SortKey.Nulls.DEFAULT, false));
        }
        return new KeyOrder(keys).withTiebreaker(tiebreaker);
    }

    /** The id attribute paths: {@code id}, or {@code id.a, id.b} for an embedded id, or the {@code @IdClass} attributes. */
    public static List<String> idPathsOf(EntityType<?> entity) {
        List<String> paths = new ArrayList<>();
        if (entity.hasSingleIdAttribute()) {
            SingularAttribute<?, ?> id = entity.getId(entity.getIdType().getJavaType());
            if (id.getType() instanceof EmbeddableType<?> embeddable) {
                for (Attribute<?, ?> part : embeddable.getAttributes()) {
                    paths.add(id.getName() + "." + part.getName());
                }
                paths.sort(null);
            } else {
                paths.add(id.getName());
            }
        } else {
            for (SingularAttribute<?, ?> part : entity.getIdClassAttributes()) {
                paths.add(part.getName());
            }
            paths.sort(null);
        }
        return paths;
    }

    private static SingularAttribute<?, ?> basic(EntityType<?> entity, String path) {
        String[] parts = path.split("\\.");
        ManagedType<?> type = entity;
        SingularAttribute<?, ?> attribute = null;
        for (int i = 0; i < parts.length; i++) {
            Attribute<?, ?> found = find(type, parts[i]);
            if (found == null) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" is not an attribute of "
                        + describe(entity, type) + "; it has " + names(type) + ". Name a basic attribute as"
                        + " declared in the entity class (not a column name)");
            }
            if (!(found instanceof SingularAttribute<?, ?> singular) || found.isAssociation()) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of " + entity.getName() + " is "
                        + (found.isCollection() ? "a collection" : "an association")
                        + ", which cannot be a sort key; name a basic attribute (for an association, its id"
                        + " attribute on this entity's own column is not reachable here: map the foreign key"
                        + " column as a basic attribute)");
            }
            attribute = singular;
            Type<?> attributeType = singular.getType();
            if (i < parts.length - 1) {
                if (!(attributeType instanceof EmbeddableType<?> embeddable)) {
                    throw new IllegalArgumentException("orderBy attribute \"" + path + "\": \"" + parts[i]
                            + "\" of " + entity.getName() + " is not embeddable, so \"" + parts[i + 1]
                            + "\" cannot follow it; name a basic attribute");
                }
                type = embeddable;
            } else if (attributeType instanceof EmbeddableType<?>) {
                throw new IllegalArgumentException("orderBy attribute \"" + path + "\" of " + entity.getName()
                        + " is embeddable; name its parts instead, e.g. \"" + path + "." + names(
                        (ManagedType<?>) attributeType).iterator().next() + "\"");
            }
        }
        return attribute;
    }

    private static Attribute<?, ?> find(ManagedType<?> type, String name) {
        for (Attribute<?, ?> attribute : type.getAttributes()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    private static String describe(EntityType<?> entity, ManagedType<?> type) {
        return type == entity ? "entity " + entity.getName() : "the embeddable " + type.getJavaType().getSimpleName()
                + " of entity " + entity.getName();
    }

    private static Set<String> names(ManagedType<?> type) {
        Set<String> names = new TreeSet<>();
        for (Attribute<?, ?> attribute : type.getAttributes()) {
            names.add(attribute.getName());
        }
        return names;
    }
}
