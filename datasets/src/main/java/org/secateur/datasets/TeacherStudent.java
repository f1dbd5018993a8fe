package org.secateur.datasets;

import java.util.Arrays;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * The teacher-student regression setting (Gardner and Derrida 1989; Saad and Solla 1995): a fixed random network,
 * the teacher, labels Gaussian inputs, and a student is trained (or pruned, or distilled) to match it. Because the
 * true function is known, generalisation and the effect of pruning can be measured exactly.
 */
public final class TeacherStudent {
    private TeacherStudent() {}

    /**
     * A fully connected network {@code widths[0] -> ... -> widths[L]} with tanh after every layer but the last.
     * Layer {@code l}'s weight is {@code [widths[l+1], widths[l]]} row-major (PyTorch's {@code Linear} layout).
     *
     * @param widths the layer widths, input first
     * @param weights one row-major weight matrix per layer
     * @param biases one bias vector per layer
     */
    public record Teacher(int[] widths, double[][] weights, double[][] biases) {

        /** Checks that the matrices match the widths. */
        public Teacher {
            if (widths.length < 2 || weights.length != widths.length - 1 || biases.length != widths.length - 1) {
                throw new IllegalArgumentException("widths " + Arrays.toString(widths) + " need "
                        + (widths.length - 1) + " weight matrices and bias vectors, got " + weights.length + " and "
                        + biases.length);
            }
            for (int l = 0; l < weights.length; l++) {
                if (weights[l].length != widths[l + 1] * widths[l] || biases[l].length != widths[l + 1]) {
                    throw new IllegalArgumentException("layer " + l + " has " + weights[l].length + " weights and "
                            + biases[l].length + " biases; widths " + Arrays.toString(widths) + " need "
                            + widths[l + 1] * widths[l] + " and " + widths[l + 1]);
                }
            }
        }

        /** A teacher with weights {@code N(0, 1/fan_in)} and biases {@code N(0, 0.1^2)} drawn from {@code rng}. */
        public static Teacher random(int[] widths, Rng rng) {
            for (int w : widths) {
                ToySets.requireAtLeast("every width", w, 1);
            }
            double[][] weights = new double[widths.length - 1][];
            double[][] biases = new double[widths.length - 1][];
            for (int l = 0; l + 1 < widths.length; l++) {
                double scale = 1 / Math.sqrt(widths[l]);
                weights[l] = new double[widths[l + 1] * widths[l]];
                for (int i = 0; i < weights[l].length; i++) {
                    weights[l][i] = scale * rng.nextGaussian();
                }
                biases[l] = new double[widths[l + 1]];
                for (int i = 0; i < biases[l].length; i++) {
                    biases[l][i] = 0.1 * rng.nextGaussian();
                }
            }
            return new Teacher(widths.clone(), weights, biases);
        }

        /** The teacher's output for one input. */
        public double[] predict(double[] x) {
            if (x.length != widths[0]) {
                throw new IllegalArgumentException("input has " + x.length + " values, the teacher takes "
                        + widths[0]);
            }
            double[] h = x;
            for (int l = 0; l < weights.length; l++) {
                double[] out = new double[widths[l + 1]];
                for (int o = 0; o < out.length; o++) {
                    double s = biases[l][o];
                    for (int i = 0; i < h.length; i++) {
                        s += weights[l][o * h.length + i] * h[i];
                    }
                    out[o] = l + 1 < weights.length ? Math.tanh(s) : s;
                }
                h = out;
            }
            return h;
        }

        /** Layer {@code l}'s weight as a {@code [out, in]} tensor (a copy). */
        public Tensor weight(int l, DType dtype) {
            return Rows.gather(weights[l], widths[l], Rows.all(widths[l + 1]), dtype);
        }

        /** Layer {@code l}'s bias as a {@code [out]} tensor (a copy). */
        public Tensor bias(int l, DType dtype) {
            return Rows.gather(biases[l], 1, Rows.all(widths[l + 1]), dtype).reshape(widths[l + 1]);
        }
    }

    /**
     * A teacher-student set: the teacher and its labelled sample.
     *
     * @param teacher the network that made the targets
     * @param data inputs and (possibly noisy) targets
     */
    public record Sample(Teacher teacher, RegressionDataset data) {}

    /**
     * A random teacher of the given widths and {@code n} examples with standard Gaussian inputs and targets
     * {@code teacher(x) + noise * N(0, 1)}.
     */
    public static Sample generate(int[] widths, int n, double noise, long seed) {
        ToySets.requireAtLeast("n", n, 1);
        ToySets.requireNonNegative("noise", noise);
        if (widths.length < 2) {
            throw new IllegalArgumentException("widths must name at least an input and an output width, got "
                    + Arrays.toString(widths));
        }
        Rng root = new Rng(seed);
        Teacher teacher = Teacher.random(widths, root.split());
        Rng inputs = root.split();
        Rng noiseRng = root.split();
        int in = widths[0];
        int out = widths[widths.length - 1];
        double[] x = new double[n * in];
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            double[] row = new double[in];
            for (int j = 0; j < in; j++) {
                row[j] = inputs.nextGaussian();
            }
            System.arraycopy(row, 0, x, r * in, in);
            double[] t = teacher.predict(row);
            for (int k = 0; k < out; k++) {
                y[r * out + k] = t[k] + noise * noiseRng.nextGaussian();
            }
        }
        return new Sample(teacher, new RegressionDataset(x, in, y, out));
    }
}
