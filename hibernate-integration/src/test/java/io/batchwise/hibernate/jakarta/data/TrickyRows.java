package io.batchwise.hibernate.jakarta.data;

import java.util.List;

import jakarta.data.Order;
import jakarta.data.page.CursoredPage;
import jakarta.data.page.PageRequest;
import jakarta.data.repository.CrudRepository;
import jakarta.data.repository.Find;
import jakarta.data.repository.Repository;

/**
 * A Jakarta Data repository as a user writes it, implemented by Hibernate's annotation processor
 * ({@code TrickyRows_}, generated at test compilation): its own query method, Jakarta Data's CRUD
 * methods, and Batchwise's walks and pages.
 */
@Repository
public interface TrickyRows extends CrudRepository<TrickyRow, Long>, BatchwiseRepository<TrickyRow> {
    @Find
    List<TrickyRow> byLabel(String label);

    /** Hibernate's own key-based pagination, for comparison. */
    @Find
    CursoredPage<TrickyRow> pages(PageRequest pageRequest, Order<TrickyRow> order);
}
