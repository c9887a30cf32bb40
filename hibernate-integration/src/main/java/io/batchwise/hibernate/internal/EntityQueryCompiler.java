package io.batchwise.hibernate.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.persistence.criteria.ParameterExpression;
import jakarta.persistence.metamodel.EntityType;

import org.hibernate.HibernateException;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.query.criteria.HibernateCriteriaBuilder;
import org.hibernate.query.criteria.JpaCriteriaQuery;
import org.hibernate.query.sqm.tree.SqmVisitableNode;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;
import org.hibernate.query.sqm.tree.select.SqmSelection;

import io.batchwise.core.KeyOrder;
import io.batchwise.core.spi.ResumeTokens;
import io.batchwise.hibernate.CriteriaCondition;

/**
 * Compiles what an {@code EntityPager} builder was given (entity, select items and row type, HQL
 * condition, parameters, criteria condition) into its page query, checking it against Hibernate's
 * query tree without running anything: a bad select, condition, parameter or row type fails here,
 * before the first statement, with the fix in the message.
 *
 * @param <E> the entity type
 * @param <T> the row type
 */
public final class EntityQueryCompiler<E, T> {
    private final SessionFactory factory;
    private final Class<E> entity;
    private final EntityType<E> type;
    private final String select;
    private final Class<T> rowType;
    private final String where;
    private final Map<String, Object> parameters;
    private final CriteriaCondition<E> condition;

    /**
     * @param select     HQL select items on alias {@code e}, or null for the entity
     * @param where      HQL condition on alias {@code e}, or null
     * @param parameters the condition's named parameters (copied)
     * @param condition  a criteria condition ANDed in, or null
     */
    public EntityQueryCompiler(SessionFactory factory, Class<E> entity, EntityType<E> type, String select,
            Class<T> rowType, String where, Map<String, Object> parameters, CriteriaCondition<E> condition) {
        this.factory = factory;
        this.entity = entity;
        this.type = type;
        this.select = select;
        this.rowType = rowType;
        this.where = where;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.condition = condition;
    }

    /** A checked page query and the fingerprint its tokens carry. */
    public record Compiled<E, T>(EntityKeysetQuery<E, T> query, byte[] fingerprint) {
    }

    /** The outcome of {@link #check}: how a page row is made and the criteria condition as HQL. */
    public record Checked(EntityKeysetQuery.Shape shape, int items, String conditionHql) {
    }

    /**
     * Parses the page query as Hibernate will run it and checks its parameters; runs nothing.
     *
     * @param order the keys, resolved against the metamodel
     * @throws IllegalArgumentException naming what is wrong and the fix
     */
    public Checked check(KeyOrder order) {
        HibernateCriteriaBuilder builder = factory.unwrap(SessionFactoryImplementor.class).getCriteriaBuilder();
        EntityKeysetQuery.Shape shape = select == null ? EntityKeysetQuery.Shape.ENTITY
                : rowType == Object[].class ? EntityKeysetQuery.Shape.TUPLE : EntityKeysetQuery.Shape.SINGLE;
        JpaCriteriaQuery<Object[]> plain = parse(builder, order, shape);
        List<SqmSelection<?>> selections = ((SqmSelectStatement<?>) plain).getQuerySpec().getSelectClause()
                .getSelections();
        int items = selections.size() - order.size();
        if (shape == EntityKeysetQuery.Shape.SINGLE && (items != 1
                || !rowType.isAssignableFrom(boxed(selections.get(0).getSelectableNode().getJavaType())))) {
            shape = EntityKeysetQuery.Shape.INSTANTIATE;
            parse(builder, order, shape);
        }
        checkParameters(plain);
        return new Checked(shape, items, condition == null ? null : conditionHql(builder, shape, order));
    }

    /**
     * The page query over the keys as finally resolved (after the schema was read, when it was).
     *
     * @param checked  what {@link #check} returned for the same order
     * @param resolved the keys
     */
    public Compiled<E, T> compile(Checked checked, EntityKeys.Resolved resolved) {
        KeyOrder order = resolved.order();
        EntityKeysetQuery<E, T> query = new EntityKeysetQuery<>(entity, type.getName(), select, checked.shape(),
                rowType, checked.items(), where, parameters, condition, order, resolved.types());
        List<String> parts = new ArrayList<>(List.of("entity", type.getName(), order.toString(),
                where == null ? "" : where));
        if (select != null) {
            parts.addAll(List.of("select", select, rowType.getName()));
        }
        if (checked.conditionHql() != null) {
            parts.addAll(List.of("criteria", checked.conditionHql()));
        }
        byte[] fingerprint = ResumeTokens.fingerprint(parts, new ArrayList<>(new TreeMap<>(parameters).values()));
        return new Compiled<>(query, fingerprint);
    }

    private String conditionHql(HibernateCriteriaBuilder builder, EntityKeysetQuery.Shape shape, KeyOrder order) {
        String hql = EntityKeysetQuery.hql(EntityKeysetQuery.selectList(shape, select, rowType, order),
                type.getName(), where, order, false, (String) null);
        JpaCriteriaQuery<Object[]> withCondition;
        try {
            withCondition = EntityKeysetQuery.withCondition(builder, hql, entity, condition);
        } catch (IllegalArgumentException | HibernateException e) {
            throw new IllegalArgumentException("condition could not be built on entity " + type.getName()
                    + ": " + e.getMessage() + "; build the predicate from the builder and root it is given,"
                    + " naming attributes the entity has", e);
        }
        return withCondition.getRestriction() instanceof SqmVisitableNode node ? node.toHqlString()
                : String.valueOf(withCondition.getRestriction());
    }

    private JpaCriteriaQuery<Object[]> parse(HibernateCriteriaBuilder builder, KeyOrder order,
            EntityKeysetQuery.Shape shape) {
        String hql = EntityKeysetQuery.hql(EntityKeysetQuery.selectList(shape, select, rowType, order),
                type.getName(), where, order, false, (String) null);
        try {
            return builder.createQuery(hql, Object[].class);
        } catch (IllegalArgumentException | HibernateException e) {
            String problem = shape == EntityKeysetQuery.Shape.INSTANTIATE
                    ? "rowType " + rowType.getName() + " cannot be made from the select items \"" + select
                            + "\": it needs a constructor taking them in order, as HQL's select new does, or use"
                            + " Object[].class"
                    : (select != null ? "select items \"" + select + "\" or where condition " + quoted(where)
                            + " are" : "where condition " + quoted(where) + " is") + " not valid HQL on alias e of"
                            + " entity " + type.getName() + ", whose attributes are " + attributes() + ". Write"
                            + " HQL on alias e, e.g. \"e." + attributes().iterator().next() + " = :value\","
                            + " with values as parameters";
            throw new IllegalArgumentException(problem + ". Hibernate says: " + e.getMessage(), e);
        }
    }

    private Set<String> attributes() {
        Set<String> names = new TreeSet<>();
        type.getAttributes().forEach(a -> names.add(a.getName()));
        return names;
    }

    private static String quoted(String text) {
        return text == null ? "(none)" : "\"" + text + "\"";
    }

    private void checkParameters(JpaCriteriaQuery<Object[]> query) {
        Set<String> used = new TreeSet<>();
        for (ParameterExpression<?> parameter : query.getParameters()) {
            if (parameter.getName() == null) {
                throw new IllegalArgumentException("where condition \"" + where + "\" has a positional"
                        + " parameter (?" + parameter.getPosition() + "); name it (:name) and bind it with"
                        + " parameter(name, value)");
            }
            used.add(parameter.getName());
        }
        for (String name : used) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("parameter :" + name + " of where condition \"" + where
                        + "\" has no value; bind it with parameter(\"" + name + "\", value)");
            }
        }
        for (String name : parameters.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalArgumentException("parameter \"" + name + "\" is not used by the where condition "
                        + quoted(where) + ", which has " + (used.isEmpty() ? "no parameters" : used) + "; remove"
                        + " it, or write :" + name + " in the condition");
            }
        }
    }

    private static Class<?> boxed(Class<?> type) {
        return type == null ? Void.class : !type.isPrimitive() ? type
                : java.lang.invoke.MethodType.methodType(type).wrap().returnType();
    }
}
