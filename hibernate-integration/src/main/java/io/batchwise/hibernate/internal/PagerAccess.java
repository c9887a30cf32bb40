package io.batchwise.hibernate.internal;

import org.hibernate.SessionFactory;

import io.batchwise.core.spi.KeysetPages;
import io.batchwise.hibernate.EntityPager;

/**
 * What the framework adapters in other packages of this module (Jakarta Data) need of an
 * {@link EntityPager} and that its API does not show: its query, which reads a page with each row's
 * key values, and its tokens. {@link EntityPager} registers the access when its class initializes,
 * which has happened by the time anyone holds a pager (the JDK's {@code SharedSecrets} pattern), so
 * the pager's public API stays as small as it is.
 */
public final class PagerAccess {
    /** What the adapters may read of a pager. */
    public interface Access {
        /** The pager's query: reads a page, with each row's key values. */
        <T> EntityKeysetQuery<?, T> query(EntityPager<T> pager);

        /** The pager's tokens and options. */
        KeysetPages pages(EntityPager<?> pager);

        /** The factory the pager was opened on. */
        SessionFactory factory(EntityPager<?> pager);
    }

    private static volatile Access access;

    private PagerAccess() {
    }

    /** Called once, by {@link EntityPager}'s static initializer. */
    public static void register(Access pagers) {
        if (access != null) {
            throw new IllegalStateException("PagerAccess is registered once, by EntityPager");
        }
        access = pagers;
    }

    /** The access {@link EntityPager} registered. */
    public static Access get() {
        return access;
    }
}
