/**
 * The quantization twin of layer-wise pruning (the seed: "the formula works for pruning and for quantization"): the
 * same {@link org.secateur.sparsity.secondorder.LayerProblem}, solved on a k-bit grid instead of with zeros.
 * {@link org.secateur.sparsity.quant.Gptq} quantizes one column at a time and compensates the remaining columns
 * through the inverse Hessian; {@link org.secateur.sparsity.quant.RoundToNearest} is the baseline. Both are
 * {@link org.secateur.sparsity.secondorder.LayerCompressor}s for
 * {@link org.secateur.sparsity.secondorder.LayerWise}, and write the grid's values, in the layer's dtype.
 *
 * <pre>{@code
 * List<LayerReport> reports = LayerWise.of(model).compress(calibration, Gptq.of(4));
 * double[] scales = reports.get(0).solution().rowScales();    // the grid step of each output row
 * }</pre>
 */
package org.secateur.sparsity.quant;
