package org.secateur.sparsity.criteria;

import java.util.ArrayList;
import java.util.List;
import org.secateur.nn.Activation;
import org.secateur.nn.Linear;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * A float64 net {@code x -> W1 x + b1 -> ReLU -> W2 h + b2} with cross-entropy, and its backward pass written out by
 * hand in plain arrays: the reference the criteria are checked against.
 */
final class TwoLayerNet {
    final int in;
    final int hidden;
    final int out;
    final Sequential model;
    final Linear fc1;
    final Linear fc2;

    TwoLayerNet(Rng r, int in, int hidden, int out) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        this.fc1 = new Linear(in, hidden, r.split());
        this.fc2 = new Linear(hidden, out, r.split());
        this.model = new Sequential(fc1, Activation.relu(), fc2);
        model.to(DType.F64);
    }

    static List<Minibatch> batches(Rng r, int count, int size, int in, int classes) {
        List<Minibatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[] labels = new int[size];
            for (int i = 0; i < size; i++) {
                labels[i] = r.nextInt(classes);
            }
            out.add(new Minibatch(Tensor.normal(r.split(), 0, 1, DType.F64, size, in), labels));
        }
        return out;
    }

    /** What the hand-written backward pass of one batch gives. */
    record Pass(double[] gW1, double[] gW2, double[][] pre, double[][] dPre, double[][] logits, double[][] dLogits) {}

    /** Forward and backward of the mean cross-entropy of one batch, on the effective weights. */
    Pass pass(Minibatch b) {
        double[] w1 = fc1.weight.value().toDoubleArray();
        double[] b1 = fc1.bias.value().toDoubleArray();
        double[] w2 = fc2.weight.value().toDoubleArray();
        double[] b2 = fc2.bias.value().toDoubleArray();
        double[] x = b.inputs().toDoubleArray();
        int n = b.labels().length;
        double[][] pre = new double[n][hidden];
        double[][] dPre = new double[n][hidden];
        double[][] logits = new double[n][out];
        double[][] dLogits = new double[n][out];
        double[] gW1 = new double[hidden * in];
        double[] gW2 = new double[out * hidden];
        for (int t = 0; t < n; t++) {
            double[] h = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                pre[t][j] = b1[j];
                for (int i = 0; i < in; i++) {
                    pre[t][j] += w1[j * in + i] * x[t * in + i];
                }
                h[j] = Math.max(0, pre[t][j]);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < out; k++) {
                logits[t][k] = b2[k];
                for (int j = 0; j < hidden; j++) {
                    logits[t][k] += w2[k * hidden + j] * h[j];
                }
                max = Math.max(max, logits[t][k]);
            }
            double z = 0;
            for (int k = 0; k < out; k++) {
                z += Math.exp(logits[t][k] - max);
            }
            // d(mean CE)/d logits = (softmax - onehot) / n
            for (int k = 0; k < out; k++) {
                dLogits[t][k] = (Math.exp(logits[t][k] - max) / z - (k == b.labels()[t] ? 1 : 0)) / n;
                for (int j = 0; j < hidden; j++) {
                    gW2[k * hidden + j] += dLogits[t][k] * h[j];
                    dPre[t][j] += dLogits[t][k] * w2[k * hidden + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                dPre[t][j] = pre[t][j] > 0 ? dPre[t][j] : 0;
                for (int i = 0; i < in; i++) {
                    gW1[j * in + i] += dPre[t][j] * x[t * in + i];
                }
            }
        }
        return new Pass(gW1, gW2, pre, dPre, logits, dLogits);
    }
}
