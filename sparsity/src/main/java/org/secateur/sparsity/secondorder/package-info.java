/**
 * Second-order pruning, from Optimal Brain Damage to Optimal Brain Compression: one curvature API and the solvers
 * that use it. The loss is expanded to second order, {@code dL ~ g^T dw + 1/2 dw^T H dw} with {@code g ~ 0} at a
 * minimum, and a weight is removed where that costs least, the others moving to compensate where the method allows.
 *
 * <p><b>Curvature.</b> An {@link org.secateur.sparsity.secondorder.Objective} is a model's loss over batches as a
 * function of some of its parameters, flattened by a {@link org.secateur.sparsity.secondorder.ParameterVector}. A
 * {@link org.secateur.sparsity.secondorder.Curvature} of it is known through products: the exact Hessian
 * ({@code Curvature::hessian}, double backward), the Gauss-Newton matrix ({@code Curvature::gaussNewton}), or the
 * empirical Fisher ({@code EmpiricalFisher::of}, with Woodbury inverses). Each gives diagonals, principal blocks and
 * damped inverses; {@link org.secateur.sparsity.secondorder.Hutchinson} estimates a diagonal from a few products.
 *
 * <p><b>Whole-network solvers</b> (small nets, exact curvature):
 * <pre>{@code
 * // OBD: saliency 1/2 h_ii w_i^2 as a Criterion; the predicted loss increase of a mask
 * Obd obd = new Obd(batches, loss, CurvatureDiagonal.exact(Curvature::gaussNewton));
 * Scores.PerEntry s = obd.scores(model, weights);
 * Map<String, Tensor> masks = Pruner.global(0.5).computeMasks(weights, s);
 * double predicted = Obd.predictedIncrease(s, weights, masks);
 *
 * // OBS: one weight at a time with the full inverse Hessian, until a rule rejects a removal
 * ObsResult r = Obs.of(Curvature::hessian).withDamping(Damping.absolute(1e-4)).withRecomputeEvery(1)
 *         .prune(model, model.namedParameters(), batches, loss,
 *                StoppingRule.errorBudget(0.05).or(StoppingRule.when(() -> accuracy(model) < before)));
 *
 * // WoodFisher: block OBS with the empirical Fisher, global one-shot selection
 * WoodFisherResult w = WoodFisher.perRow().prune(model, weights, EmpiricalFisher.examples(batches), loss, 0.95);
 * }</pre>
 *
 * <p><b>Layer-wise solvers</b> (any size, calibration inputs only): {@link org.secateur.sparsity.secondorder.LayerWise}
 * records each Linear or Conv2d layer's inputs through forward hooks into a
 * {@link org.secateur.sparsity.secondorder.LayerHessian} {@code H = 2 X X^T / N}, layer after layer, and solves
 * {@code min ||W X - W_hat X||^2} with a {@link org.secateur.sparsity.secondorder.LayerCompressor}:
 * {@link org.secateur.sparsity.secondorder.ExactObs} (OBC), the baselines of
 * {@link org.secateur.sparsity.secondorder.MaskThenRefit} (GMP, L-OBS, AdaPrune), or the quantizers of
 * {@code org.secateur.sparsity.quant} (GPTQ, round-to-nearest).
 * <pre>{@code
 * List<LayerReport> reports = LayerWise.of(model).skip("4.weight")
 *         .onLayer(report -> log(report.name(), report.error(), report.solution().stepErrors()))
 *         .compress(calibrationInputs, ExactObs.of(LayerTarget.perLayer(0.75)));     // or LayerTarget.nm(2, 4)
 * }</pre>
 *
 * <p>All second-order maths is in float64; exact curvatures need a float64 model. Pruned weights end with value 0
 * and mask 0; weights pruned before are never revived.
 */
package org.secateur.sparsity.secondorder;
