package io.batchwise.hibernate.internal;

import org.hibernate.query.SelectionQuery;
import org.hibernate.query.sqm.SqmSelectionQuery;
import org.hibernate.query.sqm.tree.SqmStatement;
import org.hibernate.query.sqm.tree.from.SqmAttributeJoin;
import org.hibernate.query.sqm.tree.from.SqmFrom;
import org.hibernate.query.sqm.tree.from.SqmJoin;
import org.hibernate.query.sqm.tree.from.SqmRoot;
import org.hibernate.query.sqm.tree.select.SqmSelectStatement;

/** Checks on the shape of a query that decide whether it can be walked in batches. */
final class QueryShape {
    private QueryShape() {
    }

    /**
     * Refuses a query with a collection fetch join: one root spans several rows, so releasing the
     * persistence context between two of them would split the root and its collection.
     */
    static void refuseCollectionFetch(SelectionQuery<?> query, String description) {
        if (!(query instanceof SqmSelectionQuery<?> sqm)) {
            return;
        }
        SqmStatement<?> statement = sqm.getSqmStatement();
        if (!(statement instanceof SqmSelectStatement<?> select)) {
            return;
        }
        for (SqmRoot<?> root : select.getQuerySpec().getFromClause().getRoots()) {
            refuseIn(root, description);
        }
    }

    private static void refuseIn(SqmFrom<?, ?> from, String description) {
        for (SqmJoin<?, ?> join : from.getSqmJoins()) {
            if (join instanceof SqmAttributeJoin<?, ?> attributeJoin && attributeJoin.isFetched()
                    && attributeJoin.getAttribute().isCollection()) {
                throw new IllegalArgumentException("query must not fetch join a collection, but '" + description
                        + "' fetches " + attributeJoin.getAttribute().getDeclaringType().getJavaType().getSimpleName()
                        + "." + attributeJoin.getAttribute().getName() + ": one root entity spans several rows, and"
                        + " releasing the persistence context between batches would split it. Walk the roots without"
                        + " the fetch join and load the collection per batch (@BatchSize on the association, or a"
                        + " second query for the batch's ids), or page with the keyset pager.");
            }
            refuseIn(join, description);
        }
    }
}
