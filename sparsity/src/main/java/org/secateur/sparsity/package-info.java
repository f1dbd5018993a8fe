/**
 * Pruning with masks, in the vocabulary of PyTorch's {@code torch.nn.utils.prune}: a criterion scores weights
 * ({@link org.secateur.sparsity.Criterion}, {@link org.secateur.sparsity.Scores}), a
 * {@link org.secateur.sparsity.Pruner} turns scores into masks at a {@link org.secateur.sparsity.Granularity}
 * (unstructured, vector, kernel, filter, channel, block, N:M) within a {@link org.secateur.sparsity.Scope} (global
 * or layer-wise, per-layer targets), and a masked {@link org.secateur.nn.Parameter} keeps its dense values
 * ({@code weight_orig}) beside the mask ({@code weight_mask}) until {@link org.secateur.sparsity.Pruning#remove}
 * folds it in. {@link org.secateur.sparsity.Pruning} holds PyTorch's functions by name.
 *
 * <p>Subpackages: {@code criteria} (random, magnitude, gradient, Taylor, SNIP, GraSP, SynFlow), {@code train}
 * (schedules, a training loop, L1 penalty), {@code report} (sparsity and FLOPs reports, mask images).
 *
 * <pre>{@code
 * Map<String, Parameter> weights = Pruning.prunableWeights(model);
 * Pruner.global(0.9).prune(model, weights, new Magnitude());    // 90% of all weights, one ranking
 * System.out.println(SparsityReport.of(model, 784).toMarkdown());
 * }</pre>
 */
package org.secateur.sparsity;
