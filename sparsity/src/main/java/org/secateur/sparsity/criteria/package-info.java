/**
 * Pruning criteria, each a {@link org.secateur.sparsity.Criterion} naming its paper and equation: random,
 * magnitude, gradient, first-order Taylor per weight and per feature map (Molchanov et al. 2017), SNIP, GraSP and
 * SynFlow. They read the model through its outputs, forward hooks and gradients only.
 */
package org.secateur.sparsity.criteria;
