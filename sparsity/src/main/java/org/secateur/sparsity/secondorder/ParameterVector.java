package org.secateur.sparsity.secondorder;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Tensor;

/**
 * Some parameters of a model seen as one vector {@code w} of {@link #size()} entries, in the order given and each
 * parameter flattened row-major: the coordinates in which curvatures ({@link Curvature}) and the global pruners
 * ({@link Obs}, {@link WoodFisher}) work. It reads the parameters live, so it always sees their current values and
 * masks.
 */
public final class ParameterVector {
    private final Map<String, Parameter> params;
    private final String[] names;
    private final int[] offsets;

    private ParameterVector(Map<String, Parameter> params) {
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.names = params.keySet().toArray(String[]::new);
        this.offsets = new int[names.length + 1];
        for (int i = 0; i < names.length; i++) {
            offsets[i + 1] = offsets[i] + params.get(names[i]).numel();
        }
    }

    /** The vector of {@code params}, by name, in their order. */
    public static ParameterVector of(Map<String, Parameter> params) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException("no parameters given");
        }
        return new ParameterVector(params);
    }

    /** The parameters, by name. */
    public Map<String, Parameter> parameters() {
        return params;
    }

    /** The number of entries {@code n}. */
    public int size() {
        return offsets[names.length];
    }

    /** Where parameter {@code i} (in order) starts in the vector. */
    public int offset(int i) {
        return offsets[i];
    }

    /** The dense values of each parameter: the leaves that gradients and curvatures are taken with respect to. */
    public Tensor[] leaves() {
        Tensor[] out = new Tensor[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = params.get(names[i]).data();
        }
        return out;
    }

    /** The effective values {@code w * mask}, flattened. */
    public double[] values() {
        double[] w = new double[size()];
        try (var off = GradMode.noGrad()) {
            for (int i = 0; i < names.length; i++) {
                double[] v = params.get(names[i]).value().toDoubleArray();
                System.arraycopy(v, 0, w, offsets[i], v.length);
            }
        }
        return w;
    }

    /** Whether each entry is unpruned (mask 1, or no mask). */
    public boolean[] alive() {
        boolean[] alive = new boolean[size()];
        for (int i = 0; i < names.length; i++) {
            Tensor mask = params.get(names[i]).mask();
            for (int e = offsets[i]; e < offsets[i + 1]; e++) {
                alive[e] = mask == null || mask.getFlat(e - offsets[i]) != 0;
            }
        }
        return alive;
    }

    /** The indices of the unpruned entries, ascending. */
    public int[] aliveIndices() {
        return indicesOf(alive());
    }

    /** Splits a vector into one tensor per parameter, shaped and typed as the parameter. */
    public Tensor[] split(double[] v) {
        requireLength(v);
        Tensor[] out = new Tensor[names.length];
        for (int i = 0; i < names.length; i++) {
            Parameter p = params.get(names[i]);
            double[] part = Arrays.copyOfRange(v, offsets[i], offsets[i + 1]);
            out[i] = Tensor.of(part, p.shape()).to(p.dtype());
        }
        return out;
    }

    /** {@link #split} by parameter name, for scores and reports. */
    public Map<String, Tensor> named(double[] v) {
        Tensor[] parts = split(v);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], parts[i]);
        }
        return out;
    }

    /** Concatenates one tensor per parameter (gradients, curvature products) into a vector. */
    public double[] flatten(Tensor[] parts) {
        if (parts.length != names.length) {
            throw new IllegalArgumentException(parts.length + " tensors for " + names.length + " parameters");
        }
        double[] v = new double[size()];
        for (int i = 0; i < parts.length; i++) {
            double[] part = parts[i].toDoubleArray();
            if (part.length != offsets[i + 1] - offsets[i]) {
                throw new IllegalArgumentException("tensor " + i + " has " + part.length + " elements but parameter "
                        + names[i] + " has " + (offsets[i + 1] - offsets[i]));
            }
            System.arraycopy(part, 0, v, offsets[i], part.length);
        }
        return v;
    }

    /**
     * Writes {@code values} into the parameters and masks them where {@code alive} is false. A parameter that was
     * dense and keeps every entry stays without a mask.
     */
    public void assign(double[] values, boolean[] alive) {
        requireLength(values);
        requireLength(alive.length);
        Tensor[] parts = split(values);
        for (int i = 0; i < names.length; i++) {
            Parameter p = params.get(names[i]);
            p.setData(parts[i]);
            boolean pruned = false;
            double[] mask = new double[offsets[i + 1] - offsets[i]];
            for (int e = 0; e < mask.length; e++) {
                mask[e] = alive[offsets[i] + e] ? 1 : 0;
                pruned |= !alive[offsets[i] + e];
            }
            if (pruned || p.isMasked()) {
                p.setMask(Tensor.of(mask, p.shape()));
            }
        }
    }

    /** Names entry {@code e} as {@code parameter[flat index]}, for reports. */
    public String describe(int e) {
        int i = parameterOf(e);
        return names[i] + "[" + (e - offsets[i]) + "]";
    }

    /** The index (in order) of the parameter holding entry {@code e}. */
    private int parameterOf(int e) {
        if (e < 0 || e >= size()) {
            throw new IllegalArgumentException("entry " + e + " is out of range for a vector of " + size());
        }
        int i = 0;
        while (offsets[i + 1] <= e) {
            i++;
        }
        return i;
    }

    static int[] indicesOf(boolean[] which) {
        int count = 0;
        for (boolean b : which) {
            count += b ? 1 : 0;
        }
        int[] out = new int[count];
        for (int e = 0, k = 0; e < which.length; e++) {
            if (which[e]) {
                out[k++] = e;
            }
        }
        return out;
    }

    private void requireLength(double[] v) {
        requireLength(v.length);
    }

    private void requireLength(int length) {
        if (length != size()) {
            throw new IllegalArgumentException("a vector of " + length + " entries for " + size() + " parameters "
                    + "entries " + params.keySet());
        }
    }
}
