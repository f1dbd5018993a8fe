package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in the style of GotoBLAS/BLIS (Goto & van de Geijn, TOMS 2008; Low et al., TOMS 2016):
 * B is packed into {@code KC x NR} panels and A into {@code MR x KC} micro-panels (transposed operands are handled
 * by the packing, never by copying the matrix), and a register-blocked micro-kernel accumulates an
 * {@code MR x NR} tile of C in {@code MR * 3} vector registers. Edge tiles run the same kernel on zero-padded
 * panels into a scratch tile. Work is split over threads by column panels (or row panels when C is tall), each
 * thread owning whole tiles of C, so results do not depend on the thread count.
 */
final class PanamaGemm {
    private PanamaGemm() {}

    private static final VectorSpecies<Float> F = PanamaKernels.F;
    private static final int L = F.length();
    static final int MR = 4;
    static final int NR = 3 * L;
    static final int KC = 256;
    static final int MC = 128;
    /** Below this many multiply-adds packing costs more than it saves. */
    private static final long SMALL = 32 * 32 * 32;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][0]);

    static void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b, int bo,
                     float[] c, int co, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                java.util.Arrays.fill(c, co, co + m * n, 0f);
            }
            return;
        }
        if ((long) m * n * k <= SMALL) {
            Kernels.scalar().gemm(transA, transB, m, n, k, a, ao, b, bo, c, co, accumulate);
            return;
        }
        int nPanels = (n + NR - 1) / NR;
        int mPanels = (m + MR - 1) / MR;
        long flops = (long) m * n * k;
        int grain = flops < 1 << 20 ? Integer.MAX_VALUE : 1;
        if (nPanels >= 2 * Parallel.threads() || nPanels >= mPanels) {
            Parallel.forRange(nPanels, grain, (p0, p1) -> blocked(transA, transB, m, n, k, a, ao, b, bo, c, co,
                    accumulate, 0, m, p0 * NR, Math.min(n, p1 * NR)));
        } else {
            Parallel.forRange(mPanels, grain, (p0, p1) -> blocked(transA, transB, m, n, k, a, ao, b, bo, c, co,
                    accumulate, p0 * MR, Math.min(m, p1 * MR), 0, n));
        }
    }

    /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b,
                                int bo, float[] c, int co, boolean accumulate, int i0, int i1, int j0, int j1) {
        int cols = j1 - j0;
        int paddedCols = (cols + NR - 1) / NR * NR;
        float[][] buf = BUFFERS.get();
        float[] bp = buffer(buf, 0, KC * paddedCols);
        float[] ap = buffer(buf, 1, MC * KC);
        float[] tile = buffer(buf, 2, MR * NR);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packB(transB, b, bo, n, k, pc, kc, j0, j1, bp);
            boolean add = accumulate || pc > 0;
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                packA(transA, a, ao, m, k, ic, mc, pc, kc, ap);
                for (int jr = j0; jr < j1; jr += NR) {
                    int nr = Math.min(NR, j1 - jr);
                    int bOff = (jr - j0) * kc;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int cOff = co + (ic + ir) * n + jr;
                        if (mr == MR && nr == NR) {
                            kernel(kc, ap, ir * kc, bp, bOff, c, cOff, n, add);
                        } else {
                            kernel(kc, ap, ir * kc, bp, bOff, tile, 0, NR, false);
                            for (int i = 0; i < mr; i++) {
                                for (int j = 0; j < nr; j++) {
                                    float v = tile[i * NR + j];
                                    c[cOff + i * n + j] = add ? c[cOff + i * n + j] + v : v;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] buffer(float[][] buf, int i, int size) {
        if (buf[i].length < size) {
            buf[i] = new float[size];
        }
        return buf[i];
    }

    /** Packs {@code B[pc:pc+kc, j0:j1]} as consecutive {@code kc x NR} panels, zero-padding the last one. */
    private static void packB(boolean transB, float[] b, int bo, int n, int k, int pc, int kc, int j0, int j1,
                              float[] bp) {
        int dst = 0;
        for (int jr = j0; jr < j1; jr += NR) {
            int nr = Math.min(NR, j1 - jr);
            for (int p = 0; p < kc; p++) {
                if (!transB) {
                    System.arraycopy(b, bo + (pc + p) * n + jr, bp, dst, nr);
                } else {
                    int src = bo + jr * k + pc + p;
                    for (int j = 0; j < nr; j++) {
                        bp[dst + j] = b[src + j * k];
                    }
                }
                if (nr < NR) {
                    java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                }
                dst += NR;
            }
        }
    }

    /** Packs {@code A[ic:ic+mc, pc:pc+kc]} as consecutive {@code MR x kc} micro-panels stored column by column. */
    private static void packA(boolean transA, float[] a, int ao, int m, int k, int ic, int mc, int pc, int kc,
                              float[] ap) {
        int dst = 0;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            for (int p = 0; p < kc; p++) {
                for (int i = 0; i < MR; i++) {
                    float v = 0f;
                    if (i < mr) {
                        int row = ic + ir + i;
                        int col = pc + p;
                        v = transA ? a[ao + col * m + row] : a[ao + row * k + col];
                    }
                    ap[dst++] = v;
                }
            }
        }
    }

    /** {@code C[0:MR, 0:NR] (+)= Ap * Bp} over {@code kc}, with the tile held in 12 vector accumulators. */
    private static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc,
                               boolean add) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F), c02 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F), c12 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F), c22 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F), c32 = FloatVector.zero(F);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, bp, bi + 2 * L);
            FloatVector x = FloatVector.broadcast(F, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        store(c00, c, cOff, add);
        store(c01, c, cOff + L, add);
        store(c02, c, cOff + 2 * L, add);
        store(c10, c, cOff + ldc, add);
        store(c11, c, cOff + ldc + L, add);
        store(c12, c, cOff + ldc + 2 * L, add);
        store(c20, c, cOff + 2 * ldc, add);
        store(c21, c, cOff + 2 * ldc + L, add);
        store(c22, c, cOff + 2 * ldc + 2 * L, add);
        store(c30, c, cOff + 3 * ldc, add);
        store(c31, c, cOff + 3 * ldc + L, add);
        store(c32, c, cOff + 3 * ldc + 2 * L, add);
    }

    private static void store(FloatVector v, float[] c, int off, boolean add) {
        (add ? v.add(FloatVector.fromArray(F, c, off)) : v).intoArray(c, off);
    }
}
