package io.batchwise.samples.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.batchwise.core.spi.ResumeTokens;

/**
 * What a keyset resume token costs per page: encoding the boundary row's keys
 * ({@code created_at DATETIME(6)}, {@code id}) into a token and decoding and checking it, unsigned
 * (CRC-32) and signed (HMAC-SHA256). A 1,000-row page costs milliseconds, so anything in
 * microseconds here is noise at the page level; the GC profiler shows the bytes per token.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenCodecBenchmark {
    @Param({"unsigned", "signed"})
    public String signing;

    private byte[] fingerprint;
    private byte[] secret;
    private List<Object> keys;
    private String token;

    @Setup
    public void createToken() {
        fingerprint = ResumeTokens.fingerprint(List.of("createdAt ASC, id ASC", "from Item e"), List.of());
        secret = signing.equals("signed") ? "a secret of thirty-two bytes!!!!".getBytes(StandardCharsets.UTF_8) : null;
        keys = List.of(LocalDateTime.of(2024, 3, 1, 12, 30, 15, 123_456_000), 450_001L);
        token = ResumeTokens.encode(fingerprint, false, keys, secret, ResumeTokens.DEFAULT_MAX_CHARS);
    }

    @Benchmark
    public String encode() {
        return ResumeTokens.encode(fingerprint, false, keys, secret, ResumeTokens.DEFAULT_MAX_CHARS);
    }

    @Benchmark
    public ResumeTokens.Decoded decode() {
        return ResumeTokens.decode(token, fingerprint, 2, secret, ResumeTokens.DEFAULT_MAX_CHARS);
    }
}
