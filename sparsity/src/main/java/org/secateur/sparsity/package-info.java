/**
 * Masks and granularities, importance criteria, second-order pruners, schedules and sparse kernels.
 * Its contents arrive with the pruning issues; the module already builds so that the reactor is complete.
 */
package org.secateur.sparsity;
