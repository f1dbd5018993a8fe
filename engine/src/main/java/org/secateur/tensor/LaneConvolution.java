package org.secateur.tensor;

import java.util.Arrays;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.LaneConv;
import org.secateur.tensor.kernels.LaneConv.Layout;
import org.secateur.tensor.kernels.Parallel;

/**
 * The convolution's forward and weight gradient on float32 batches by {@link LaneConv}: each group of {@code L =
 * LaneConv.lanes()} samples is transposed into the samples-in-lanes layout (zero-padded there), and the forward's
 * result transposed back with the bias added. The forward splits the groups over threads and sums each output in a
 * fixed order; the weight gradient sums fixed blocks of groups separately and adds them in order, then the lanes: the
 * bits do not depend on the thread count. The input gradient keeps
 * {@link Convolution}'s kernels: a samples-in-lanes scatter over taps (a reduction only as long as the output
 * channels, then a read-modify-write per cell) did not beat them on LeNet-5.
 */
final class LaneConvolution {
    private LaneConvolution() {}

    private static final int L = LaneConv.lanes();

    /** Cells of a group's padded input, or of its output, above which the layout no longer stays in L2. */
    private static final int MAX_CELLS = 1 << 13;

    /** A thread's buffers for one group: its input cells and its output cells. */
    private static final class Workspace {
        float[] in = new float[0];
        float[] out = new float[0];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /**
     * Whether the kernel suits a float32 batch of {@code n} samples with {@code outChannels} outputs on this geometry:
     * a group of samples at least, and a group's padded input and its output small enough to stay in L2.
     */
    static boolean suits(Tensor t, Conv2dGeometry g, int n, int outChannels) {
        return t.f() != null && LaneConv.available() && n >= L
                && (long) g.channels() * paddedPlane(g) <= MAX_CELLS
                && (long) LaneConv.round4(outChannels) * LaneConv.round4(g.positions()) <= MAX_CELLS;
    }

    private static int paddedPlane(Conv2dGeometry g) {
        return (g.height() + 2 * g.ph()) * (g.width() + 2 * g.pw());
    }

    /** This thread's buffers, grown to {@code in} and {@code out} floats. */
    private static Workspace workspace(int in, int out) {
        Workspace ws = WORKSPACE.get();
        if (ws.in.length < in) {
            ws.in = new float[in];
        }
        if (ws.out.length < out) {
            ws.out = new float[out];
        }
        return ws;
    }

    /** A group's zero-padded input: planes of {@code (h + 2ph) x (w + 2pw)} cells. */
    private static Layout inputLayout(Conv2dGeometry g) {
        int wp = g.width() + 2 * g.pw();
        return new Layout(paddedPlane(g), wp, g.ph() * wp + g.pw());
    }

    /** Samples {@code [s0, s0 + cnt)} of {@code x} into the padded input cells {@code xi}, laid out as {@code in}. */
    private static void inputCells(Conv2dGeometry g, Layout in, float[] x, int s0, int cnt, float[] xi) {
        int c = g.channels();
        int chw = c * g.height() * g.width();
        if (g.ph() > 0 || g.pw() > 0) {
            Arrays.fill(xi, 0, c * in.planeStride() * L, 0f);
        }
        LaneConv.interleave(x, s0 * chw, chw, cnt, c, g.height(), g.width(), xi, 0, in);
    }

    /** {@code y = conv(x, W) (+ b)}. */
    static Tensor forward(Conv2dGeometry g, Tensor x, Tensor w, Tensor b) {
        int n = x.size(0);
        int c = g.channels();
        int o = w.size(0);
        int r = g.patchSize();
        int l = g.positions();
        Layout in = inputLayout(g);
        Layout out = new Layout(LaneConv.round4(l), l, 0);       // one row of round4(l) cells per channel
        int[] tapOff = Convolution.rowOffsets(c, g.kh(), g.kw(), g.dh(), g.dw(), in.planeStride(), in.rowStride());
        int[] posOff = Convolution.positionOffsets(g, in.rowStride());
        float[] packed = LaneConv.packForward(w.f(), o, r);
        float[] bias = b == null ? null : b.f();
        int inFloats = c * in.planeStride() * L;
        int outFloats = LaneConv.round4(o) * out.planeStride() * L + LaneConv.slack();
        Tensor y = Tensor.uninitialized(DType.F32, new int[] {n, o, g.outHeight(), g.outWidth()});
        Parallel.forRange((n + L - 1) / L, 1, (g0, g1) -> {
            Workspace ws = workspace(inFloats, outFloats);
            for (int grp = g0; grp < g1; grp++) {
                int s0 = grp * L;
                int cnt = Math.min(L, n - s0);
                inputCells(g, in, x.f(), s0, cnt, ws.in);
                LaneConv.forward(packed, o, r, tapOff, ws.in, 0, posOff, l, ws.out, 0, out.planeStride());
                LaneConv.deinterleave(ws.out, 0, out, o, 1, l, cnt, bias, y.f(), s0 * o * l, o * l);
            }
        });
        return y;
    }

    /**
     * Whether the weight gradient's window kernel ({@link LaneConv#weightGradRows}) suits the layer as well: stride
     * and dilation 1 along rows, kernels at most {@link LaneConv#WINDOW} wide.
     */
    static boolean suitsWeightGrad(Tensor t, Conv2dGeometry g, int n, int outChannels) {
        return suits(t, g, n, outChannels) && g.sw() == 1 && g.dw() == 1 && g.kw() <= LaneConv.WINDOW;
    }

    /**
     * The weight gradient {@code G(x, gy)}: {@code [N, C, H, W]} and {@code [N, O, oh, ow]} to {@code [O, C, kh, kw]}.
     * The groups fall into {@link Convolution#forEachGroup}'s fixed blocks (over threads), each summed into its own
     * lanes of partial sums; the blocks are added in order, then the lanes: the order depends on the shapes only.
     */
    static Tensor weightGrad(Conv2dGeometry g, Tensor x, Tensor gy) {
        int n = x.size(0);
        int c = g.channels();
        int o = gy.size(1);
        int l = g.positions();
        int kh = g.kh();
        int kw = g.kw();
        int w5 = LaneConv.WINDOW;
        Layout in = inputLayout(g);
        Layout padded = new Layout(in.planeStride(), in.rowStride(), 0);   // windows count from the padding's corner
        Layout out = new Layout(l, l, 0);
        int inFloats = (c * in.planeStride() + w5) * L;     // the window reads up to WINDOW - 1 cells past a row
        int outFloats = LaneConv.round4(o) * l * L;         // planes past the last channel are read, never used
        int groups = (n + L - 1) / L;
        int blocks = Math.min(Convolution.BLOCKS, groups);
        int accSize = LaneConv.round4(o) * c * kh * w5 * L;
        float[] partial = new float[blocks * accSize];
        Convolution.forEachGroup(groups, blocks, 1, (blk, grp, one, more) -> {
            Workspace ws = workspace(inFloats, outFloats);
            int s0 = grp * L;
            int cnt = Math.min(L, n - s0);
            inputCells(g, in, x.f(), s0, cnt, ws.in);
            LaneConv.interleave(gy.f(), s0 * o * l, o * l, cnt, o, 1, l, ws.out, 0, out);
            LaneConv.weightGradRows(ws.out, 0, l, ws.in, 0, padded, c, kh, g.sh(), g.dh(), g.outHeight(),
                    g.outWidth(), o, partial, blk * accSize);
        });
        float[] total = new float[accSize];
        Kernels.get().sum(partial, 0, 1, blocks, accSize, total, 0);
        Tensor gw = Tensor.uninitialized(DType.F32, new int[] {o, c, kh, kw});
        float[] dst = gw.f();
        for (int m = 0; m < o; m++) {
            for (int ci = 0; ci < c; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int a = (((m * c + ci) * kh + ky) * w5 + kx) * L;
                        float sum = 0f;
                        for (int s = 0; s < L; s++) {
                            sum += total[a + s];
                        }
                        dst[((m * c + ci) * kh + ky) * kw + kx] = sum;
                    }
                }
            }
        }
        return gw;
    }
}
