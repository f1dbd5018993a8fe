package org.secateur.sparsity.secondorder;

import java.util.ArrayList;
import java.util.List;
import org.secateur.nn.Activation;
import org.secateur.nn.Functional;
import org.secateur.nn.Linear;
import org.secateur.nn.Sequential;
import org.secateur.sparsity.Minibatch;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * A float64 MLP {@code in -> hidden (tanh) -> out} as a module, and the same forward written as a function of one
 * flat parameter vector (in {@code namedParameters} order), for reference Jacobians and Hessians.
 */
final class SmallNet {
    final int in;
    final int hidden;
    final int out;
    final Sequential model;
    final Linear fc1;
    final Linear fc2;

    SmallNet(Rng r, int in, int hidden, int out) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        this.fc1 = new Linear(in, hidden, r.split());
        this.fc2 = new Linear(hidden, out, r.split());
        this.model = new Sequential(fc1, Activation.tanh(), fc2);
        model.to(DType.F64);
    }

    int size() {
        return (int) model.parameterCount();
    }

    /** The forward as a function of the flat parameters. */
    Tensor forward(Tensor w, Tensor x) {
        int o = 0;
        Tensor w1 = w.narrow(0, o, hidden * in).reshape(hidden, in);
        o += hidden * in;
        Tensor b1 = w.narrow(0, o, hidden);
        o += hidden;
        Tensor w2 = w.narrow(0, o, out * hidden).reshape(out, hidden);
        o += out * hidden;
        Tensor b2 = w.narrow(0, o, out);
        return Functional.linear(Functional.linear(x, w1, b1).tanh(), w2, b2);
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
}
