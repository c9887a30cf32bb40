package io.batchwise.hibernate.jakarta.data;

import jakarta.data.repository.CrudRepository;
import jakarta.data.repository.Repository;

/** The item table's repository, implemented by Hibernate's processor ({@code ItemRows_}). */
@Repository
public interface ItemRows extends CrudRepository<ItemRow, Long>, BatchwiseRepository<ItemRow> {
}
