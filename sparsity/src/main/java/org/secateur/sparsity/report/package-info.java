/**
 * What pruning left: per-layer and global sparsity with FLOPs ({@link org.secateur.sparsity.report.SparsityReport})
 * and mask images of Linear layers ({@link org.secateur.sparsity.report.MaskImage}).
 */
package org.secateur.sparsity.report;
