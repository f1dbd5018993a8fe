package org.secateur.nn;

import org.secateur.tensor.Tensor;

/** Max, average or adaptive-average pooling over {@code [N, C, H, W]}. */
public final class Pool2d extends Module {
    private enum Kind { MAX, AVG, ADAPTIVE_AVG }

    private final Kind kind;
    private final int a;
    private final int b;
    private final int padding;

    private Pool2d(Kind kind, int a, int b, int padding) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.padding = padding;
    }

    /** MaxPool2d with a square window; stride defaults to the window in PyTorch, so pass it explicitly. */
    public static Pool2d max(int kernel, int stride, int padding) {
        return new Pool2d(Kind.MAX, kernel, stride, padding);
    }

    public static Pool2d max(int kernel) {
        return max(kernel, kernel, 0);
    }

    public static Pool2d avg(int kernel, int stride, int padding) {
        return new Pool2d(Kind.AVG, kernel, stride, padding);
    }

    public static Pool2d avg(int kernel) {
        return avg(kernel, kernel, 0);
    }

    /** AdaptiveAvgPool2d to a fixed output size. */
    public static Pool2d adaptiveAvg(int outH, int outW) {
        return new Pool2d(Kind.ADAPTIVE_AVG, outH, outW, 0);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return switch (kind) {
            case MAX -> Functional.maxPool2d(x, a, b, padding, 1);
            case AVG -> Functional.avgPool2d(x, a, b, padding);
            case ADAPTIVE_AVG -> Functional.adaptiveAvgPool2d(x, a, b);
        };
    }

    /**
     * This layer applied to {@code relu(x)} when it is a max pooling, which the pair computes in one pass (what
     * {@link Sequential} does with a ReLU layer followed by this one); {@code null} for the other kinds.
     */
    Tensor afterRelu(Tensor x) {
        return kind == Kind.MAX ? Functional.reluMaxPool2d(x, a, b, padding, 1) : null;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MAX -> "MaxPool2d(" + a + ", stride=" + b + ", padding=" + padding + ")";
            case AVG -> "AvgPool2d(" + a + ", stride=" + b + ", padding=" + padding + ")";
            case ADAPTIVE_AVG -> "AdaptiveAvgPool2d(" + a + ", " + b + ")";
        };
    }
}
