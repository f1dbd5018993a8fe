package org.secateur.autograd;

/**
 * Whether operations record the graph that backward needs. On by default; a {@link #noGrad()} scope turns it off
 * (evaluation, optimizer updates, plain backward passes), {@link #enableGrad()} turns it back on (backward with
 * {@code createGraph}). The setting is per thread.
 *
 * <pre>{@code
 * try (var scope = GradMode.noGrad()) {
 *     logits = model.forward(x);
 * }
 * }</pre>
 */
public final class GradMode {
    private GradMode() {}

    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    /** A scope that restores the previous setting when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether operations on this thread record a graph. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Stops recording until the returned scope is closed. */
    public static Scope noGrad() {
        return set(false);
    }

    /** Records again until the returned scope is closed. */
    public static Scope enableGrad() {
        return set(true);
    }

    /** Sets recording on or off until the returned scope is closed. */
    public static Scope set(boolean enabled) {
        boolean[] flag = ENABLED.get();
        boolean previous = flag[0];
        flag[0] = enabled;
        return () -> flag[0] = previous;
    }
}
