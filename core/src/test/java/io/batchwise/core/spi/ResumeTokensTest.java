package io.batchwise.core.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResumeTokensTest {
    static final byte[] QUERY = ResumeTokens.fingerprint(List.of("select id from item", "(id ASC unique)"), List.of());
    static final byte[] OTHER_QUERY = ResumeTokens.fingerprint(List.of("select id from item", "(id DESC unique)"), List.of());
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final int MAX = ResumeTokens.DEFAULT_MAX_CHARS;

    static final List<Object> EVERY_TYPE = Arrays.asList(
            Long.MIN_VALUE, 42, "Grüße, 'a' = \"A\" 🎉", new BigDecimal("1.500"), new BigDecimal("-12345678901234567890.1"),
            LocalDateTime.of(2024, 2, 29, 23, 59, 59, 123_456_789), Instant.ofEpochSecond(-1, 999_999_999),
            LocalDate.of(1, 1, 1), true, false, null, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
            new byte[] {0, -1, 127, -128}, "", new byte[0]);

    @Test
    void everyTypeRoundTripsExactly() {
        for (byte[] secret : new byte[][] {null, SECRET}) {
            String token = ResumeTokens.encode(QUERY, false, EVERY_TYPE, secret, MAX);
            assertTrue(token.matches("[A-Za-z0-9_-]+"), "URL-safe without padding: " + token);
            ResumeTokens.Decoded decoded = ResumeTokens.decode(token, QUERY, EVERY_TYPE.size(), secret, MAX);
            assertFalse(decoded.before());
            assertEquals(EVERY_TYPE.size(), decoded.values().size());
            for (int i = 0; i < EVERY_TYPE.size(); i++) {
                Object expected = EVERY_TYPE.get(i);
                Object actual = decoded.values().get(i);
                if (expected instanceof byte[] bytes) {
                    assertArrayEquals(bytes, (byte[]) actual);
                } else {
                    assertEquals(expected, actual, "value " + i);
                    assertEquals(expected == null ? null : expected.getClass(), actual == null ? null : actual.getClass());
                }
            }
            assertEquals(3, ((BigDecimal) decoded.values().get(3)).scale(), "DECIMAL scale is kept");
            assertEquals(123_456_789, ((LocalDateTime) decoded.values().get(5)).getNano(), "nanoseconds are kept");
        }
    }

    @Test
    void directionRoundTrips() {
        String token = ResumeTokens.encode(QUERY, true, List.of(1L), null, MAX);
        assertTrue(ResumeTokens.decode(token, QUERY, 1, null, MAX).before());
    }

    @Test
    void everyAlteredCharacterIsRefused() {
        for (byte[] secret : new byte[][] {null, SECRET}) {
            String token = ResumeTokens.encode(QUERY, false, List.of(1_000L, "cat-7"), secret, MAX);
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
                assertThrows(IllegalArgumentException.class,
                        () -> ResumeTokens.decode(altered, QUERY, 2, secret, MAX), "position " + i + " of " + token);
            }
        }
    }

    @Test
    void anAlteredSignedTokenSaysSo() {
        String token = ResumeTokens.encode(QUERY, false, List.of(1_000L), SECRET, MAX);
        char[] chars = token.toCharArray();
        chars[16] = chars[16] == 'x' ? 'y' : 'x';
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(new String(chars), QUERY, 1, SECRET, MAX));
        assertTrue(e.getMessage().startsWith("token signature does not match"), e.getMessage());
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        String token = ResumeTokens.encode(QUERY, false, List.of(1L), other, MAX);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(token, QUERY, 1, SECRET, MAX));
        assertTrue(e.getMessage().contains("signed with another secret"), e.getMessage());
    }

    @Test
    void unsignedAndSignedTokensAreNotInterchangeable() {
        String unsigned = ResumeTokens.encode(QUERY, false, List.of(1L), null, MAX);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(unsigned, QUERY, 1, SECRET, MAX));
        assertTrue(e.getMessage().startsWith("token is not signed, but this pager has a tokenSecret"), e.getMessage());
        String signed = ResumeTokens.encode(QUERY, false, List.of(1L), SECRET, MAX);
        e = assertThrows(IllegalArgumentException.class, () -> ResumeTokens.decode(signed, QUERY, 1, null, MAX));
        assertTrue(e.getMessage().startsWith("token is signed, but this pager has no tokenSecret"), e.getMessage());
    }

    @Test
    void aTokenOfAnotherQueryIsRefused() {
        assertNotEquals(Arrays.toString(QUERY), Arrays.toString(OTHER_QUERY));
        for (byte[] secret : new byte[][] {null, SECRET}) {
            String token = ResumeTokens.encode(OTHER_QUERY, false, List.of(1L), secret, MAX);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ResumeTokens.decode(token, QUERY, 1, secret, MAX));
            assertTrue(e.getMessage().startsWith("token was issued for a different query"), e.getMessage());
        }
    }

    @Test
    void fingerprintCoversFilterParameters() {
        List<String> parts = List.of("select id from item", "category = ?", "(id ASC unique)");
        assertFalse(Arrays.equals(ResumeTokens.fingerprint(parts, List.of("a")), ResumeTokens.fingerprint(parts, List.of("b"))));
        assertArrayEquals(ResumeTokens.fingerprint(parts, List.of("a")), ResumeTokens.fingerprint(parts, List.of("a")));
    }

    @Test
    void anOversizedTokenIsRefusedBeforeDecoding() {
        String huge = "A".repeat(MAX + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(huge, QUERY, 1, null, MAX));
        assertTrue(e.getMessage().startsWith("token is " + (MAX + 1) + " characters, more than the limit of " + MAX),
                e.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.encode(QUERY, false, List.of("x".repeat(4_000)), null, MAX));
        assertTrue(tooLong.getMessage().contains("more than the limit"), tooLong.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "A", "hello world", "not+base64/", "AAAA====", "%00", "AQ", "AQAAAAAAAAAAAQ",
            "////////////////", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"})
    void garbageIsRefusedWithAClearMessage(String garbage) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(garbage, QUERY, 1, null, MAX));
        assertTrue(e.getMessage().startsWith("token "), e.getMessage());
    }

    @Test
    void aTokenFromAFutureVersionIsRefused() {
        String token = ResumeTokens.encode(QUERY, false, List.of(1L), null, MAX);
        byte[] bytes = java.util.Base64.getUrlDecoder().decode(token);
        bytes[0] = 9;
        String future = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(future, QUERY, 1, null, MAX));
        assertEquals("token has version 9, but this Batchwise reads version 1 tokens only; start again from the first"
                + " page", e.getMessage());
    }

    @Test
    void aTokenWithTheWrongNumberOfKeysIsRefused() {
        String token = ResumeTokens.encode(QUERY, false, List.of(1L, 2L), null, MAX);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.decode(token, QUERY, 1, null, MAX));
        assertTrue(e.getMessage().contains("carries 2 key values, this query has 1 keys"), e.getMessage());
    }

    @Test
    void valuesATokenCannotCarryExactlyAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.encode(QUERY, false, List.of(1.5d), null, MAX));
        assertTrue(e.getMessage().contains("java.lang.Double"), e.getMessage());
    }

    @Test
    void shortSecretsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeTokens.checkSecret("secret", new byte[8]));
        assertTrue(e.getMessage().startsWith("secret must be at least 16 bytes, was 8"), e.getMessage());
    }
}
