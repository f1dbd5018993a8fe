package org.secateur.nn;

import java.util.function.UnaryOperator;
import org.secateur.tensor.Tensor;

/**
 * A parameter-free elementwise layer: ReLU, LeakyReLU, SiLU, GELU, Tanh, Sigmoid, Softmax. Each is a module of
 * its own so that hooks can observe or replace its output (CATS thresholds the SiLU of a gated MLP this way).
 */
public final class Activation extends Module {
    private final String name;
    private final UnaryOperator<Tensor> f;

    private Activation(String name, UnaryOperator<Tensor> f) {
        this.name = name;
        this.f = f;
    }

    @Override
    protected Tensor forward(Tensor x) {
        return f.apply(x);
    }

    @Override
    public String toString() {
        return name;
    }

    public static Activation relu() {
        return new Activation(RELU, Tensor::relu);
    }

    private static final String RELU = "ReLU";

    /** Whether this is {@link #relu()}. */
    boolean isRelu() {
        return name.equals(RELU);
    }

    /** {@code x} for {@code x > 0}, else {@code slope * x}. */
    public static Activation leakyRelu(double slope) {
        return new Activation("LeakyReLU(" + slope + ")", x -> leakyRelu(x, slope));
    }

    /** SiLU (swish), {@code x * sigmoid(x)}. */
    public static Activation silu() {
        return new Activation("SiLU", Activation::silu);
    }

    /** GELU with the exact error function, {@code x/2 (1 + erf(x / sqrt 2))}, PyTorch's default. */
    public static Activation gelu() {
        return new Activation("GELU", Activation::gelu);
    }

    public static Activation tanh() {
        return new Activation("Tanh", Tensor::tanh);
    }

    public static Activation sigmoid() {
        return new Activation("Sigmoid", Tensor::sigmoid);
    }

    /** Softmax along {@code axis}. */
    public static Activation softmax(int axis) {
        return new Activation("Softmax(" + axis + ")", x -> x.softmax(axis));
    }

    /** Leaky ReLU as a function: the slope factor is a constant, so the result is linear in {@code x} piecewise. */
    public static Tensor leakyRelu(Tensor x, double slope) {
        Tensor factor = x.detach().gt(0).mul(1 - slope).add(slope);
        return x.mul(factor);
    }

    public static Tensor silu(Tensor x) {
        return x.mul(x.sigmoid());
    }

    public static Tensor gelu(Tensor x) {
        return x.mul(x.mul(1 / Math.sqrt(2)).erf().add(1)).mul(0.5);
    }
}
