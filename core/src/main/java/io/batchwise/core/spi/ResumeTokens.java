package io.batchwise.core.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The resume token of a keyset page: opaque to callers, URL-safe (base64url without padding), and
 * refused before any SQL runs when it is malformed, oversized, altered, signed with another secret,
 * or made by another query.
 *
 * <p>Layout (version 1), big-endian:
 * <pre>
 * byte    version (1)
 * byte    flags: bit 0 = seek before (a previous page), bit 1 = signed
 * 8 bytes fingerprint of the query (see {@link #fingerprint})
 * byte    number of key values
 * values  each a tag byte and its payload (see {@link #writeValue})
 * 4 bytes CRC-32 of all before it       (unsigned tokens)
 * 32 bytes HMAC-SHA256 of all before it (signed tokens)
 * </pre>
 * The CRC only catches accidents (truncation, a mistyped character); only signing stops a client
 * from writing a token of its own.
 */
public final class ResumeTokens {
    public static final int VERSION = 1;
    /** Default and largest limit on a token's length in characters. */
    public static final int DEFAULT_MAX_CHARS = 4_096;
    /** Shortest accepted signing secret in bytes. */
    public static final int MIN_SECRET_BYTES = 16;

    private static final int FLAG_BEFORE = 1;
    private static final int FLAG_SIGNED = 2;
    private static final int FINGERPRINT_BYTES = 8;
    private static final int HEADER_BYTES = 2 + FINGERPRINT_BYTES + 1;
    private static final int CRC_BYTES = 4;
    private static final int MAC_BYTES = 32;
    private static final String MAC_ALGORITHM = "HmacSHA256";

    private static final byte NULL = 0;
    private static final byte LONG = 1;
    private static final byte INT = 2;
    private static final byte STRING = 3;
    private static final byte DECIMAL = 4;
    private static final byte LOCAL_DATE_TIME = 5;
    private static final byte INSTANT = 6;
    private static final byte LOCAL_DATE = 7;
    private static final byte BOOLEAN = 8;
    private static final byte UUID_TAG = 9;
    private static final byte BYTES = 10;

    /** What a token says: which side of the boundary row to read, and the boundary row's key values. */
    public record Decoded(boolean before, List<Object> values) {
        public Decoded {
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    /**
     * The tokens of one query: its fingerprint, the signing secret (or none) and the size limit.
     * What a pager keeps to issue and check tokens.
     */
    public record Codec(byte[] fingerprint, byte[] secret, int maxChars) {
        public Codec {
            if (fingerprint.length != FINGERPRINT_BYTES) {
                throw new IllegalArgumentException("fingerprint must be " + FINGERPRINT_BYTES + " bytes, was "
                        + fingerprint.length + "; make it with ResumeTokens.fingerprint");
            }
            fingerprint = fingerprint.clone();
            secret = secret == null ? null : secret.clone();
        }

        /** A token for the rows after ({@code before}: before) the row with key {@code values}. */
        public String encode(boolean before, List<?> values) {
            return ResumeTokens.encode(fingerprint, before, values, secret, maxChars);
        }

        /** The token read and checked for this query with {@code keyCount} keys; see {@link ResumeTokens#decode}. */
        public Decoded decode(String token, int keyCount) {
            return ResumeTokens.decode(token, fingerprint, keyCount, secret, maxChars);
        }
    }

    private ResumeTokens() {
    }

    /**
     * The fingerprint of a query: the first 8 bytes of SHA-256 over {@code parts} (the key order,
     * the SQL or query text, anything else that defines the rows) and the filter's parameter values.
     * Parameter values of the token's types count by value, others by class and {@code toString()}.
     */
    public static byte[] fingerprint(List<String> parts, List<?> parameters) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(parts.size());
            for (String part : parts) {
                writeString(out, part == null ? "\0null" : part);
            }
            out.writeInt(parameters.size());
            for (Object parameter : parameters) {
                if (isTokenType(parameter)) {
                    writeValue(out, parameter);
                } else {
                    out.writeByte(-1);
                    writeString(out, parameter.getClass().getName() + ":" + parameter);
                }
            }
            out.flush();
            return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()), FINGERPRINT_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256, which every Java platform must provide", e);
        }
    }

    /** Whether {@code value} can be carried in a token exactly. */
    public static boolean isTokenType(Object value) {
        return value == null || value instanceof Long || value instanceof Integer || value instanceof String
                || value instanceof BigDecimal || value instanceof LocalDateTime || value instanceof Instant
                || value instanceof LocalDate || value instanceof Boolean || value instanceof UUID
                || value instanceof byte[];
    }

    /**
     * A token for the boundary row with key {@code values}.
     *
     * @param before  true to read the rows before the boundary (a previous page), false for after it
     * @param secret  the signing secret, or null for an unsigned token
     * @throws IllegalArgumentException if a value has a type a token cannot carry, or the token
     *         would exceed {@code maxChars}
     */
    public static String encode(byte[] fingerprint, boolean before, List<?> values, byte[] secret, int maxChars) {
        if (fingerprint.length != FINGERPRINT_BYTES) {
            throw new IllegalArgumentException("fingerprint must be " + FINGERPRINT_BYTES + " bytes, was " + fingerprint.length);
        }
        if (values.size() > 255) {
            throw new IllegalArgumentException("a token carries at most 255 key values, had " + values.size());
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeByte((before ? FLAG_BEFORE : 0) | (secret != null ? FLAG_SIGNED : 0));
            out.write(fingerprint);
            out.writeByte(values.size());
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                if (!isTokenType(value)) {
                    throw new IllegalArgumentException("key value " + (i + 1) + " is a " + value.getClass().getName()
                            + ", which a resume token cannot carry exactly; key columns must read as Long, Integer,"
                            + " String, BigDecimal, LocalDateTime, Instant, LocalDate, Boolean, UUID or byte[]"
                            + " (sort by an exact column: no FLOAT, DOUBLE or TIME keys)");
                }
                writeValue(out, value);
            }
            out.flush();
            byte[] body = bytes.toByteArray();
            out.write(secret != null ? mac(secret, body, body.length) : crc(body, body.length));
            out.flush();
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
            if (token.length() > maxChars) {
                throw new IllegalArgumentException("The resume token for this row would be " + token.length()
                        + " characters, more than the limit of " + maxChars + ": the key values are too long (a"
                        + " long text or binary key). Sort by shorter columns, or raise maxTokenChars");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a token made by {@link #encode} for the query with {@code fingerprint} and
     * {@code keyCount} keys.
     *
     * @param secret the secret tokens must be signed with, or null when tokens are unsigned
     * @throws IllegalArgumentException naming what is wrong with the token, before any SQL runs
     */
    public static Decoded decode(String token, byte[] fingerprint, int keyCount, byte[] secret, int maxChars) {
        if (token == null) {
            throw new IllegalArgumentException("token must not be null; pass a token from Page.nextToken() or"
                    + " Page.previousToken(), or ask for the first page");
        }
        if (token.length() > maxChars) {
            throw new IllegalArgumentException("token is " + token.length() + " characters, more than the limit of "
                    + maxChars + "; pass a token from Page.nextToken() or Page.previousToken() of this query unchanged");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                throw malformed("it contains '" + (c < 32 || c > 126 ? String.format("\\u%04x", (int) c) : c)
                        + "' at position " + i + ", outside base64url");
            }
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw malformed("it is not base64url: " + e.getMessage());
        }
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(token)) {
            throw malformed("its last character carries bits a token never has (it was altered)");
        }
        int trailer = bytes.length > 1 && (bytes[1] & FLAG_SIGNED) != 0 ? MAC_BYTES : CRC_BYTES;
        if (bytes.length < HEADER_BYTES + trailer) {
            throw malformed("it is too short (" + bytes.length + " bytes)");
        }
        int version = bytes[0] & 0xff;
        if (version != VERSION) {
            throw new IllegalArgumentException("token has version " + version + ", but this Batchwise reads version "
                    + VERSION + " tokens only; start again from the first page");
        }
        int flags = bytes[1] & 0xff;
        if ((flags & ~(FLAG_BEFORE | FLAG_SIGNED)) != 0) {
            throw malformed("it has unknown flags " + flags);
        }
        boolean signed = (flags & FLAG_SIGNED) != 0;
        int bodyLength = bytes.length - trailer;
        if (signed) {
            if (secret == null) {
                throw new IllegalArgumentException("token is signed, but this pager has no tokenSecret to check it"
                        + " with; configure the same tokenSecret as the pager that issued it");
            }
            byte[] expected = mac(secret, bytes, bodyLength);
            if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
                throw new IllegalArgumentException("token signature does not match: the token was altered, or signed"
                        + " with another secret; pass a token issued by this pager unchanged");
            }
        } else {
            if (secret != null) {
                throw new IllegalArgumentException("token is not signed, but this pager has a tokenSecret and accepts"
                        + " only tokens it signed; pass a token issued by this pager unchanged");
            }
            if (!MessageDigest.isEqual(crc(bytes, bodyLength), Arrays.copyOfRange(bytes, bodyLength, bytes.length))) {
                throw malformed("its checksum does not match: it was truncated or altered");
            }
        }
        if (!MessageDigest.isEqual(fingerprint, Arrays.copyOfRange(bytes, 2, 2 + FINGERPRINT_BYTES))) {
            throw new IllegalArgumentException("token was issued for a different query (other keys, directions,"
                    + " select, filter or parameters); a token resumes only the query that issued it. Start the new"
                    + " query from its first page");
        }
        int count = bytes[2 + FINGERPRINT_BYTES] & 0xff;
        if (count != keyCount) {
            throw malformed("it carries " + count + " key values, this query has " + keyCount + " keys");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, HEADER_BYTES, bodyLength - HEADER_BYTES));
        List<Object> values = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                values.add(readValue(in, bodyLength));
            }
            if (in.available() != 0) {
                throw malformed("it has " + in.available() + " bytes after its last key value");
            }
        } catch (EOFException e) {
            throw malformed("it ends inside a key value");
        } catch (IOException | DateTimeException | ArithmeticException | NumberFormatException e) {
            throw malformed("a key value cannot be read: " + e.getMessage());
        }
        return new Decoded((flags & FLAG_BEFORE) != 0, values);
    }

    private static IllegalArgumentException malformed(String why) {
        return new IllegalArgumentException("token is not a Batchwise resume token: " + why + ". Pass a token from"
                + " Page.nextToken() or Page.previousToken() unchanged, or ask for the first page");
    }

    /** Checks a signing secret: at least {@value #MIN_SECRET_BYTES} bytes. Returns a copy. */
    public static byte[] checkSecret(String parameter, byte[] secret) {
        Arguments.notNull(parameter, secret, "pass at least " + MIN_SECRET_BYTES + " random bytes kept on the server");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(parameter + " must be at least " + MIN_SECRET_BYTES + " bytes, was "
                    + secret.length + "; pass at least " + MIN_SECRET_BYTES + " (better 32) random bytes kept on the server");
        }
        return secret.clone();
    }

    // --- values

    static void writeValue(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(NULL);
        } else if (value instanceof Long v) {
            out.writeByte(LONG);
            out.writeLong(v);
        } else if (value instanceof Integer v) {
            out.writeByte(INT);
            out.writeInt(v);
        } else if (value instanceof String v) {
            out.writeByte(STRING);
            writeString(out, v);
        } else if (value instanceof BigDecimal v) {
            out.writeByte(DECIMAL);
            out.writeInt(v.scale());
            writeBytes(out, v.unscaledValue().toByteArray());
        } else if (value instanceof LocalDateTime v) {
            out.writeByte(LOCAL_DATE_TIME);
            out.writeLong(v.toEpochSecond(ZoneOffset.UTC));
            out.writeInt(v.getNano());
        } else if (value instanceof Instant v) {
            out.writeByte(INSTANT);
            out.writeLong(v.getEpochSecond());
            out.writeInt(v.getNano());
        } else if (value instanceof LocalDate v) {
            out.writeByte(LOCAL_DATE);
            out.writeLong(v.toEpochDay());
        } else if (value instanceof Boolean v) {
            out.writeByte(BOOLEAN);
            out.writeBoolean(v);
        } else if (value instanceof UUID v) {
            out.writeByte(UUID_TAG);
            out.writeLong(v.getMostSignificantBits());
            out.writeLong(v.getLeastSignificantBits());
        } else if (value instanceof byte[] v) {
            out.writeByte(BYTES);
            writeBytes(out, v);
        } else {
            throw new IllegalArgumentException("not a token type: " + value.getClass().getName());
        }
    }

    private static Object readValue(DataInputStream in, int limit) throws IOException {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case NULL:
                return null;
            case LONG:
                return in.readLong();
            case INT:
                return in.readInt();
            case STRING:
                return new String(readBytes(in, limit), StandardCharsets.UTF_8);
            case DECIMAL: {
                int scale = in.readInt();
                byte[] unscaled = readBytes(in, limit);
                if (unscaled.length == 0) {
                    throw new IOException("empty decimal");
                }
                return new BigDecimal(new BigInteger(unscaled), scale);
            }
            case LOCAL_DATE_TIME: {
                long seconds = in.readLong();
                int nanos = nanos(in.readInt());
                return LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC);
            }
            case INSTANT: {
                long seconds = in.readLong();
                return Instant.ofEpochSecond(seconds, nanos(in.readInt()));
            }
            case LOCAL_DATE:
                return LocalDate.ofEpochDay(in.readLong());
            case BOOLEAN: {
                int b = in.readUnsignedByte();
                if (b > 1) {
                    throw new IOException("boolean byte " + b);
                }
                return b == 1;
            }
            case UUID_TAG:
                return new UUID(in.readLong(), in.readLong());
            case BYTES:
                return readBytes(in, limit);
            default:
                throw new IOException("unknown value type " + tag);
        }
    }

    private static int nanos(int nanos) throws IOException {
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IOException("nanoseconds " + nanos + " out of range");
        }
        return nanos;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > limit) {
            throw new IOException("length " + length + " out of range");
        }
        byte[] value = new byte[length];
        in.readFully(value);
        return value;
    }

    private static byte[] mac(byte[] secret, byte[] bytes, int length) {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(secret, MAC_ALGORITHM));
            mac.update(bytes, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot compute " + MAC_ALGORITHM + ", which every Java"
                    + " platform must provide", e);
        }
    }

    private static byte[] crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        long value = crc.getValue();
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }
}
