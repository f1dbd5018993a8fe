package org.secateur.sparsity.secondorder;

import org.secateur.sparsity.Scores;

/**
 * What {@link WoodFisher} did.
 *
 * @param statistics        the OBS statistic {@code rho_q = w_q^2 / (2 [F_b^-1]_qq)} of every weight before pruning
 *                          (0 for those pruned before): usable as a criterion's scores
 * @param predictedIncrease the block-diagonal quadratic model's increase {@code 1/2 dw^T (F_b + lambda I) dw} for the
 *                          change made, summed over blocks
 * @param pruned            the weights pruned now
 */
public record WoodFisherResult(Scores.PerEntry statistics, double predictedIncrease, int pruned) {}
