/**
 * Batchwise on Jakarta Data 1.0 repositories implemented by Hibernate's annotation processor
 * ({@code org.hibernate.orm:hibernate-processor}): {@link io.batchwise.hibernate.jakarta.data.BatchwiseRepository},
 * which a repository extends to stream ({@code yieldPer}), page and walk its entities through its
 * {@code StatelessSession}, and {@link io.batchwise.hibernate.jakarta.data.CursoredPages}, Jakarta Data's
 * {@code PageRequest} and {@code CursoredPage} on the keyset pager.
 *
 * <p>Needs {@code jakarta.data:jakarta.data-api} (an optional dependency of this module: users of Jakarta
 * Data have it, nobody else pulls it). The rest of the module does not use this package.
 */
package io.batchwise.hibernate.jakarta.data;
