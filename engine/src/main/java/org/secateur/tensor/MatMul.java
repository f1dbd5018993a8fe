package org.secateur.tensor;

import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;

/**
 * {@code C = op(A) op(B)} over the last two dimensions, batch dimensions broadcast. The four adjoints are again
 * matrix products with the transposition flags moved, so no transpose is ever materialised.
 */
final class MatMul extends Function {
    private static final Kernels K = Kernels.get();

    private final boolean transA;
    private final boolean transB;
    private Tensor a;
    private Tensor b;

    MatMul(boolean transA, boolean transB) {
        this.transA = transA;
        this.transB = transB;
    }

    @Override
    protected Tensor forward(Tensor... in) {
        a = in[0];
        b = in[1];
        a.requireSameDtype(b);
        int[] sa = a.shapeRef();
        int[] sb = b.shapeRef();
        if (sa.length < 2 || sb.length < 2) {
            throw new IllegalArgumentException("matmul needs rank >= 2 operands, got " + Shape.str(sa) + " and "
                    + Shape.str(sb));
        }
        int ra = sa.length;
        int rb = sb.length;
        int m = transA ? sa[ra - 1] : sa[ra - 2];
        int k = transA ? sa[ra - 2] : sa[ra - 1];
        int kb = transB ? sb[rb - 1] : sb[rb - 2];
        int n = transB ? sb[rb - 2] : sb[rb - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shape.str(sa)
                    + (transA ? "^T" : "") + " @ " + Shape.str(sb) + (transB ? "^T" : "") + " (" + k + " vs " + kb + ")");
        }
        int[] batchA = java.util.Arrays.copyOf(sa, ra - 2);
        int[] batchB = java.util.Arrays.copyOf(sb, rb - 2);
        int[] batch = Shape.broadcast(batchA, batchB);
        int[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = m;
        out[batch.length + 1] = n;
        Tensor c = Tensor.uninitialized(a.dtype(), out);
        int count = Shape.numel(batch);
        int[] aOff = matrixOffsets(batchA, batch, m * k);
        int[] bOff = matrixOffsets(batchB, batch, k * n);
        int cSize = m * n;
        long work = Math.max(1L, (long) m * n * k);
        int grain = (int) Math.max(1, Math.min(count, (1L << 18) / work));
        Parallel.forRange(count, grain, (from, to) -> {
            for (int i = from; i < to; i++) {
                if (c.f() != null) {
                    K.gemm(transA, transB, m, n, k, a.f(), aOff[i], b.f(), bOff[i], c.f(), i * cSize, false);
                } else {
                    K.gemm(transA, transB, m, n, k, a.d(), aOff[i], b.d(), bOff[i], c.d(), i * cSize, false);
                }
            }
        });
        return c;
    }

    /** Storage offset of each matrix of an operand with batch shape {@code own} broadcast to {@code batch}. */
    private static int[] matrixOffsets(int[] own, int[] batch, int matrixSize) {
        int count = Shape.numel(batch);
        int[] strides = Broadcast.alignedStrides(own, batch);
        int[] offsets = new int[count];
        int[] idx = new int[batch.length];
        int off = 0;
        for (int i = 0; i < count; i++) {
            offsets[i] = off * matrixSize;
            for (int d = batch.length - 1; d >= 0; d--) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < batch[d]) {
                    break;
                }
                off -= strides[d] * batch[d];
                idx[d] = 0;
            }
        }
        return offsets;
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor ga = null;
        Tensor gb = null;
        if (needsGrad(0)) {
            ga = transA ? b.matmul(g, transB, true) : g.matmul(b, false, !transB);
            ga = ga.sumTo(a.shapeRef());
        }
        if (needsGrad(1)) {
            gb = transB ? g.matmul(a, true, transA) : a.matmul(g, !transA, false);
            gb = gb.sumTo(b.shapeRef());
        }
        return new Tensor[] {ga, gb};
    }

    @Override
    protected Tensor jvp(int input, Tensor v) {
        return new MatMul(transA, transB).apply(input == 0 ? v : a, input == 0 ? b : v);
    }

    @Override
    public String name() {
        return "matmul";
    }
}
