package org.secateur.sparsity.secondorder;

/**
 * A solver of the {@link LayerProblem}: a pruner ({@link ExactObs}, the baselines of {@link MaskThenRefit}) or a
 * quantizer ({@code org.secateur.sparsity.quant}). It reads the problem and returns new weights; {@link LayerWise}
 * writes them into the layer.
 */
@FunctionalInterface
public interface LayerCompressor {
    LayerSolution compress(LayerProblem problem);
}
