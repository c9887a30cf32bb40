package io.batchwise.hibernate.internal;

import java.util.function.Function;

import org.hibernate.Session;
import org.hibernate.SessionFactory;

import io.batchwise.core.spi.KeysetPages;
import io.batchwise.core.spi.PageTransaction;
import io.batchwise.hibernate.EntityPager;
import io.batchwise.hibernate.PageWork;

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

        /**
         * {@link EntityPager#forEachPage} with the pages' units of work of {@code transactions} (a
         * framework's transaction manager) instead of a session and transaction of the pager's own.
         *
         * @param sessions   the session a page is read and worked in, in its unit of work
         * @param resumeCall the caller's method that resumes, for the messages
         */
        <T, U> String forEachPage(EntityPager<T> pager, String token, PageTransaction<U> transactions,
                Function<? super U, Session> sessions, PageWork<T> work, String resumeCall);
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
