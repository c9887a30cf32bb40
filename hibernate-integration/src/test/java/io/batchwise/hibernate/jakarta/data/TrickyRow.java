package io.batchwise.hibernate.jakarta.data;

import java.math.BigDecimal;
import java.time.LocalDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The tricky table (core's {@code TrickyTable}: repeated microsecond timestamps, NULL and
 * collation-equal labels, {@code DECIMAL} amounts) as the entity of a Jakarta Data repository.
 */
@Entity
@Table(name = "tricky")
public class TrickyRow {
    @Id
    private Long id;

    @Column(name = "created_at", nullable = false)
    private LocalDateTime createdAt;

    @Column(nullable = true)
    private String label;

    @Column(nullable = false, precision = 10, scale = 3)
    private BigDecimal amount;

    protected TrickyRow() {
    }

    public Long getId() {
        return id;
    }

    public LocalDateTime getCreatedAt() {
        return createdAt;
    }

    public String getLabel() {
        return label;
    }

    public BigDecimal getAmount() {
        return amount;
    }
}
