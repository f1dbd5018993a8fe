package org.secateur.nn;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** Weight initialisations, as in {@code torch.nn.init}, drawn from a seeded {@link Rng}. */
public final class Init {
    private Init() {}

    /** Inputs feeding one output: {@code shape[1] * prod(shape[2:])} for a {@code [out, in, k...]} weight. */
    public static int fanIn(int... shape) {
        requireMatrixLike(shape);
        return shape[1] * receptiveField(shape);
    }

    /** Outputs fed by one input: {@code shape[0] * prod(shape[2:])}. */
    public static int fanOut(int... shape) {
        requireMatrixLike(shape);
        return shape[0] * receptiveField(shape);
    }

    private static int receptiveField(int[] shape) {
        int r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void requireMatrixLike(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan in/out needs a weight of rank >= 2, got "
                    + java.util.Arrays.toString(shape));
        }
    }

    /** {@code U(-bound, bound)}. */
    public static Tensor uniform(Rng rng, double bound, DType dtype, int... shape) {
        return Tensor.uniform(rng, -bound, bound, dtype, shape);
    }

    /** The gain of {@code torch.nn.init.calculate_gain} for leaky ReLU with negative slope {@code a}. */
    public static double leakyReluGain(double a) {
        return Math.sqrt(2 / (1 + a * a));
    }

    /** He et al. 2015, uniform, fan-in mode: {@code U(-b, b)} with {@code b = gain * sqrt(3 / fanIn)}. */
    public static Tensor kaimingUniform(Rng rng, double a, DType dtype, int... shape) {
        double bound = leakyReluGain(a) * Math.sqrt(3.0 / fanIn(shape));
        return uniform(rng, bound, dtype, shape);
    }

    /** He et al. 2015, normal, fan-in mode: {@code N(0, gain^2 / fanIn)}. */
    public static Tensor kaimingNormal(Rng rng, double a, DType dtype, int... shape) {
        return Tensor.normal(rng, 0, leakyReluGain(a) / Math.sqrt(fanIn(shape)), dtype, shape);
    }

    /** Glorot & Bengio 2010, uniform: {@code b = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Rng rng, double gain, DType dtype, int... shape) {
        double bound = gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
        return uniform(rng, bound, dtype, shape);
    }

    /** Glorot & Bengio 2010, normal: {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Rng rng, double gain, DType dtype, int... shape) {
        return Tensor.normal(rng, 0, gain * Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape))), dtype, shape);
    }

    /**
     * PyTorch's default for Linear and Conv2d weights: {@code kaiming_uniform_(a = sqrt(5))}, which is
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}.
     */
    public static Tensor torchDefaultWeight(Rng rng, DType dtype, int... shape) {
        return kaimingUniform(rng, Math.sqrt(5), dtype, shape);
    }

    /** PyTorch's default bias for Linear and Conv2d: {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}. */
    public static Tensor torchDefaultBias(Rng rng, int fanIn, DType dtype, int size) {
        return uniform(rng, 1 / Math.sqrt(fanIn), dtype, size);
    }
}
