package org.secateur.tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * im2col and col2im, the adjoint pair behind convolution and pooling. Both go through one index map per
 * geometry (patch row, output position) to input element, computed once and cached, so the two directions
 * cannot disagree about the layout.
 */
final class Im2Col {
    private Im2Col() {}

    private static final Map<Conv2dGeometry, int[]> MAPS = new ConcurrentHashMap<>();

    /** {@code map[r * L + l]}: offset within one {@code C x H x W} sample, or -1 for padding. */
    static int[] indexMap(Conv2dGeometry g) {
        int[] cached = MAPS.get(g);
        if (cached != null) {
            return cached;
        }
        int oh = g.outHeight();
        int ow = g.outWidth();
        int l = oh * ow;
        int[] map = new int[g.patchSize() * l];
        for (int c = 0; c < g.channels(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++) {
                    int row = (c * g.kh() + ki) * g.kw() + kj;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.sh() - g.ph() + ki * g.dh();
                        for (int ox = 0; ox < ow; ox++) {
                            int ix = ox * g.sw() - g.pw() + kj * g.dw();
                            boolean inside = iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
                            map[row * l + oy * ow + ox] = inside ? (c * g.height() + iy) * g.width() + ix : -1;
                        }
                    }
                }
            }
        }
        if (MAPS.size() > 256) {
            MAPS.clear();
        }
        MAPS.put(g, map);
        return map;
    }

    private static int batch(Tensor x, int[] expected, String what) {
        int[] s = x.shapeRef();
        if (s.length != expected.length + 1) {
            throw new IllegalArgumentException(what + ": expected [N, " + Shape.str(expected).substring(1)
                    + ", got " + Shape.str(s));
        }
        for (int i = 0; i < expected.length; i++) {
            if (s[i + 1] != expected[i]) {
                throw new IllegalArgumentException(what + ": expected [N, " + Shape.str(expected).substring(1)
                        + ", got " + Shape.str(s));
            }
        }
        return s[0];
    }

    static final class Unfold extends Function {
        private final Conv2dGeometry g;
        private final double padValue;

        Unfold(Conv2dGeometry g, double padValue) {
            this.g = g;
            this.padValue = padValue;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor x = in[0];
            int n = batch(x, new int[] {g.channels(), g.height(), g.width()}, "unfold input");
            int[] map = indexMap(g);
            int chw = g.channels() * g.height() * g.width();
            int rl = map.length;
            Tensor y = Tensor.uninitialized(x.dtype(), new int[] {n, g.patchSize(), g.positions()});
            if (x.f() != null) {
                float[] src = x.f();
                float[] dst = y.f();
                float pad = (float) padValue;
                for (int s = 0; s < n; s++) {
                    int so = s * chw;
                    int dOff = s * rl;
                    for (int i = 0; i < rl; i++) {
                        int m = map[i];
                        dst[dOff + i] = m >= 0 ? src[so + m] : pad;
                    }
                }
            } else {
                double[] src = x.d();
                double[] dst = y.d();
                for (int s = 0; s < n; s++) {
                    int so = s * chw;
                    int dOff = s * rl;
                    for (int i = 0; i < rl; i++) {
                        int m = map[i];
                        dst[dOff + i] = m >= 0 ? src[so + m] : padValue;
                    }
                }
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor grad) {
            return new Tensor[] {grad.fold(g)};
        }
    }

    static final class Fold extends Function {
        private final Conv2dGeometry g;

        Fold(Conv2dGeometry g) {
            this.g = g;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor cols = in[0];
            int n = batch(cols, new int[] {g.patchSize(), g.positions()}, "fold input");
            int[] map = indexMap(g);
            int chw = g.channels() * g.height() * g.width();
            int rl = map.length;
            Tensor y = Tensor.empty(cols.dtype(), new int[] {n, g.channels(), g.height(), g.width()});
            for (int s = 0; s < n; s++) {
                int so = s * chw;
                int cOff = s * rl;
                if (cols.f() != null) {
                    float[] src = cols.f();
                    float[] dst = y.f();
                    for (int i = 0; i < rl; i++) {
                        int m = map[i];
                        if (m >= 0) {
                            dst[so + m] += src[cOff + i];
                        }
                    }
                } else {
                    double[] src = cols.d();
                    double[] dst = y.d();
                    for (int i = 0; i < rl; i++) {
                        int m = map[i];
                        if (m >= 0) {
                            dst[so + m] += src[cOff + i];
                        }
                    }
                }
            }
            return y;
        }

        @Override
        protected Tensor[] backward(Tensor grad) {
            return new Tensor[] {grad.unfold(g, 0)};
        }
    }
}
