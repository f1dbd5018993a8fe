package org.secateur.optim;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;
import org.secateur.tensor.kernels.Parallel;

/**
 * A first-order optimizer over a fixed list of parameters, updating their dense values in place outside the
 * graph.
 *
 * <p>Each subclass writes its update rule once, over chunks of elements in double precision
 * ({@link #update}); the base class streams every parameter through a few fixed scratch arrays, so a step
 * allocates nothing after the first (which allocates the per-parameter state) but the closure that splits a large
 * parameter over threads, makes no per-element virtual call,
 * and treats float32 and float64 alike. Float32 values and state are widened for the arithmetic and rounded once
 * when stored. Large parameters are split over the {@link Parallel} threads by chunks; every element's update is
 * independent of the others, so the result does not depend on the thread count.
 *
 * <p><b>Masks.</b> A masked parameter's pruned entries never change: after the rule runs, every entry whose mask
 * is 0 gets its old value back and zero state (momentum, moments), so neither weight decay nor momentum can
 * revive it, and {@code value() = data * mask} stays exactly zero there. <b>Skipping.</b> A parameter without a
 * gradient is left alone and its step count does not advance. <b>Non-finite gradients.</b> By default
 * {@link #step()} first checks every gradient and throws, naming the parameter, before changing anything: a
 * read-only pass that costs little next to the forward and backward passes, and stops a run at the step that went
 * wrong rather than many steps later. {@link #checkFinite(boolean)} turns it off.
 */
public abstract class Optimizer {
    /** Elements per chunk: the scratch arrays together stay within a typical 32 KiB L1 cache. */
    private static final int CHUNK = 512;
    /** Chunks per thread at least: a parameter is split over threads from 64k elements on. */
    private static final int PARALLEL_CHUNKS = 64;

    private final List<Parameter> params;
    private final List<String> stateNames;
    private final Map<Parameter, State> states = new IdentityHashMap<>();
    private double lr;
    private boolean checkFinite = true;
    private boolean fused = true;

    /** One thread's chunk buffers: values, values before the rule, gradient, mask, and the state buffers. */
    private static final class Scratch {
        final double[] w = new double[CHUNK];
        final double[] w0 = new double[CHUNK];
        final double[] g = new double[CHUNK];
        final double[] m = new double[CHUNK];
        final double[][] s;

        Scratch(int states) {
            s = new double[states][CHUNK];
        }
    }

    private final ThreadLocal<Scratch> scratch;

    /** The per-parameter state: one buffer per state name, in the parameter's dtype, and the update count. */
    private static final class State {
        final Tensor[] buffers;
        /** The buffers' float32 storage, for {@link #updateFloats} (entries null while they are float64). */
        final float[][] floats;
        long step;

        State(Tensor[] buffers) {
            this.buffers = buffers;
            this.floats = new float[buffers.length][];
            refresh();
        }

        void refresh() {
            for (int k = 0; k < buffers.length; k++) {
                floats[k] = buffers[k].dtype() == DType.F32 ? buffers[k].floats() : null;
            }
        }
    }

    /**
     * @param stateNames the per-parameter buffers the rule keeps (PyTorch's names, e.g. {@code momentum_buffer}),
     *                   passed to {@link #update} in this order
     */
    protected Optimizer(List<Parameter> params, double lr, String... stateNames) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("optimizer got an empty parameter list");
        }
        this.params = List.copyOf(params);
        for (int i = 0; i < this.params.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (this.params.get(i) == this.params.get(j)) {
                    throw new IllegalArgumentException(this.params.get(i) + " appears at positions " + j + " and " + i
                            + " of the parameter list; it would be updated twice per step");
                }
            }
        }
        this.stateNames = List.of(stateNames);
        int states = stateNames.length;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(states));
        setLr(lr);
    }

    /**
     * Applies the update rule to {@code n} elements: {@code w} holds the values and is updated in place, {@code g}
     * the gradient (scratch: the rule may overwrite it), {@code state[k]} the buffer named {@code stateNames[k]}
     * (updated in place; zeros before the first step), and {@code step} counts this parameter's updates including
     * this one (1 on the first). Threads may call it at the same time on disjoint chunks: it must only read the
     * optimizer's fields.
     */
    protected abstract void update(double[] w, double[] g, double[][] state, int n, long step);

    /**
     * An optional fused form of {@link #update} for float32 parameters: updates elements {@code [from, to)} of
     * {@code w} and {@code state} in place where {@code mask} (nullable) is nonzero, leaves the others with their
     * value and zero state, and returns how far it got; the rule runs on the rest. It must give {@link #update}'s
     * bits exactly. The default does nothing and returns {@code from}.
     */
    protected int updateFloats(float[] w, float[] g, float[][] state, float[] mask, int from, int to, long step) {
        return from;
    }

    /** Updates every parameter that has a gradient. */
    public final void step() {
        if (checkFinite) {
            Gradients.requireFinite(params);
        }
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            Tensor grad = p.grad();
            if (grad != null) {
                State st = stateOf(p);
                st.step++;
                Tensor data = p.data();
                Tensor mask = p.mask();
                int n = data.numel();
                int chunks = (n + CHUNK - 1) / CHUNK;
                if (chunks < 2 * PARALLEL_CHUNKS || Parallel.threads() == 1) {
                    // what forRange would run serially anyway, without allocating its closure
                    sweep(data, grad, mask, st, 0, n);
                } else {
                    Parallel.forRange(chunks, PARALLEL_CHUNKS,
                            (c0, c1) -> sweep(data, grad, mask, st, c0 * CHUNK, Math.min(n, c1 * CHUNK)));
                }
            }
        }
    }

    /**
     * Applies the rule to elements {@code [from, to)} of one parameter: through {@link #updateFloats} when every
     * operand is float32 and fusing is on, then a chunk at a time through {@link #update} for what is left.
     */
    private void sweep(Tensor data, Tensor grad, Tensor mask, State st, int from, int to) {
        if (fused && data.dtype() == DType.F32 && grad.dtype() == DType.F32
                && (mask == null || mask.dtype() == DType.F32)) {
            from = updateFloats(data.floats(), grad.floats(), st.floats, mask == null ? null : mask.floats(), from,
                    to, st.step);
            if (from == to) {
                return;
            }
        }
        Scratch sc = scratch.get();
        double[] w = sc.w;
        double[] w0 = sc.w0;
        double[] g = sc.g;
        double[] m = sc.m;
        double[][] s = sc.s;
        for (int off = from; off < to; off += CHUNK) {
            int len = Math.min(CHUNK, to - off);
            load(data, off, len, w);
            load(grad, off, len, g);
            for (int k = 0; k < s.length; k++) {
                load(st.buffers[k], off, len, s[k]);
            }
            if (mask != null) {
                System.arraycopy(w, 0, w0, 0, len);
            }
            update(w, g, s, len, st.step);
            if (mask != null) {
                load(mask, off, len, m);
                for (int i = 0; i < len; i++) {
                    if (m[i] == 0) {
                        w[i] = w0[i];
                        for (double[] sk : s) {
                            sk[i] = 0;
                        }
                    }
                }
            }
            store(w, data, off, len);
            for (int k = 0; k < s.length; k++) {
                store(s[k], st.buffers[k], off, len);
            }
        }
    }

    private static void load(Tensor t, int off, int len, double[] dst) {
        if (t.dtype() == DType.F32) {
            float[] a = t.floats();
            for (int i = 0; i < len; i++) {
                dst[i] = a[off + i];
            }
        } else {
            System.arraycopy(t.doubles(), off, dst, 0, len);
        }
    }

    private static void store(double[] src, Tensor t, int off, int len) {
        if (t.dtype() == DType.F32) {
            float[] a = t.floats();
            for (int i = 0; i < len; i++) {
                a[off + i] = (float) src[i];
            }
        } else {
            System.arraycopy(src, 0, t.doubles(), off, len);
        }
    }

    private State stateOf(Parameter p) {
        State st = states.get(p);
        if (st == null) {
            Tensor[] buffers = new Tensor[stateNames.size()];
            for (int k = 0; k < buffers.length; k++) {
                buffers[k] = Tensor.zeros(p.dtype(), p.shape());
            }
            st = new State(buffers);
            states.put(p, st);
        } else if (st.buffers.length > 0 && st.buffers[0].dtype() != p.dtype()) {
            // The parameter moved to another dtype (Module.to): the state follows it.
            for (int k = 0; k < st.buffers.length; k++) {
                st.buffers[k] = st.buffers[k].to(p.dtype()).copy();
            }
            st.refresh();
        }
        return st;
    }

    // ---------------------------------------------------------------- learning rate and gradients

    public final double lr() {
        return lr;
    }

    public final void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate " + lr + ": expected a finite value >= 0");
        }
        this.lr = lr;
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        params.forEach(Parameter::zeroGrad);
    }

    /** Whether {@link #step()} first checks the gradients for NaN and infinity (on by default). */
    public final Optimizer checkFinite(boolean on) {
        checkFinite = on;
        return this;
    }

    /**
     * Whether float32 parameters go through the rule's fused form ({@link #updateFloats}, on by default) rather
     * than the reference {@link #update}; both give the same bits.
     */
    public final Optimizer fused(boolean on) {
        fused = on;
        return this;
    }

    public final List<Parameter> parameters() {
        return params;
    }

    // ---------------------------------------------------------------- state

    /** The names of the per-parameter state buffers, in PyTorch's terms. */
    public final List<String> stateNames() {
        return stateNames;
    }

    /** The live state buffer {@code name} of {@code p}, or {@code null} before its first update. */
    public final Tensor state(Parameter p, String name) {
        int k = stateNames.indexOf(name);
        if (k < 0) {
            throw new IllegalArgumentException("no state named '" + name + "'; " + getClass().getSimpleName()
                    + " keeps " + stateNames);
        }
        requireOwned(p);
        State st = states.get(p);
        return st == null ? null : st.buffers[k];
    }

    /** How many updates {@code p} has received since its state was created or reset. */
    public final long stepCount(Parameter p) {
        requireOwned(p);
        State st = states.get(p);
        return st == null ? 0 : st.step;
    }

    /** Forgets all state of {@code p}: its next update is treated as its first, as in a fresh optimizer. */
    public final void resetState(Parameter p) {
        requireOwned(p);
        states.remove(p);
    }

    /**
     * Zeroes the state buffers of {@code p} where {@code where} is non-zero, keeping its step count: dynamic sparse
     * training (RigL, Evci et al. 2020) starts regrown connections afresh, with zero momentum.
     */
    public final void resetState(Parameter p, Tensor where) {
        requireOwned(p);
        Shape.requireEqual("resetState positions", p.shape(), where.shape());
        State st = states.get(p);
        if (st == null) {
            return;
        }
        for (Tensor b : st.buffers) {
            for (int i = 0, n = b.numel(); i < n; i++) {
                if (where.getFlat(i) != 0) {
                    b.setFlat(i, 0);
                }
            }
        }
    }

    private void requireOwned(Parameter p) {
        for (Parameter q : params) {
            if (q == p) {
                return;
            }
        }
        throw new IllegalArgumentException(p + " is not one of this optimizer's " + params.size() + " parameters");
    }
}
