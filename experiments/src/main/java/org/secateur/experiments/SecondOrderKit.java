package org.secateur.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.secateur.autograd.GradMode;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.Normalization;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.optim.Adam;
import org.secateur.optim.LrSchedule;
import org.secateur.sparsity.Loss;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.secondorder.Curvature;
import org.secateur.sparsity.secondorder.Objective;
import org.secateur.sparsity.secondorder.ParameterVector;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * What the second-order experiments ({@code obd}, {@code obs-monk}) share: small full-batch problems in float64,
 * training them to an actual minimum (Adam, then Newton steps with exact Hessian-vector products), the loss with an
 * L2 term, accuracy of class scores or of one sigmoid output, and a line chart with a logarithmic axis.
 */
final class SecondOrderKit {
    private SecondOrderKit() {}

    /** A whole data set as one float64 batch. */
    record Table(Tensor x, int[] y) {
        int size() {
            return y.length;
        }

        Minibatch batch() {
            return new Minibatch(x, y);
        }

        List<Minibatch> batches() {
            return List.of(batch());
        }
    }

    /**
     * Images of {@code d} at {@code indices}, average-pooled in {@code pool x pool} blocks (28x28 -> 7x7 for 4), then
     * normalised with {@code norm}'s mean and standard deviation, as one float64 table.
     */
    static Table pooled(ImageDataset d, int[] indices, int pool, Normalization norm) {
        if (d.channels() != 1 || d.height() % pool != 0 || d.width() % pool != 0) {
            throw new IllegalArgumentException("cannot pool " + d.describe() + " in blocks of " + pool);
        }
        int h = d.height() / pool;
        int w = d.width() / pool;
        int dim = h * w;
        double mean = norm.mean()[0];
        double std = norm.std()[0];
        double[] x = new double[indices.length * dim];
        int[] y = new int[indices.length];
        for (int n = 0; n < indices.length; n++) {
            int i = indices[n];
            y[n] = d.labels()[i];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    double s = 0;
                    for (int u = 0; u < pool; u++) {
                        for (int v = 0; v < pool; v++) {
                            s += d.pixel(i, 0, pool * r + u, pool * c + v);
                        }
                    }
                    x[n * dim + r * w + c] = (s / (pool * pool * 255.0) - mean) / std;
                }
            }
        }
        return new Table(Tensor.of(x, indices.length, dim), y);
    }

    /** The first {@code n} of a permutation of {@code size} drawn from {@code rng}, ascending. */
    static int[] sample(int size, int n, Rng rng) {
        int[] idx = Arrays.copyOf(rng.permutation(size), Math.min(n, size));
        Arrays.sort(idx);
        return idx;
    }

    /** {@code base} plus {@code decay / 2 * sum w^2} over {@code params} (their effective, masked values). */
    static Loss withL2(Loss base, Map<String, Parameter> params, double decay) {
        if (decay == 0) {
            return base;
        }
        return (out, labels) -> {
            Tensor l = base.apply(out, labels);
            for (Parameter p : params.values()) {
                l = l.add(p.value().square().sum().mul(decay / 2));
            }
            return l;
        };
    }

    /** Mean squared error of a {@code [N, 1]} output against 0/1 labels (Hassibi &amp; Stork's sigmoid nets). */
    static Tensor mseOnLabels(Tensor out, int[] labels) {
        double[] t = new double[labels.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = labels[i];
        }
        return out.sub(Tensor.of(t, labels.length, 1).to(out.dtype())).square().mean();
    }

    /** Accuracy of class scores {@code [N, C]} (argmax) or of one sigmoid output {@code [N, 1]} (above 0.5). */
    static double accuracy(Module model, Table t) {
        try (var off = GradMode.noGrad()) {
            Tensor out = model.apply(t.x());
            int correct = 0;
            if (out.size(1) == 1) {
                for (int i = 0; i < t.size(); i++) {
                    correct += (out.getFlat(i) > 0.5 ? 1 : 0) == t.y()[i] ? 1 : 0;
                }
            } else {
                correct = Training.countCorrect(out, t.y());
            }
            return (double) correct / t.size();
        }
    }

    /** The mean loss of {@code loss} on {@code t}, without recording. */
    static double loss(Module model, Table t, Loss loss) {
        try (var off = GradMode.noGrad()) {
            return loss.apply(model.apply(t.x()), t.y()).item();
        }
    }

    /** Full-batch Adam for {@code steps} steps, the learning rate annealed by a cosine from {@code lr} to 0. */
    static void adam(Module model, List<Parameter> params, Table t, Loss loss, int steps, double lr,
                     Progress progress) {
        Adam adam = new Adam(params, lr);
        LrSchedule cosine = new LrSchedule.Cosine(lr, steps, 0);
        model.train(true);
        for (int s = 0; s < steps; s++) {
            adam.setLr(cosine.lr(s));
            adam.zeroGrad();
            Tensor l = loss.apply(model.apply(t.x()), t.y());
            l.backward();
            adam.step();
            progress.step(1);
            if (s % 50 == 0) {
                progress.status(String.format(java.util.Locale.ROOT, "loss %.5f", l.item()));
            }
        }
    }

    /** Where {@link #newton} stopped: the gradient norm, the objective, and the outer and inner iterations used. */
    record Minimum(double gradientNorm, double value, int iterations, int products) {}

    /**
     * Newton's method with exact Hessian-vector products and a trust region, from the current point of {@code
     * objective} (its parameters are moved in place; pruned entries stay pruned): each step minimises the quadratic
     * model {@code g^T p + 1/2 p^T H p} within {@code |p| <= radius} by Steihaug's truncated conjugate gradients,
     * which follow a direction of negative curvature to the boundary instead of failing on it, so that the
     * iteration leaves saddle regions (Nocedal &amp; Wright, Numerical Optimization, Algorithms 4.1 and 7.2). The
     * radius shrinks when the actual decrease falls short of the model's and grows when the model is good. Stops when
     * {@code |g| < tolerance}, after {@code maxSteps} steps, or when the radius collapses.
     */
    static Minimum newton(Objective objective, double tolerance, int maxSteps, int maxCg, Progress progress) {
        ParameterVector params = objective.params();
        boolean[] alive = params.alive();
        double radius = 1;
        double f = objective.value();
        int products = 0;
        int step = 0;
        double[] g = objective.gradient();
        double gn = norm(g);
        for (; step < maxSteps && gn >= tolerance && radius > 1e-14; step++) {
            Curvature h = Curvature.hessian(objective);
            int n = g.length;
            double[] z = new double[n];
            double[] r = g.clone();
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = -r[i];
            }
            double rr = dot(r, r);
            double cgTolerance = Math.min(0.5, Math.sqrt(gn)) * gn;
            boolean boundary = false;
            for (int k = 0; k < maxCg; k++) {
                double[] hd = h.times(d);
                products++;
                double dhd = dot(d, hd);
                if (dhd <= 0) {
                    z = toBoundary(z, d, radius);
                    boundary = true;
                    break;
                }
                double a = rr / dhd;
                double[] next = z.clone();
                for (int i = 0; i < n; i++) {
                    next[i] += a * d[i];
                }
                if (norm(next) >= radius) {
                    z = toBoundary(z, d, radius);
                    boundary = true;
                    break;
                }
                z = next;
                for (int i = 0; i < n; i++) {
                    r[i] += a * hd[i];
                }
                double rrNew = dot(r, r);
                if (Math.sqrt(rrNew) < cgTolerance) {
                    break;
                }
                double b = rrNew / rr;
                rr = rrNew;
                for (int i = 0; i < n; i++) {
                    d[i] = -r[i] + b * d[i];
                }
            }
            double[] hz = h.times(z);
            products++;
            double predicted = -(dot(g, z) + 0.5 * dot(z, hz));
            double[] w = params.values();
            double[] trial = w.clone();
            for (int i = 0; i < n; i++) {
                trial[i] += z[i];
            }
            params.assign(trial, alive);
            double fNew = objective.value();
            double rho = predicted > 0 ? (f - fNew) / predicted : -1;
            double length = norm(z);
            if (rho < 0.25) {
                radius = 0.25 * length;
            } else if (rho > 0.75 && boundary) {
                radius = Math.min(2 * radius, 1e3);
            }
            boolean accept = rho > 1e-4 && fNew < f;
            if (accept) {
                f = fNew;
                g = objective.gradient();
                gn = norm(g);
            } else {
                params.assign(w, alive);
            }
            progress.step(1);
            progress.status(String.format(java.util.Locale.ROOT, "|grad| %.2e, %d products", gn, products));
        }
        return new Minimum(gn, f, step, products);
    }

    /** {@code z + tau d} with {@code tau >= 0} such that its norm is {@code radius} ({@code |z| < radius}). */
    private static double[] toBoundary(double[] z, double[] d, double radius) {
        double dd = dot(d, d);
        double zd = dot(z, d);
        double zz = dot(z, z);
        double tau = (-zd + Math.sqrt(zd * zd + dd * (radius * radius - zz))) / dd;
        double[] out = z.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += tau * d[i];
        }
        return out;
    }

    static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The median of {@code values}. */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** The median of {@code values}. */
    static double median(List<? extends Number> values) {
        return median(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /**
     * A line chart with markers whose y axis is logarithmic; values at or below 0 are drawn at {@code floor} (the
     * caption should say so).
     */
    static void logLine(Path file, String title, String xLabel, String yLabel, List<Plots.Series> series,
                        double floor) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(true);
        for (Plots.Series s : series) {
            double[] y = s.y().clone();
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(y[i], floor);
            }
            chart.addSeries(s.name(), s.x(), y);
        }
        String f = file.toString();
        BitmapEncoder.saveBitmap(chart, f.endsWith(".png") ? f.substring(0, f.length() - 4) : f,
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** The float64 copy of a list, for plots. */
    static double[] doubles(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).toArray();
    }

    /** The model in float64, for exact second-order maths. */
    static <M extends Module> M f64(M model) {
        model.to(DType.F64);
        return model;
    }
}
