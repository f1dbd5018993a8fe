package org.secateur.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.secateur.tensor.kernels.Parallel;

/**
 * Gives back the {@link Parallel} thread count after each test of a class that changes it
 * ({@code @ExtendWith(RestoresThreads.class)}), so that a test may set any count without a try/finally of its own.
 */
public final class RestoresThreads implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(RestoresThreads.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("threads", Parallel.threads());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Parallel.setThreads(context.getStore(NS).get("threads", Integer.class));
    }
}
