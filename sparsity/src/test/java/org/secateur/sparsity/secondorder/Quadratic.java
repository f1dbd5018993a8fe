package org.secateur.sparsity.secondorder;

import java.util.List;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/**
 * The quadratic loss {@code L(w) = 1/2 (w - c)^T A (w - c)} written as a model and a loss, so that the objective's
 * Hessian is {@code A} exactly: the model outputs its one parameter {@code w}, the loss compares it with {@code c}.
 */
final class Quadratic extends Module {
    final int n;
    final Parameter w;
    final double[] a;
    final double[] c;

    Quadratic(double[] a, double[] c, double[] start) {
        this.n = c.length;
        this.a = a;
        this.c = c;
        this.w = registerParameter("w", Tensor.of(start.clone(), n));
    }

    @Override
    protected Tensor forward(Tensor input) {
        return w.value().reshape(1, n);
    }

    Loss loss() {
        Tensor at = Tensor.of(a.clone(), n, n);
        Tensor ct = Tensor.of(c.clone(), 1, n);
        return (z, labels) -> {
            Tensor d = z.sub(ct);
            return d.matmul(at).mul(d).sum().mul(0.5);
        };
    }

    /** One batch with a dummy input. */
    static List<Minibatch> batches() {
        return List.of(new Minibatch(Tensor.zeros(DType.F64, 1, 1), new int[] {0}));
    }

    Objective objective() {
        return Objective.of(this, Map.of("w", w), batches(), loss());
    }

    /** {@code L(v)} directly. */
    double value(double[] v) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s += (v[i] - c[i]) * a[i * n + j] * (v[j] - c[j]);
            }
        }
        return 0.5 * s;
    }

    /**
     * The minimum of {@code L} over {@code v} with {@code v_i = 0} for every {@code i} in {@code zero}, by a direct
     * solve of the normal equations {@code A_SS v_S = A_S: c} on the free set {@code S}: the constrained least squares
     * that OBS claims to solve one removal at a time.
     */
    double[] constrainedMinimum(boolean[] zero) {
        int[] free = ParameterVector.indicesOf(not(zero));
        int m = free.length;
        double[] ass = new double[m * m];
        double[] rhs = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                ass[i * m + j] = a[free[i] * n + free[j]];
            }
            for (int j = 0; j < n; j++) {
                rhs[i] += a[free[i] * n + j] * c[j];
            }
        }
        double[] vs = org.secateur.linalg.Spd.solve(ass, m, rhs, 1);
        double[] v = new double[n];
        for (int i = 0; i < m; i++) {
            v[free[i]] = vs[i];
        }
        return v;
    }

    static boolean[] not(boolean[] b) {
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = !b[i];
        }
        return out;
    }
}
