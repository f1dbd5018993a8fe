package org.secateur.tensor;

import java.util.Arrays;
import org.secateur.tensor.kernels.LaneConv;
import org.secateur.tensor.kernels.LaneConv.Layout;
import org.secateur.tensor.kernels.Parallel;

/**
 * The convolution's forward on float32 batches by {@link LaneConv}: each group of {@code L = LaneConv.lanes()} samples
 * is transposed into the samples-in-lanes layout (zero-padded there), convolved, and transposed back with the bias
 * added; groups are split over threads, and every output element is one sum in a fixed order, so the bits do not
 * depend on the thread count. For the layers the implicit kernel does not take (output rows narrower than its tiles,
 * or strided); the gradients keep {@link Convolution}'s kernels, which a samples-in-lanes weight gradient (4 x 4 tiles
 * of channels by taps) and input gradient (a scatter over taps) did not beat on LeNet-5.
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

    /** {@code y = conv(x, W) (+ b)}. */
    static Tensor forward(Conv2dGeometry g, Tensor x, Tensor w, Tensor b) {
        int n = x.size(0);
        int c = g.channels();
        int o = w.size(0);
        int r = g.patchSize();
        int l = g.positions();
        int chw = c * g.height() * g.width();
        int wp = g.width() + 2 * g.pw();
        Layout in = new Layout(paddedPlane(g), wp, g.ph() * wp + g.pw());
        Layout out = new Layout(LaneConv.round4(l), l, 0);       // one row of round4(l) cells per channel
        int[] tapOff = Convolution.rowOffsets(c, g.kh(), g.kw(), g.dh(), g.dw(), paddedPlane(g), wp);
        int[] posOff = Convolution.positionOffsets(g, wp);
        float[] packed = LaneConv.packForward(w.f(), o, r);
        float[] bias = b == null ? null : b.f();
        int inCells = c * in.planeStride();
        int outCells = LaneConv.round4(o) * out.planeStride();
        boolean padded = g.ph() > 0 || g.pw() > 0;
        Tensor y = Tensor.uninitialized(DType.F32, new int[] {n, o, g.outHeight(), g.outWidth()});
        Parallel.forRange((n + L - 1) / L, 1, (g0, g1) -> {
            Workspace ws = WORKSPACE.get();
            if (ws.in.length < inCells * L) {
                ws.in = new float[inCells * L];
            }
            if (ws.out.length < outCells * L + LaneConv.slack()) {
                ws.out = new float[outCells * L + LaneConv.slack()];
            }
            float[] xi = ws.in;
            float[] yi = ws.out;
            for (int grp = g0; grp < g1; grp++) {
                int s0 = grp * L;
                int cnt = Math.min(L, n - s0);
                if (padded) {
                    Arrays.fill(xi, 0, inCells * L, 0f);
                }
                LaneConv.interleave(x.f(), s0 * chw, chw, cnt, c, g.height(), g.width(), xi, 0, in);
                LaneConv.forward(packed, o, r, tapOff, xi, 0, posOff, l, yi, 0, out.planeStride());
                LaneConv.deinterleave(yi, 0, out, o, 1, l, cnt, bias, y.f(), s0 * o * l, o * l);
            }
        });
        return y;
    }
}
