/**
 * Training with pruning: {@link org.secateur.sparsity.train.Schedule}s (one-shot, iterative prune-retrain, gradual
 * AGP, at initialisation), a {@link org.secateur.sparsity.train.Trainer} loop with callbacks that applies them
 * through {@link org.secateur.sparsity.train.ScheduledPruning}, an L1 penalty, and evaluation. Batches are
 * {@link org.secateur.sparsity.Minibatch}es, so any data source adapts in one line.
 */
package org.secateur.sparsity.train;
