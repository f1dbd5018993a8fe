package org.secateur.autograd;

/**
 * Anomaly detection: while enabled, every operation checks its output in forward and every gradient in backward,
 * and a NaN or infinity raises an {@link ArithmeticException} naming the operation. Costs one pass over each
 * result, so it is off by default.
 */
public final class Anomaly {
    private Anomaly() {}

    private static volatile boolean enabled = Boolean.getBoolean("secateur.anomaly");

    /** Whether checks are on. */
    public static boolean isEnabled() {
        return enabled;
    }

    /** Turns checks on or off for all threads. */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Turns checks on until the returned scope is closed. */
    public static GradMode.Scope detect() {
        boolean previous = enabled;
        enabled = true;
        return () -> enabled = previous;
    }
}
