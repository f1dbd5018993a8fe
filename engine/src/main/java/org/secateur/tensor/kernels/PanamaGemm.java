package org.secateur.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in the style of GotoBLAS/BLIS (Goto &amp; van de Geijn, TOMS 2008; Low et al., TOMS 2016).
 *
 * <ul>
 *   <li>B is packed into {@code KC x NR} panels: rows of B are copied a vector at a time, and a transposed B
 *       (a weight {@code [out, in]} used as {@code W^T}) is transposed {@code 16 x 16} blocks at a time in registers.
 *   <li>A is read in place, {@code MR} rows at a time, when it is not transposed (its rows are contiguous along
 *       k, and a broadcast load needs nothing more); a transposed A is packed into {@code MR x KC} micro-panels,
 *       which for it is a copy of {@code MR} contiguous floats per k.
 *   <li>The micro-kernel keeps an {@code MR x NR} = {@code 8 x 2} vector tile of C in 16 accumulators (Zen 5 runs
 *       two 512-bit FMAs per cycle with latency 4: eight independent chains at least; 16 leave room for loads).
 *       Edge tiles run the same kernel: rows past M re-read a valid row and are not stored, columns past N are
 *       zero in the packed panel and masked at the store, and a last panel of at most one vector uses the
 *       half-width kernel.
 *   <li>Threads split the columns of C into panels (or the rows, when there are too few panels), each thread
 *       packing what it reads and owning whole tiles of C, so every element of C is summed in the same order
 *       whatever the thread count.
 * </ul>
 */
final class PanamaGemm {
    private PanamaGemm() {}

    private static final VectorSpecies<Float> F = PanamaKernels.F;
    private static final int L = F.length();
    static final int MR = 8;
    static final int NR = 2 * L;
    /** Depth of a packed panel: one {@code KC x NR} panel of B stays in L1 while MC rows of A stream past it. */
    static final int KC = Integer.getInteger("secateur.gemm.kc", 256);
    /** Rows of A per block: an {@code MC x KC} block of A stays in L2. */
    static final int MC = Integer.getInteger("secateur.gemm.mc", 192);
    /** Below this many multiply-adds the plain loops beat packing. */
    private static final long SMALL = 4096;

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
        long macs = (long) m * n * k;
        if (macs <= SMALL) {
            Kernels.scalar().gemm(transA, transB, m, n, k, a, ao, b, bo, c, co, accumulate);
            return;
        }
        int t = Parallel.threads();
        int nPanels = (n + NR - 1) / NR;
        int mPanels = (m + MR - 1) / MR;
        // About 100 microseconds of work per thread before a split pays for itself. And about one chunk per thread:
        // every chunk packs the whole of the operand it shares with the others (A for a column split), which for
        // the LeNet shapes costs as much as the imbalance that finer chunks would even out.
        boolean small = macs < (1L << 21);
        if (t > 1 && splitRows(nPanels, mPanels, n, t)) {
            Parallel.forRange(mPanels, small ? Integer.MAX_VALUE : Math.max(1, mPanels / t), (p0, p1) ->
                    blocked(transA, transB, m, n, k, a, ao, b, bo, c, co, accumulate, p0 * MR, Math.min(m, p1 * MR),
                            0, n));
        } else {
            Parallel.forRange(nPanels, small ? Integer.MAX_VALUE : Math.max(1, nPanels / t), (p0, p1) ->
                    blocked(transA, transB, m, n, k, a, ao, b, bo, c, co, accumulate, 0, m, p0 * NR,
                            Math.min(n, p1 * NR)));
        }
    }

    /**
     * Whether splitting the rows balances better than splitting the column panels: the column split gives the
     * busiest thread {@code ceil(panels / t)} panels, which may be far above {@code n / t} columns when there are
     * few panels.
     */
    private static boolean splitRows(int nPanels, int mPanels, int n, int t) {
        if (mPanels < 2 * t) {
            return false;
        }
        double busiest = Math.min(n, (double) ((nPanels + t - 1) / t) * NR);
        return busiest > 1.15 * n / t;
    }

    /** Computes rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float[] a, int ao, float[] b,
                                int bo, float[] c, int co, boolean accumulate, int i0, int i1, int j0, int j1) {
        int cols = j1 - j0;
        int paddedCols = (cols + NR - 1) / NR * NR;
        float[][] buf = BUFFERS.get();
        float[] bp = buffer(buf, 0, Math.min(KC, k) * paddedCols);
        float[] ap = transA ? buffer(buf, 1, MC * Math.min(KC, k)) : null;
        float[] tile = buffer(buf, 2, MR * NR);
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            if (transB) {
                packBTransposed(b, bo, k, pc, kc, j0, j1, bp);
            } else {
                packB(b, bo, n, pc, kc, j0, j1, bp);
            }
            boolean add = accumulate || pc > 0;
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic);
                if (transA) {
                    packATransposed(a, ao, m, ic, mc, pc, kc, ap);
                }
                for (int jr = j0; jr < j1; jr += NR) {
                    int nr = Math.min(NR, j1 - jr);
                    int bOff = (jr - j0) * kc;
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        int cOff = co + (ic + ir) * n + jr;
                        boolean half = nr <= L;
                        boolean edge = mr < MR || nr < (half ? L : NR);
                        float[] dst = edge ? tile : c;
                        int dOff = edge ? 0 : cOff;
                        int ld = edge ? NR : n;
                        boolean dAdd = add && !edge;
                        // one kernel per case, each branch-free: a branch first taken late would deoptimise a kernel
                        if (transA) {
                            int aOff = ir * kc;
                            if (half) {
                                if (dAdd) {
                                    packedKernelHalfAdd(kc, ap, aOff, bp, bOff, dst, dOff, ld);
                                } else {
                                    packedKernelHalf(kc, ap, aOff, bp, bOff, dst, dOff, ld);
                                }
                            } else if (dAdd) {
                                packedKernelAdd(kc, ap, aOff, bp, bOff, dst, dOff, ld);
                            } else {
                                packedKernel(kc, ap, aOff, bp, bOff, dst, dOff, ld);
                            }
                        } else {
                            int aRow = ao + (ic + ir) * k + pc;
                            if (half) {
                                if (dAdd) {
                                    rowsKernelHalfAdd(kc, a, aRow, k, mr, bp, bOff, dst, dOff, ld);
                                } else {
                                    rowsKernelHalf(kc, a, aRow, k, mr, bp, bOff, dst, dOff, ld);
                                }
                            } else if (dAdd) {
                                rowsKernelAdd(kc, a, aRow, k, mr, bp, bOff, dst, dOff, ld);
                            } else {
                                rowsKernel(kc, a, aRow, k, mr, bp, bOff, dst, dOff, ld);
                            }
                        }
                        if (edge) {
                            mergeTile(tile, mr, nr, c, cOff, n, add);
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

    // ---------------------------------------------------------------- packing

    /** Packs rows {@code [pc, pc+kc)} of B ({@code k x n}) over columns {@code [j0, j1)} as {@code kc x NR} panels. */
    static void packB(float[] b, int bo, int n, int pc, int kc, int j0, int j1, float[] bp) {
        int dst = 0;
        for (int jr = j0; jr < j1; jr += NR) {
            int nr = Math.min(NR, j1 - jr);
            int src = bo + pc * n + jr;
            if (nr == NR) {
                for (int p = 0; p < kc; p++, src += n, dst += NR) {
                    FloatVector.fromArray(F, b, src).intoArray(bp, dst);
                    FloatVector.fromArray(F, b, src + L).intoArray(bp, dst + L);
                }
            } else {
                // an edge panel: plain loops, the columns past the last zero
                for (int p = 0; p < kc; p++, src += n, dst += NR) {
                    for (int j = 0; j < nr; j++) {
                        bp[dst + j] = b[src + j];
                    }
                    for (int j = nr; j < NR; j++) {
                        bp[dst + j] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs B given as its transpose {@code Bt} ({@code n x k}, so that {@code B[p, j] = Bt[j, p]}): the panel
     * row {@code p} is column {@code p} of {@code Bt}. Whole {@code 16 x 16} blocks are transposed in registers.
     */
    static void packBTransposed(float[] bt, int bo, int k, int pc, int kc, int j0, int j1, float[] bp) {
        int dst = 0;
        for (int jr = j0; jr < j1; jr += NR) {
            int nr = Math.min(NR, j1 - jr);
            int p = 0;
            if (L == 16) {
                int full = nr / 16 * 16;
                for (; p + 16 <= kc; p += 16) {
                    for (int j = 0; j < full; j += 16) {
                        Transpose16.transpose(bt, bo + (jr + j) * k + pc + p, k, bp, dst + p * NR + j, NR);
                    }
                    for (int pp = p; pp < p + 16; pp++) {
                        for (int j = full; j < NR; j++) {
                            bp[dst + pp * NR + j] = j < nr ? bt[bo + (jr + j) * k + pc + pp] : 0f;
                        }
                    }
                }
            }
            for (; p < kc; p++) {
                int src = bo + jr * k + pc + p;
                int d = dst + p * NR;
                for (int j = 0; j < nr; j++) {
                    bp[d + j] = bt[src + j * k];
                }
                for (int j = nr; j < NR; j++) {
                    bp[d + j] = 0f;
                }
            }
            dst += kc * NR;
        }
    }

    /**
     * Packs rows {@code [ic, ic+mc)} of A given as its transpose ({@code k x m}) over columns {@code [pc, pc+kc)}
     * of A as {@code MR x kc} micro-panels, stored by k: each k contributes {@code MR} contiguous source floats.
     */
    static void packATransposed(float[] at, int ao, int m, int ic, int mc, int pc, int kc, float[] ap) {
        int dst = 0;
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int src = ao + pc * m + ic + ir;
            if (mr == MR) {
                for (int p = 0; p < kc; p++, src += m, dst += MR) {
                    System.arraycopy(at, src, ap, dst, MR);
                }
            } else {
                // an edge panel: a few floats a step, cheaper as plain loops than as arraycopy and fill calls
                for (int p = 0; p < kc; p++, src += m, dst += MR) {
                    for (int i = 0; i < mr; i++) {
                        ap[dst + i] = at[src + i];
                    }
                    for (int i = mr; i < MR; i++) {
                        ap[dst + i] = 0f;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- micro-kernels
    //
    // The kernels are kept small and branch-free: C1 gave up on a version with masked edge stores ("out of virtual
    // registers"), which left it interpreted-speed until C2 caught up; passing the accumulators to a store helper
    // made C2 box them; and a branch not taken while C2 profiled (an edge row, accumulation) becomes an uncommon trap
    // that sends the kernel back to the interpreter, where the Vector API is a hundred times slower. So there is one
    // kernel per case (store or accumulate, two vectors or one), rows are clamped with min, and edge tiles go
    // through a scratch tile (see mergeTile).

    /** {@code C[0:8, 0:NR] = A * Bp}, A read in place (row {@code i} at {@code a0 + i*lda}); rows from {@code mr} on repeat row {@code mr - 1}. */
    static void rowsKernel(int kc, float[] a, int a0, int lda, int mr, float[] bp, int bOff, float[] c, int cOff,
                      int ldc) {
        // rows from mr on re-read the last valid row (min, not a branch: no trap when mr first changes)
        int last = mr - 1;
        int r0 = a0;
        int r1 = a0 + Math.min(1, last) * lda;
        int r2 = a0 + Math.min(2, last) * lda;
        int r3 = a0 + Math.min(3, last) * lda;
        int r4 = a0 + Math.min(4, last) * lda;
        int r5 = a0 + Math.min(5, last) * lda;
        int r6 = a0 + Math.min(6, last) * lda;
        int r7 = a0 + Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int bi = bOff;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(F, a[r0 + p]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(F, a[r1 + p]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(F, a[r2 + p]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(F, a[r3 + p]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(F, a[r4 + p]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(F, a[r5 + p]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(F, a[r6 + p]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(F, a[r7 + p]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
    }

    /** {@code C[0:8, 0:NR] += A * Bp}, A read in place (row {@code i} at {@code a0 + i*lda}); rows from {@code mr} on repeat row {@code mr - 1}. */
    static void rowsKernelAdd(int kc, float[] a, int a0, int lda, int mr, float[] bp, int bOff, float[] c, int cOff,
                         int ldc) {
        // rows from mr on re-read the last valid row (min, not a branch: no trap when mr first changes)
        int last = mr - 1;
        int r0 = a0;
        int r1 = a0 + Math.min(1, last) * lda;
        int r2 = a0 + Math.min(2, last) * lda;
        int r3 = a0 + Math.min(3, last) * lda;
        int r4 = a0 + Math.min(4, last) * lda;
        int r5 = a0 + Math.min(5, last) * lda;
        int r6 = a0 + Math.min(6, last) * lda;
        int r7 = a0 + Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int bi = bOff;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(F, a[r0 + p]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(F, a[r1 + p]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(F, a[r2 + p]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(F, a[r3 + p]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(F, a[r4 + p]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(F, a[r5 + p]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(F, a[r6 + p]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(F, a[r7 + p]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
        c01.add(FloatVector.fromArray(F, c, cOff + L)).intoArray(c, cOff + L);
        c10.add(FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c11.add(FloatVector.fromArray(F, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
        c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
        c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
        c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
        c50.add(FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c51.add(FloatVector.fromArray(F, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
        c60.add(FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c61.add(FloatVector.fromArray(F, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
        c70.add(FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
        c71.add(FloatVector.fromArray(F, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
    }

    /** {@code C[0:8, 0:L] = A * Bp}, A read in place (row {@code i} at {@code a0 + i*lda}); rows from {@code mr} on repeat row {@code mr - 1}. */
    static void rowsKernelHalf(int kc, float[] a, int a0, int lda, int mr, float[] bp, int bOff, float[] c, int cOff,
                          int ldc) {
        // rows from mr on re-read the last valid row (min, not a branch: no trap when mr first changes)
        int last = mr - 1;
        int r0 = a0;
        int r1 = a0 + Math.min(1, last) * lda;
        int r2 = a0 + Math.min(2, last) * lda;
        int r3 = a0 + Math.min(3, last) * lda;
        int r4 = a0 + Math.min(4, last) * lda;
        int r5 = a0 + Math.min(5, last) * lda;
        int r6 = a0 + Math.min(6, last) * lda;
        int r7 = a0 + Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        int bi = bOff;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector x0 = FloatVector.broadcast(F, a[r0 + p]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(F, a[r1 + p]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(F, a[r2 + p]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(F, a[r3 + p]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(F, a[r4 + p]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(F, a[r5 + p]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(F, a[r6 + p]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(F, a[r7 + p]);
            c70 = x7.fma(b0, c70);
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
        c40.intoArray(c, cOff + 4 * ldc);
        c50.intoArray(c, cOff + 5 * ldc);
        c60.intoArray(c, cOff + 6 * ldc);
        c70.intoArray(c, cOff + 7 * ldc);
    }

    /** {@code C[0:8, 0:L] += A * Bp}, A read in place (row {@code i} at {@code a0 + i*lda}); rows from {@code mr} on repeat row {@code mr - 1}. */
    static void rowsKernelHalfAdd(int kc, float[] a, int a0, int lda, int mr, float[] bp, int bOff, float[] c, int cOff,
                             int ldc) {
        // rows from mr on re-read the last valid row (min, not a branch: no trap when mr first changes)
        int last = mr - 1;
        int r0 = a0;
        int r1 = a0 + Math.min(1, last) * lda;
        int r2 = a0 + Math.min(2, last) * lda;
        int r3 = a0 + Math.min(3, last) * lda;
        int r4 = a0 + Math.min(4, last) * lda;
        int r5 = a0 + Math.min(5, last) * lda;
        int r6 = a0 + Math.min(6, last) * lda;
        int r7 = a0 + Math.min(7, last) * lda;
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        int bi = bOff;
        for (int p = 0; p < kc; p++, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector x0 = FloatVector.broadcast(F, a[r0 + p]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(F, a[r1 + p]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(F, a[r2 + p]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(F, a[r3 + p]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(F, a[r4 + p]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(F, a[r5 + p]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(F, a[r6 + p]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(F, a[r7 + p]);
            c70 = x7.fma(b0, c70);
        }
        c00.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
        c10.add(FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c50.add(FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c60.add(FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c70.add(FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
    }

    /** {@code C[0:8, 0:NR] = A * Bp}, A packed as {@code MR x kc}, stored by k. */
    static void packedKernel(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ai]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
    }

    /** {@code C[0:8, 0:NR] += A * Bp}, A packed as {@code MR x kc}, stored by k. */
    static void packedKernelAdd(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector b1 = FloatVector.fromArray(F, bp, bi + L);
            FloatVector x0 = FloatVector.broadcast(F, ap[ai]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            FloatVector x6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = x6.fma(b0, c60);
            c61 = x6.fma(b1, c61);
            FloatVector x7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = x7.fma(b0, c70);
            c71 = x7.fma(b1, c71);
        }
        c00.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
        c01.add(FloatVector.fromArray(F, c, cOff + L)).intoArray(c, cOff + L);
        c10.add(FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c11.add(FloatVector.fromArray(F, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
        c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c21.add(FloatVector.fromArray(F, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
        c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c31.add(FloatVector.fromArray(F, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
        c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c41.add(FloatVector.fromArray(F, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
        c50.add(FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c51.add(FloatVector.fromArray(F, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
        c60.add(FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c61.add(FloatVector.fromArray(F, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
        c70.add(FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
        c71.add(FloatVector.fromArray(F, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
    }

    /** {@code C[0:8, 0:L] = A * Bp}, A packed as {@code MR x kc}, stored by k. */
    static void packedKernelHalf(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector x0 = FloatVector.broadcast(F, ap[ai]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = x7.fma(b0, c70);
        }
        c00.intoArray(c, cOff);
        c10.intoArray(c, cOff + ldc);
        c20.intoArray(c, cOff + 2 * ldc);
        c30.intoArray(c, cOff + 3 * ldc);
        c40.intoArray(c, cOff + 4 * ldc);
        c50.intoArray(c, cOff + 5 * ldc);
        c60.intoArray(c, cOff + 6 * ldc);
        c70.intoArray(c, cOff + 7 * ldc);
    }

    /** {@code C[0:8, 0:L] += A * Bp}, A packed as {@code MR x kc}, stored by k. */
    static void packedKernelHalfAdd(int kc, float[] ap, int aOff, float[] bp, int bOff, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F);
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(F, bp, bi);
            FloatVector x0 = FloatVector.broadcast(F, ap[ai]);
            c00 = x0.fma(b0, c00);
            FloatVector x1 = FloatVector.broadcast(F, ap[ai + 1]);
            c10 = x1.fma(b0, c10);
            FloatVector x2 = FloatVector.broadcast(F, ap[ai + 2]);
            c20 = x2.fma(b0, c20);
            FloatVector x3 = FloatVector.broadcast(F, ap[ai + 3]);
            c30 = x3.fma(b0, c30);
            FloatVector x4 = FloatVector.broadcast(F, ap[ai + 4]);
            c40 = x4.fma(b0, c40);
            FloatVector x5 = FloatVector.broadcast(F, ap[ai + 5]);
            c50 = x5.fma(b0, c50);
            FloatVector x6 = FloatVector.broadcast(F, ap[ai + 6]);
            c60 = x6.fma(b0, c60);
            FloatVector x7 = FloatVector.broadcast(F, ap[ai + 7]);
            c70 = x7.fma(b0, c70);
        }
        c00.add(FloatVector.fromArray(F, c, cOff)).intoArray(c, cOff);
        c10.add(FloatVector.fromArray(F, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c20.add(FloatVector.fromArray(F, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c30.add(FloatVector.fromArray(F, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c40.add(FloatVector.fromArray(F, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c50.add(FloatVector.fromArray(F, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c60.add(FloatVector.fromArray(F, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c70.add(FloatVector.fromArray(F, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
    }

    /** {@code C[0:mr, 0:nr] (+)= tile[0:mr, 0:nr]}, the tile having row stride {@code NR}. */
    private static void mergeTile(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, boolean add) {
        VectorMask<Float> m0 = PanamaKernels.firstLanes(nr);
        VectorMask<Float> m1 = PanamaKernels.firstLanes(nr - L);
        for (int i = 0; i < mr; i++) {
            int t = i * NR;
            int o = cOff + i * ldc;
            FloatVector v0 = FloatVector.fromArray(F, tile, t);
            FloatVector v1 = FloatVector.fromArray(F, tile, t + L);
            if (add) {
                v0 = v0.add(FloatVector.fromArray(F, c, o, m0));
                v1 = v1.add(FloatVector.fromArray(F, c, o + L, m1));
            }
            v0.intoArray(c, o, m0);
            v1.intoArray(c, o + L, m1);
        }
    }

}
