package org.secateur.datasets;

import org.secateur.tensor.Rng;

/** Small synthetic classification sets for fast experiments and exact second-order methods, deterministic per seed. */
public final class ToySets {
    private ToySets() {}

    /**
     * Two interleaved spirals in the plane (Lang and Witbrock 1988): point {@code i} of {@code n} per class sits at
     * angle {@code i * (6 pi / (n - 1))} and radius {@code (104 - 96 i / (n - 1)) / 104}, so three turns from radius 1
     * down to 1/13; the second class is the first rotated by 180 degrees. With {@code n = 97} and no noise this is the
     * classic 194-point benchmark, scaled by 1/6.5. Gaussian noise of standard deviation {@code noise} is added to
     * each coordinate. Rows alternate between the classes.
     */
    public static TabularDataset twoSpirals(int pointsPerClass, double noise, long seed) {
        requireAtLeast("pointsPerClass", pointsPerClass, 2);
        requireNonNegative("noise", noise);
        Rng rng = new Rng(seed);
        double[] x = new double[4 * pointsPerClass];
        int[] y = new int[2 * pointsPerClass];
        for (int i = 0; i < pointsPerClass; i++) {
            double s = 96.0 * i / (pointsPerClass - 1); // the classic index 0..96
            double angle = s * Math.PI / 16;
            double r = (104 - s) / 104;
            for (int c = 0; c < 2; c++) {
                double sign = c == 0 ? 1 : -1;
                int row = 2 * i + c;
                x[2 * row] = sign * r * Math.sin(angle) + noise * rng.nextGaussian();
                x[2 * row + 1] = sign * r * Math.cos(angle) + noise * rng.nextGaussian();
                y[row] = c;
            }
        }
        return new TabularDataset(x, 2, y, 2);
    }

    /** The four XOR points {@code (0,0) -> 0, (0,1) -> 1, (1,0) -> 1, (1,1) -> 0}. */
    public static TabularDataset xor() {
        return new TabularDataset(new double[] {0, 0, 0, 1, 1, 0, 1, 1}, 2, new int[] {0, 1, 1, 0}, 2);
    }

    /** {@code n} points drawn uniformly from the XOR corners, each coordinate jittered by Gaussian noise. */
    public static TabularDataset noisyXor(int n, double noise, long seed) {
        requireAtLeast("n", n, 1);
        requireNonNegative("noise", noise);
        Rng rng = new Rng(seed);
        double[] x = new double[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int a = rng.nextInt(2);
            int b = rng.nextInt(2);
            x[2 * i] = a + noise * rng.nextGaussian();
            x[2 * i + 1] = b + noise * rng.nextGaussian();
            y[i] = a ^ b;
        }
        return new TabularDataset(x, 2, y, 2);
    }

    /**
     * Gaussian blobs: {@code classes} centres drawn uniformly in {@code [-10, 10]^dim}, and {@code perClass} points
     * around each with independent Gaussian coordinates of standard deviation {@code spread}. Rows are grouped by
     * class.
     */
    public static TabularDataset blobs(int classes, int dim, int perClass, double spread, long seed) {
        requireAtLeast("classes", classes, 1);
        requireAtLeast("dim", dim, 1);
        requireAtLeast("perClass", perClass, 1);
        requireNonNegative("spread", spread);
        Rng root = new Rng(seed);
        Rng centres = root.split();
        Rng points = root.split();
        double[] centre = new double[classes * dim];
        for (int i = 0; i < centre.length; i++) {
            centre[i] = -10 + 20 * centres.nextDouble();
        }
        double[] x = new double[classes * perClass * dim];
        int[] y = new int[classes * perClass];
        for (int k = 0; k < classes; k++) {
            for (int p = 0; p < perClass; p++) {
                int row = k * perClass + p;
                for (int j = 0; j < dim; j++) {
                    x[row * dim + j] = centre[k * dim + j] + spread * points.nextGaussian();
                }
                y[row] = k;
            }
        }
        return new TabularDataset(x, dim, y, classes);
    }

    static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
    }

    static void requireNonNegative(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
        }
    }
}
