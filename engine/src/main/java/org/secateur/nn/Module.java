package org.secateur.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.tensor.DType;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * A layer or a network of layers: named parameters, buffers and child modules in PyTorch's state-dict naming
 * ({@code features.0.weight}), train/eval mode, and forward hooks.
 *
 * <p>Subclasses implement {@link #forward}; callers (including parent modules) call {@link #apply}, which runs
 * the hooks.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final List<ForwardHook> hooks = new ArrayList<>();
    private boolean training = true;

    /** The computation of this module. Call {@link #apply} instead, so that hooks run. */
    protected abstract Tensor forward(Tensor input);

    /** Runs {@link #forward} and then each forward hook in registration order. */
    public final Tensor apply(Tensor input) {
        Tensor out = forward(input);
        for (ForwardHook h : hooks.isEmpty() ? List.<ForwardHook>of() : List.copyOf(hooks)) {
            out = h.apply(this, input, out);
        }
        return out;
    }

    /** Whether any forward hook is registered. */
    final boolean hasHooks() {
        return !hooks.isEmpty();
    }

    /** Registers a hook called after every forward; close the handle to remove it. */
    public final ForwardHook.Handle addForwardHook(ForwardHook hook) {
        hooks.add(hook);
        return () -> hooks.remove(hook);
    }

    // ---------------------------------------------------------------- registration

    protected final Parameter registerParameter(String name, Tensor initial) {
        checkName(name);
        Parameter p = new Parameter(initial);
        parameters.put(name, p);
        return p;
    }

    protected final Tensor registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
        return value;
    }

    /** Replaces a buffer's tensor (running statistics, for example). */
    protected final void setBuffer(String name, Tensor value) {
        Tensor old = buffers.get(name);
        if (old == null) {
            throw new IllegalArgumentException("no buffer named " + name);
        }
        Shape.requireEqual("buffer " + name, old.shape(), value.shape());
        buffers.put(name, value);
    }

    protected final Tensor buffer(String name) {
        return buffers.get(name);
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("invalid name '" + name + "': must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("name '" + name + "' already registered in " + getClass().getSimpleName());
        }
    }

    // ---------------------------------------------------------------- traversal

    /** Direct children by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module ({@code ""}) and every descendant, by dotted path, parents first. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String prefix, Map<String, Module> out) {
        out.put(prefix, this);
        children.forEach((n, m) -> m.collectModules(prefix.isEmpty() ? n : prefix + "." + n, out));
    }

    /** Every parameter by dotted path ({@code features.0.weight}), in registration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> m.parameters.forEach((n, p) -> out.put(path.isEmpty() ? n : path + "." + n, p)));
        return out;
    }

    /** Every parameter, in the order of {@link #namedParameters()}. */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Every buffer by dotted path. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedModules().forEach((path, m) -> m.buffers.forEach((n, b) -> out.put(path.isEmpty() ? n : path + "." + n, b)));
        return out;
    }

    /** Total number of parameter elements. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.numel();
        }
        return n;
    }

    // ---------------------------------------------------------------- state dict

    /**
     * Parameters and buffers by name, as PyTorch's {@code state_dict}: a masked parameter {@code w} appears as
     * {@code w_orig} (dense values) and {@code w_mask}. The tensors are the live ones.
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> {
            if (p.isMasked()) {
                out.put(name + "_orig", p.data());
                out.put(name + "_mask", p.mask());
            } else {
                out.put(name, p.data());
            }
        });
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Copies values from a state dict. With {@code strict}, every entry must match a parameter or buffer and
     * every parameter and buffer must be present. Masks ({@code w_orig}/{@code w_mask}) are restored.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> remaining = new LinkedHashMap<>(state);
        List<String> missing = new ArrayList<>();
        namedParameters().forEach((name, p) -> {
            Tensor values = remaining.remove(name);
            Tensor orig = remaining.remove(name + "_orig");
            Tensor mask = remaining.remove(name + "_mask");
            if (values == null) {
                values = orig;
            }
            if (values == null) {
                missing.add(name);
                return;
            }
            checkShape(name, p.shape(), values);
            p.setData(values.copy());
            if (mask != null) {
                checkShape(name + "_mask", p.shape(), mask);
                p.setMask(mask);
            } else {
                p.removeMask();
            }
        });
        namedModules().forEach((path, m) -> {
            for (String n : List.copyOf(m.buffers.keySet())) {
                String full = path.isEmpty() ? n : path + "." + n;
                Tensor v = remaining.remove(full);
                if (v == null) {
                    missing.add(full);
                    continue;
                }
                checkShape(full, m.buffers.get(n).shape(), v);
                m.buffers.put(n, v.to(m.buffers.get(n).dtype()).copy());
            }
        });
        if (strict && (!missing.isEmpty() || !remaining.isEmpty())) {
            throw new IllegalArgumentException("state dict does not match " + getClass().getSimpleName()
                    + ": missing " + missing + ", unexpected " + remaining.keySet());
        }
    }

    private static void checkShape(String name, int[] expected, Tensor t) {
        if (!java.util.Arrays.equals(expected, t.shape())) {
            throw new IllegalArgumentException("state dict entry " + name + ": expected shape " + Shape.str(expected)
                    + ", got " + Shape.str(t.shape()));
        }
    }

    // ---------------------------------------------------------------- modes and utilities

    /** Training mode (dropout active, batch statistics in batch norm) for this module and its descendants. */
    public final Module train(boolean on) {
        namedModules().values().forEach(m -> m.training = on);
        return this;
    }

    /** Evaluation mode. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Clears every parameter's gradient. */
    public final void zeroGrad() {
        parameters().forEach(Parameter::zeroGrad);
    }

    /** Converts parameters and buffers to a dtype (float64 for gradient checks and exact second-order work). */
    public final Module to(DType dtype) {
        for (Module m : namedModules().values()) {
            m.parameters.values().forEach(p -> p.to(dtype));
            m.buffers.replaceAll((n, b) -> b.to(dtype).copy());
        }
        return this;
    }

    /** The dtype of the first parameter (float32 for a module without parameters). */
    public final DType dtype() {
        List<Parameter> ps = parameters();
        return ps.isEmpty() ? DType.F32 : ps.get(0).dtype();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
