/**
 * Dense linear algebra in double precision for second-order pruning (OBS, ExactOBS/OBC, GPTQ): Cholesky
 * factorisation with damping, triangular solves, inverses of symmetric positive definite matrices, the upper
 * Cholesky factor of an inverse, and the OBS row-and-column downdate.
 *
 * <p>Matrices are row-major {@code double[]} with their order passed beside them ({@code n x n}, right-hand sides
 * {@code n x k}); {@link org.secateur.linalg.Spd} also takes and returns tensors. Inputs are never modified except by
 * methods named {@code ...InPlace}. Work is split over {@link org.secateur.tensor.kernels.Parallel}'s threads so that
 * no two threads write the same element and every element is computed in a fixed order: results do not depend on the
 * thread count.
 */
package org.secateur.linalg;
