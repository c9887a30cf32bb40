package io.batchwise.samples.boot;

import java.util.stream.Stream;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

import io.batchwise.hibernate.spring.data.BatchwiseStream;
import io.batchwise.hibernate.spring.data.KeysetRepository;
import io.batchwise.samples.Item;

/**
 * A Spring Data repository with Batchwise: the streaming methods carry {@link BatchwiseStream}, the
 * keyset methods come from the {@link KeysetRepository} fragment.
 */
public interface ItemRepository extends JpaRepository<Item, Long>, KeysetRepository<Item> {
    /**
     * Every item in id order, 1,000 entities in the persistence context at most.
     *
     * @return the items; close the stream
     */
    @BatchwiseStream(batchSize = 1_000)
    @Query("select i from Item i order by i.id")
    Stream<Item> streamAll();

    /**
     * The items of one category, derived from the method's name.
     *
     * @param category the category
     * @return the items in id order; close the stream
     */
    @BatchwiseStream(batchSize = 1_000)
    Stream<Item> findByCategoryOrderById(String category);
}
