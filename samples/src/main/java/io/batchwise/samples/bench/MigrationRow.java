package io.batchwise.samples.bench;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of the migration benchmark's table {@code bench_migrate} (the item fixture plus a counter). */
@Entity
@Table(name = "bench_migrate")
public class MigrationRow {
    @Id
    private Long id;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    @Column(nullable = false)
    private String payload;

    @Column(nullable = false)
    private int touched;

    protected MigrationRow() {
    }

    public Long getId() {
        return id;
    }

    /** The benchmark's change: {@code amount * 1.01}, a text column rewritten, the counter up by one. */
    public void migrate() {
        amount = MigrationBench.newAmount(amount);
        payload = MigrationBench.newPayload(payload, touched + 1);
        touched++;
    }
}
