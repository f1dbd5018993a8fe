package org.secateur.sparsity.quant;

import org.secateur.sparsity.secondorder.LayerCompressor;
import org.secateur.sparsity.secondorder.LayerProblem;
import org.secateur.sparsity.secondorder.LayerSolution;

/** Round-to-nearest: every weight to its nearest point of the row's {@link QuantGrid}, with no compensation. */
public record RoundToNearest(int bits) implements LayerCompressor {

    @Override
    public LayerSolution compress(LayerProblem problem) {
        int rows = problem.rows();
        int cols = problem.cols();
        QuantGrid grid = QuantGrid.fit(bits, problem.w(), rows, cols);
        double[] q = new double[rows * cols];
        for (int e = 0; e < q.length; e++) {
            q[e] = grid.quantize(e / cols, problem.w()[e]);
        }
        return new LayerSolution(q, problem.alive().clone(), new double[rows][0], grid.scales());
    }
}
