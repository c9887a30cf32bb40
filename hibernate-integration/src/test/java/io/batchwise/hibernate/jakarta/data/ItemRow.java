package io.batchwise.hibernate.jakarta.data;

import java.math.BigDecimal;
import java.time.LocalDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.batchwise.testing.ItemTable;

/** The {@link ItemTable} fixture (rows of ~300 bytes) as the entity of a Jakarta Data repository. */
@Entity
@Table(name = "item")
public class ItemRow {
    @Id
    private Long id;

    @Column(name = "created_at", nullable = false)
    private LocalDateTime createdAt;

    private String category;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    @Column(nullable = false)
    private String payload;

    protected ItemRow() {
    }

    public long checksum() {
        return ItemTable.checksum(id, amount, payload);
    }
}
