package io.batchwise.samples.boot;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.stereotype.Component;

import io.batchwise.core.Page;
import io.batchwise.samples.Item;
import io.batchwise.samples.ItemTable;

/**
 * Reads the items the three ways the repository offers and prints what it read: a
 * {@code @BatchwiseStream} over every item (no {@code @Transactional} needed), two keyset pages by
 * newest first as a web API hands them out (token in, token out), and two Spring Data
 * {@link Window}s by the nullable {@code category}.
 */
@Component
public class ExportRunner implements ApplicationRunner {
    /** Newest first; {@code createdAt} repeats every ten rows, the id breaks the ties. */
    static final Sort NEWEST = Sort.by(Sort.Order.desc("createdAt"));
    /** By a nullable attribute: every seventh item has no category. */
    static final Sort BY_CATEGORY = Sort.by(Sort.Order.asc("category").nullsLast());

    /**
     * What the runner read.
     *
     * @param rows       items streamed
     * @param checksum   their checksum ({@link ItemTable#checksum})
     * @param peakHeapMb the heap in use at its highest while streaming, sampled every 1,000 rows
     * @param firstPage  ids of the first page, newest first
     * @param secondPage ids of the page after it, from its token
     * @param windows    ids of the first two windows by category
     */
    public record Report(long rows, long checksum, double peakHeapMb, List<Long> firstPage, List<Long> secondPage,
            List<Long> windows) {
    }

    private final ItemRepository items;
    private Report report;

    /**
     * @param items the repository
     */
    public ExportRunner(ItemRepository items) {
        this.items = items;
    }

    @Override
    public void run(ApplicationArguments args) {
        long rows = 0;
        long checksum = 0;
        long peak = 0;
        Runtime runtime = Runtime.getRuntime();
        long start = System.nanoTime();
        try (Stream<Item> all = items.streamAll()) {
            for (Item item : (Iterable<Item>) all::iterator) {
                checksum += ItemTable.checksum(item.getId(), item.getAmount(), item.getPayload());
                if (++rows % 1_000 == 0) {
                    peak = Math.max(peak, runtime.totalMemory() - runtime.freeMemory());
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("streamed:  %,d items with @BatchwiseStream in %.2f s, checksum %d, peak heap %.1f MB"
                + " (max %d MB)%n", rows, seconds, checksum, peak / 1e6, runtime.maxMemory() / 1_000_000);

        Page<Item> first = items.keysetPage(null, NEWEST, 5);
        Page<Item> second = items.keysetPage(first.nextToken(), NEWEST, 5);
        System.out.printf("page 1:    %s, next token %s%n", ids(first.content()), first.nextToken());
        System.out.printf("page 2:    %s%n", ids(second.content()));

        Window<Item> window = items.keysetWindow(ScrollPosition.keyset(), BY_CATEGORY, 3);
        Window<Item> next = items.keysetWindow(window.positionAt(window.size() - 1), BY_CATEGORY, 3);
        List<Long> windows = Stream.concat(ids(window.getContent()).stream(), ids(next.getContent()).stream()).toList();
        System.out.printf("windows:   %s, position %s%n", windows, next.positionAt(next.size() - 1));
        report = new Report(rows, checksum, peak / 1e6, ids(first.content()), ids(second.content()), windows);
    }

    /**
     * What the last run read.
     *
     * @return the report, or null before the runner ran
     */
    public Report report() {
        return report;
    }

    private static List<Long> ids(List<Item> content) {
        return content.stream().map(Item::getId).toList();
    }
}
