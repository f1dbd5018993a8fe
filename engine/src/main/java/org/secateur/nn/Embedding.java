package org.secateur.nn;

import java.util.Arrays;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}, initialised N(0, 1) as PyTorch's
 * {@code Embedding}. Indices map to rows through {@code indexSelect}, so gradients scatter-add into the rows used.
 *
 * <p>Tensors hold floats, so {@link #lookup} is the entry point for integer indices; {@link #apply} takes the
 * indices as a tensor of whole numbers (float64 represents every index exactly) and runs the hooks either way.
 */
public final class Embedding extends Module {
    public final int numEmbeddings;
    public final int embeddingDim;
    public final Parameter weight;

    public Embedding(int numEmbeddings, int embeddingDim, Rng rng) {
        if (numEmbeddings < 1 || embeddingDim < 1) {
            throw new IllegalArgumentException("Embedding(" + numEmbeddings + ", " + embeddingDim
                    + "): sizes must be >= 1");
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Tensor.normal(rng, 0, 1, DType.F32, numEmbeddings, embeddingDim));
    }

    /**
     * The rows for {@code indices}, laid out as {@code shape ++ [embeddingDim]}; {@code shape} defaults to
     * {@code [indices.length]}.
     */
    public Tensor lookup(int[] indices, int... shape) {
        int[] s = shape.length == 0 ? new int[] {indices.length} : shape;
        if (Shape.numel(s) != indices.length) {
            throw new IllegalArgumentException("lookup: " + indices.length + " indices do not fill shape "
                    + Shape.str(s));
        }
        double[] values = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            values[i] = indices[i];
        }
        return apply(Tensor.of(values, s));
    }

    @Override
    protected Tensor forward(Tensor indices) {
        int[] idx = new int[indices.numel()];
        for (int i = 0; i < idx.length; i++) {
            double v = indices.getFlat(i);
            if (v != Math.rint(v) || v < 0 || v >= numEmbeddings) {
                throw new IllegalArgumentException("embedding index " + v + " at flat position " + i
                        + " is not a whole number in [0, " + numEmbeddings + ")");
            }
            idx[i] = (int) v;
        }
        int[] out = Arrays.copyOf(indices.shape(), indices.rank() + 1);
        out[indices.rank()] = embeddingDim;
        return weight.value().indexSelect(0, idx).reshape(out);
    }

    @Override
    public String toString() {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim + ")";
    }
}
