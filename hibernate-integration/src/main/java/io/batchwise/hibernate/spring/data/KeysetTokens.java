package io.batchwise.hibernate.spring.data;

import io.batchwise.core.spi.KeysetPages;
import io.batchwise.hibernate.EntityPager;

/**
 * How the {@link KeysetRepository} methods make and accept tokens, as {@link EntityPager.Builder#tokenSecret}
 * and {@link EntityPager.Builder#maxTokenChars} set them for a pager: declare one bean of this type
 * and every keyset repository of the context uses it; without one, tokens are unsigned and up to
 * {@value EntityPager#DEFAULT_MAX_TOKEN_CHARS} characters. Immutable; each method returns a new
 * instance and checks its argument at once.
 *
 * <pre>{@code
 * @Bean
 * KeysetTokens keysetTokens(@Value("${orders.token-secret}") String secret) {
 *     return KeysetTokens.defaults().tokenSecret(secret.getBytes(StandardCharsets.UTF_8));
 * }
 * }</pre>
 *
 * <p>The repositories read the bean when they first page, so it may come from any configuration
 * class. Two beans of this type are refused then, as Spring refuses any ambiguous dependency.
 */
public final class KeysetTokens {
    private static final KeysetTokens DEFAULTS = new KeysetTokens(KeysetPages.Options.DEFAULTS);

    private final KeysetPages.Options options;

    private KeysetTokens(KeysetPages.Options options) {
        this.options = options;
    }

    /** Unsigned tokens of up to {@value EntityPager#DEFAULT_MAX_TOKEN_CHARS} characters. */
    public static KeysetTokens defaults() {
        return DEFAULTS;
    }

    /**
     * Tokens signed with HMAC-SHA256 under {@code secret} (at least 16 bytes, kept on the server;
     * copied), and only tokens so signed accepted: clients can hand tokens back but not make their own.
     *
     * @throws IllegalArgumentException if the secret is null or shorter than 16 bytes
     */
    public KeysetTokens tokenSecret(byte[] secret) {
        return new KeysetTokens(options.withTokenSecret(secret));
    }

    /**
     * The longest token accepted or issued, 64 to 4,096 characters; default
     * {@value EntityPager#DEFAULT_MAX_TOKEN_CHARS}, which fits in any URL.
     *
     * @throws IllegalArgumentException if {@code chars} is out of that range
     */
    public KeysetTokens maxTokenChars(int chars) {
        return new KeysetTokens(options.withMaxTokenChars(chars));
    }

    /** Sets these token options on a pager the repository opens. */
    <E, T> EntityPager.Builder<E, T> applyTo(EntityPager.Builder<E, T> builder) {
        if (options.secret() != null) {
            builder.tokenSecret(options.secret());
        }
        return builder.maxTokenChars(options.maxTokenChars());
    }
}
