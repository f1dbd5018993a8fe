package org.secateur.sparsity.report;

/**
 * Sparsity and cost of one layer's weight.
 *
 * @param name the weight's name ({@code 1.weight})
 * @param numel weights in the layer
 * @param zeros effective weights that are zero (pruned, or zero after {@code remove})
 * @param denseFlops FLOPs per example of the dense layer: a multiply-add is 2 FLOPs, biases and activations are not
 *     counted (Han et al. 2015, Table 2)
 * @param flops FLOPs per example left with the non-zero weights only
 */
public record LayerSparsity(String name, long numel, long zeros, long denseFlops, long flops) {

    public long nonZeros() {
        return numel - zeros;
    }

    /** Fraction of zero weights. */
    public double sparsity() {
        return numel == 0 ? 0 : (double) zeros / numel;
    }

    /** Whether no weight is left: the layer cuts the network in two (SynFlow's layer collapse). */
    public boolean isCollapsed() {
        return zeros == numel;
    }
}
