package org.secateur.tensor.kernels;

import java.lang.System.Logger.Level;

/**
 * Chooses the kernels once: the Vector API when the {@code jdk.incubator.vector} module is readable, else the
 * scalar reference with a warning that says how to enable it. {@code -Dsecateur.kernels=scalar} forces the reference.
 */
final class KernelSelector {
    private KernelSelector() {}

    static final Kernels SCALAR = new ScalarKernels();
    static final Kernels KERNELS = choose();

    private static Kernels choose() {
        if ("scalar".equals(System.getProperty("secateur.kernels"))) {
            return SCALAR;
        }
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (!vectorModule) {
            System.getLogger("org.secateur").log(Level.WARNING,
                    "jdk.incubator.vector is not enabled: using slow scalar kernels. "
                            + "Start java with --add-modules jdk.incubator.vector");
            return SCALAR;
        }
        return new PanamaKernels();
    }
}
