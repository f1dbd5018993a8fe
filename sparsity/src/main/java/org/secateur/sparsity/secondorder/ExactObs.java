package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.secateur.linalg.Damping;
import org.secateur.linalg.Spd;
import org.secateur.tensor.kernels.Parallel;

/**
 * ExactOBS, the layer-wise pruner of Optimal Brain Compression (Frantar, Singh &amp; Alistarh 2022, §4, Algorithm
 * 1): each row of the weight matrix is pruned greedily, one weight at a time, by exact OBS steps on its quadratic
 * {@code 1/2 (w - w_hat)^T H (w - w_hat)}, in {@code O(k d^2)} for {@code k} of {@code d} weights (see {@link
 * ObsRowSolver}); rows run in parallel. Targets:
 * <ul>
 *   <li>{@link LayerTarget.PerRow}: {@code k} steps in every row;</li>
 *   <li>{@link LayerTarget.PerLayer}: OBC's global selection within the layer ({@code prune_blocked}): every row is
 *       run to the end, recording its step errors; the layer's lowest errors are selected and each row keeps as
 *       many of its first steps as it has selected errors, so rows get unequal sparsities; the weights are then the
 *       least-squares refit to that mask, where the row's steps would have led;</li>
 *   <li>{@link LayerTarget.NM}: OBC's {@code nmprune}: a step may only take a weight from a group that still has
 *       more than N unpruned, until every group has N.</li>
 * </ul>
 * Weights pruned before are removed first at no cost. The Hessian is prepared as in {@link LayerProblem#prepare};
 * OBC itself uses no damping, GPTQ and SparseGPT 1% of the mean diagonal, the default here.
 *
 * <pre>{@code
 * List<LayerReport> reports = LayerWise.of(model).compress(calibration, ExactObs.of(LayerTarget.perLayer(0.5)));
 * }</pre>
 */
public record ExactObs(LayerTarget target, Damping damping) implements LayerCompressor {

    /** GPTQ's and SparseGPT's {@code percdamp}. */
    public static final Damping DEFAULT_DAMPING = Damping.relative(0.01);

    /** Pruning to {@code target} with the default damping. */
    public static ExactObs of(LayerTarget target) {
        return new ExactObs(target, DEFAULT_DAMPING);
    }

    public ExactObs withDamping(Damping d) {
        return new ExactObs(target, d);
    }

    @Override
    public LayerSolution compress(LayerProblem problem) {
        LayerProblem.Prepared prepared = problem.prepare(damping);
        double[] hInv = Spd.inverse(prepared.h(), problem.cols());
        return switch (target) {
            case LayerTarget.PerRow t -> greedy(problem, prepared, hInv, () -> ObsRowSolver.ANY,
                    (int) Math.rint(t.sparsity() * problem.cols()));
            case LayerTarget.NM t -> {
                int[] groupOf = groupOfColumn(t, problem);
                yield greedy(problem, prepared, hInv, () -> nmRule(t, groupOf), problem.cols());
            }
            case LayerTarget.PerLayer t -> perLayer(problem, prepared, hInv, t.sparsity());
        };
    }

    /** Per row, steps under the row's rule until {@code prunedPerRow} are pruned or no weight is eligible. */
    private static LayerSolution greedy(LayerProblem problem, LayerProblem.Prepared prepared, double[] hInv,
                                        Supplier<ObsRowSolver.Eligibility> rules, int prunedPerRow) {
        int rows = problem.rows();
        int cols = problem.cols();
        double[] out = new double[rows * cols];
        boolean[] alive = problem.alive().clone();
        double[][] steps = new double[rows][];
        forEachRow(problem, prepared, hInv, rules, (r, solver, rule, pruned) -> {
            double[] errors = new double[cols];
            int k = 0;
            for (int s; pruned + k < prunedPerRow && (s = solver.best(rule)) >= 0; k++) {
                alive[r * cols + solver.columnOf(s)] = false;
                errors[k] = solver.prune(s, rule);
            }
            steps[r] = Arrays.copyOf(errors, k);
            solver.weightsInto(out, r * cols);
        });
        return LayerSolution.pruned(out, alive, steps);
    }

    /** OBC's global selection within the layer: full traces, the lowest errors, then a refit to their mask. */
    private static LayerSolution perLayer(LayerProblem problem, LayerProblem.Prepared prepared, double[] hInv,
                                          double sparsity) {
        int rows = problem.rows();
        int cols = problem.cols();
        int[][] order = new int[rows][];
        double[][] trace = new double[rows][];
        forEachRow(problem, prepared, hInv, () -> ObsRowSolver.ANY, (r, solver, rule, pruned) -> {
            order[r] = new int[cols - pruned];
            trace[r] = new double[cols - pruned];
            for (int k = 0, s; (s = solver.best(rule)) >= 0; k++) {
                order[r][k] = solver.columnOf(s);
                trace[r][k] = solver.prune(s, rule);
            }
        });
        int before = rows * cols - ParameterVector.indicesOf(problem.alive()).length;
        int count = (int) Math.max(0, Math.rint(sparsity * rows * cols) - before);
        int[] keptSteps = lowestPerRow(trace, count);
        boolean[] alive = problem.alive().clone();
        double[][] steps = new double[rows][];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < keptSteps[r]; k++) {
                alive[r * cols + order[r][k]] = false;
            }
            steps[r] = Arrays.copyOf(trace[r], keptSteps[r]);
        }
        return LayerSolution.pruned(Refit.rows(prepared.h(), prepared.w(), alive, rows, cols), alive, steps);
    }

    /** How many of each row's errors are among the {@code count} lowest of all (ties: earlier row, earlier step). */
    private static int[] lowestPerRow(double[][] trace, int count) {
        int total = 0;
        for (double[] t : trace) {
            total += t.length;
        }
        double[] values = new double[total];
        int[] rowOf = new int[total];
        for (int r = 0, e = 0; r < trace.length; r++) {
            for (double v : trace[r]) {
                values[e] = v;
                rowOf[e++] = r;
            }
        }
        int[] perRow = new int[trace.length];
        for (int e : Ranking.lowest(values, IntStream.range(0, total).toArray(), count)) {
            perRow[rowOf[e]]++;
        }
        return perRow;
    }

    /** The N:M group of each column. */
    private static int[] groupOfColumn(LayerTarget.NM t, LayerProblem problem) {
        int[][] groups = t.columnGroups(problem.shape());
        int[] groupOf = new int[problem.cols()];
        for (int g = 0; g < groups.length; g++) {
            for (int c : groups[g]) {
                groupOf[c] = g;
            }
        }
        return groupOf;
    }

    /** The N:M rule of one row: a weight is eligible while its group has more than N unpruned. */
    private static ObsRowSolver.Eligibility nmRule(LayerTarget.NM t, int[] groupOf) {
        int[] prunedIn = new int[groupOf.length / t.m()];
        return new ObsRowSolver.Eligibility() {
            @Override
            public boolean eligible(int c) {
                return prunedIn[groupOf[c]] < t.m() - t.n();
            }

            @Override
            public void pruned(int c) {
                prunedIn[groupOf[c]]++;
            }
        };
    }

    /** The work on one row after its solver is loaded and its weights pruned before are removed. */
    @FunctionalInterface
    private interface RowTask {
        void run(int r, ObsRowSolver solver, ObsRowSolver.Eligibility rule, int prunedBefore);
    }

    /**
     * Runs {@code task} on every row, rows split over threads with one solver each; each row is loaded, gets its
     * rule, and has the weights its mask prunes removed first (their weights are 0: no error, no update).
     */
    private static void forEachRow(LayerProblem problem, LayerProblem.Prepared prepared, double[] hInv,
                           Supplier<ObsRowSolver.Eligibility> rules, RowTask task) {
        int cols = problem.cols();
        Parallel.forRange(problem.rows(), 1, (from, to) -> {
            ObsRowSolver solver = new ObsRowSolver(cols);
            for (int r = from; r < to; r++) {
                ObsRowSolver.Eligibility rule = rules.get();
                solver.load(hInv, prepared.w(), r * cols);
                int pruned = 0;
                for (int c = 0; c < cols; c++) {
                    if (!problem.alive()[r * cols + c]) {
                        solver.prune(solver.slotOf(c), rule);
                        pruned++;
                    }
                }
                task.run(r, solver, rule, pruned);
            }
        });
    }
}
