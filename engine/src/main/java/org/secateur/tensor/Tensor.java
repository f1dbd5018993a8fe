package org.secateur.tensor;

import java.util.Arrays;
import java.util.Locale;
import org.secateur.tensor.kernels.BinaryOp;
import org.secateur.tensor.kernels.Kernels;
import org.secateur.tensor.kernels.Parallel;
import org.secateur.tensor.kernels.UnaryOp;

/**
 * An n-dimensional array of float32 or float64 in contiguous row-major order, and a node of the autodiff graph.
 *
 * <p>Operations return new tensors and record how they were made when any input {@link #requiresGrad()} and
 * {@link org.secateur.autograd.GradMode} is on. Tensors are treated as immutable: the only writes are the
 * explicit in-place methods (named {@code ...InPlace}) that optimizers and initialisers apply to parameters
 * outside the graph. {@link #reshape} shares storage with its source.
 *
 * <p>Binary operations broadcast by NumPy's rules and require both operands to have the same {@link DType}; a
 * {@code double} operand is taken in the tensor's own dtype.
 */
public final class Tensor {
    private static final Kernels K = Kernels.get();

    private final int[] shape;
    private final DType dtype;
    private final float[] f;
    private final double[] d;

    private boolean requiresGrad;
    private Function gradFn;
    private Tensor grad;
    private boolean retainsGrad;

    Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.dtype = DType.F32;
        this.f = data;
        this.d = null;
    }

    Tensor(int[] shape, double[] data) {
        this.shape = shape;
        this.dtype = DType.F64;
        this.f = null;
        this.d = data;
    }

    // ---------------------------------------------------------------- creation

    /** A tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(shape.clone(), data);
    }

    /** A tensor over {@code data} (not copied) with the given shape. */
    public static Tensor of(double[] data, int... shape) {
        checkLength(data.length, shape);
        return new Tensor(shape.clone(), data);
    }

    /** A 1-D float32 tensor holding a copy of {@code values}. */
    public static Tensor vector(float... values) {
        return of(values.clone(), values.length);
    }

    /** A 1-D float64 tensor holding a copy of {@code values}. */
    public static Tensor vector(double... values) {
        return of(values.clone(), values.length);
    }

    /** A 0-dimensional tensor. */
    public static Tensor scalar(double value, DType dtype) {
        return full(value, dtype);
    }

    /** Zeros. */
    public static Tensor zeros(DType dtype, int... shape) {
        int n = Shape.numel(shape);
        return dtype == DType.F32 ? new Tensor(shape.clone(), new float[n]) : new Tensor(shape.clone(), new double[n]);
    }

    /** Ones. */
    public static Tensor ones(DType dtype, int... shape) {
        return full(1, dtype, shape);
    }

    /** Every element equal to {@code value}. */
    public static Tensor full(double value, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        t.fillInPlace(value);
        return t;
    }

    /** Zeros with this tensor's dtype and shape. */
    public Tensor zerosLike() {
        return zeros(dtype, shape);
    }

    /** {@code [0, 1, ..., n-1]}. */
    public static Tensor arange(int n, DType dtype) {
        Tensor t = zeros(dtype, n);
        for (int i = 0; i < n; i++) {
            t.setFlat(i, i);
        }
        return t;
    }

    /** Independent uniform samples in {@code [low, high)}. */
    public static Tensor uniform(Rng rng, double low, double high, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0, n = t.numel(); i < n; i++) {
            t.setFlat(i, low + (high - low) * rng.nextDouble());
        }
        return t;
    }

    /** Independent normal samples. */
    public static Tensor normal(Rng rng, double mean, double std, DType dtype, int... shape) {
        Tensor t = zeros(dtype, shape);
        for (int i = 0, n = t.numel(); i < n; i++) {
            t.setFlat(i, mean + std * rng.nextGaussian());
        }
        return t;
    }

    private static void checkLength(int length, int[] shape) {
        int n = Shape.numel(shape);
        if (n != length) {
            throw new IllegalArgumentException("data has " + length + " elements but shape " + Shape.str(shape)
                    + " needs " + n);
        }
    }

    // ---------------------------------------------------------------- inspection

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size along {@code axis} (negative counts from the end). */
    public int size(int axis) {
        return shape[Shape.axis(axis, shape.length)];
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int numel() {
        return f != null ? f.length : d.length;
    }

    public DType dtype() {
        return dtype;
    }

    /** The live float32 storage (row-major); throws for float64. */
    public float[] floats() {
        if (f == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        return f;
    }

    /** The live float64 storage (row-major); throws for float32. */
    public double[] doubles() {
        if (d == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F64");
        }
        return d;
    }

    /** A copy of the elements as doubles. */
    public double[] toDoubleArray() {
        if (d != null) {
            return d.clone();
        }
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** A copy of the elements as floats. */
    public float[] toFloatArray() {
        if (f != null) {
            return f.clone();
        }
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    /** Element at a flat row-major index. */
    public double getFlat(int i) {
        return f != null ? f[i] : d[i];
    }

    /** Element at the given indices. */
    public double get(int... index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has rank " + index.length
                    + " but tensor " + Shape.str(shape) + " has rank " + shape.length);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of bounds for shape "
                        + Shape.str(shape));
            }
            flat = flat * shape[i] + index[i];
        }
        return getFlat(flat);
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs one element, tensor has shape " + Shape.str(shape));
        }
        return getFlat(0);
    }

    /** Whether shapes, dtypes and every element are equal (NaNs compare equal to themselves). */
    public boolean contentEquals(Tensor o) {
        return dtype == o.dtype && Arrays.equals(shape, o.shape)
                && (f != null ? Arrays.equals(f, o.f) : Arrays.equals(d, o.d));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape)).append(' ').append(dtype);
        int n = Math.min(numel(), 8);
        sb.append(" [");
        for (int i = 0; i < n; i++) {
            sb.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.5g", getFlat(i)));
        }
        sb.append(numel() > n ? ", ...]" : "]");
        if (gradFn != null) {
            sb.append(" gradFn=").append(gradFn.name());
        } else if (requiresGrad) {
            sb.append(" requiresGrad");
        }
        return sb.toString();
    }

    /**
     * The flat index of the first NaN or infinity, or -1; the common finite case is one vector pass, split over
     * threads for large tensors.
     */
    public int firstNonFinite() {
        int n = numel();
        if (allFinite(n)) {
            return -1;
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(getFlat(i))) {
                return i;
            }
        }
        return -1;
    }

    private boolean allFinite(int n) {
        int grain = 1 << 15;
        if (Parallel.chunks(n, grain, Parallel.threads()) <= 1) {
            return allFinite(0, n);                 // without the closure: the optimizer's step allocates nothing
        }
        boolean[] bad = new boolean[1];
        Parallel.forRange(n, grain, (from, to) -> {
            if (!allFinite(from, to)) {
                bad[0] = true;
            }
        });
        return !bad[0];
    }

    private boolean allFinite(int from, int to) {
        return f != null ? K.allFinite(f, from, to - from) : K.allFinite(d, from, to - from);
    }

    void checkFinite(String where) {
        int i = firstNonFinite();
        if (i >= 0) {
            throw new ArithmeticException(where + " produced " + getFlat(i) + " at flat index " + i + " of shape "
                    + Shape.str(shape));
        }
    }

    // ---------------------------------------------------------------- in-place writes (outside the graph)

    /** Sets one element by flat index. */
    public void setFlat(int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    /** Sets every element. */
    public Tensor fillInPlace(double v) {
        if (f != null) {
            Arrays.fill(f, (float) v);
        } else {
            Arrays.fill(d, v);
        }
        return this;
    }

    /** Copies {@code src}'s elements (same shape, any dtype) into this tensor. */
    public Tensor copyFromInPlace(Tensor src) {
        Shape.requireEqual("copy source", shape, src.shape);
        if (f != null && src.f != null) {
            System.arraycopy(src.f, 0, f, 0, f.length);
        } else if (d != null && src.d != null) {
            System.arraycopy(src.d, 0, d, 0, d.length);
        } else {
            for (int i = 0, n = numel(); i < n; i++) {
                setFlat(i, src.getFlat(i));
            }
        }
        return this;
    }

    /** {@code this += alpha * x}, elementwise, for same-shaped tensors. */
    public Tensor addInPlace(double alpha, Tensor x) {
        Shape.requireEqual("addInPlace operand", shape, x.shape);
        requireSameDtype(x);
        if (f != null) {
            K.axpy((float) alpha, x.f, 0, f, 0, f.length);
        } else {
            for (int i = 0; i < d.length; i++) {
                d[i] += alpha * x.d[i];
            }
        }
        return this;
    }

    /** {@code this *= x} elementwise (x broadcast to this shape). */
    public Tensor mulInPlace(Tensor x) {
        requireSameDtype(x);
        int[] out = Shape.broadcast(shape, x.shape);
        Shape.requireEqual("mulInPlace result", shape, out);
        Elementwise.broadcastInto(BinaryOp.MUL, this, x, this);
        return this;
    }

    /** {@code this *= s}. */
    public Tensor scaleInPlace(double s) {
        if (f != null) {
            float fs = (float) s;
            for (int i = 0; i < f.length; i++) {
                f[i] *= fs;
            }
        } else {
            for (int i = 0; i < d.length; i++) {
                d[i] *= s;
            }
        }
        return this;
    }

    // ---------------------------------------------------------------- autograd

    /** Whether a gradient flows to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient backward computes. */
    public Tensor requiresGrad(boolean flag) {
        if (gradFn != null && !flag) {
            throw new IllegalStateException("cannot turn off requiresGrad on a non-leaf tensor made by "
                    + gradFn.name() + "; use detach()");
        }
        requiresGrad = flag;
        return this;
    }

    /** The function that made this tensor, or {@code null} for a leaf. */
    public Function gradFn() {
        return gradFn;
    }

    /** Whether this tensor was not made by a recorded operation. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The gradient accumulated by {@link #backward()} (leaves, and non-leaves after {@link #retainGrad()}). */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient ({@code null} clears it). */
    public void setGrad(Tensor g) {
        if (g != null) {
            Shape.requireEqual("gradient", shape, g.shape);
        }
        grad = g;
    }

    /** Asks backward to store this non-leaf tensor's gradient in {@link #grad()} (to read activation gradients). */
    public Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    boolean retainsGrad() {
        return retainsGrad;
    }

    void attach(Function fn) {
        gradFn = fn;
        requiresGrad = true;
    }

    void accumulateGrad(Tensor g) {
        grad = grad == null ? g : grad.add(g);
    }

    /** The same values, cut from the graph. Shares storage. */
    public Tensor detach() {
        return f != null ? new Tensor(shape, f) : new Tensor(shape, d);
    }

    /** A copy with its own storage, cut from the graph. */
    public Tensor copy() {
        return f != null ? new Tensor(shape.clone(), f.clone()) : new Tensor(shape.clone(), d.clone());
    }

    /** Backpropagates from this one-element tensor, accumulating into the {@link #grad()} of every leaf. */
    public void backward() {
        if (numel() != 1) {
            throw new IllegalStateException("backward() without a seed needs a one-element tensor, got shape "
                    + Shape.str(shape) + "; pass the output gradient to backward(seed)");
        }
        backward(ones(dtype, shape));
    }

    /** Backpropagates {@code seed} (the gradient of some scalar with respect to this tensor). */
    public void backward(Tensor seed) {
        Backprop.backward(this, seed);
    }

    // ---------------------------------------------------------------- elementwise

    private Tensor constant(double v) {
        return scalar(v, dtype);
    }

    public Tensor add(Tensor o) {
        return new Elementwise.Binary(BinaryOp.ADD).apply(this, o);
    }

    public Tensor add(double v) {
        return add(constant(v));
    }

    public Tensor sub(Tensor o) {
        return new Elementwise.Binary(BinaryOp.SUB).apply(this, o);
    }

    public Tensor sub(double v) {
        return sub(constant(v));
    }

    /** {@code v - this}. */
    public Tensor rsub(double v) {
        return constant(v).sub(this);
    }

    public Tensor mul(Tensor o) {
        return new Elementwise.Binary(BinaryOp.MUL).apply(this, o);
    }

    public Tensor mul(double v) {
        return mul(constant(v));
    }

    public Tensor div(Tensor o) {
        return new Elementwise.Binary(BinaryOp.DIV).apply(this, o);
    }

    public Tensor div(double v) {
        return div(constant(v));
    }

    /** Elementwise maximum; at ties the gradient goes to {@code this}. */
    public Tensor maximum(Tensor o) {
        return new Elementwise.Binary(BinaryOp.MAX).apply(this, o);
    }

    /** Elementwise minimum; at ties the gradient goes to {@code this}. */
    public Tensor minimum(Tensor o) {
        return new Elementwise.Binary(BinaryOp.MIN).apply(this, o);
    }

    /** Limits every element to {@code [lo, hi]}. */
    public Tensor clamp(double lo, double hi) {
        return maximum(constant(lo)).minimum(constant(hi));
    }

    public Tensor neg() {
        return unary(UnaryOp.NEG);
    }

    public Tensor exp() {
        return unary(UnaryOp.EXP);
    }

    public Tensor log() {
        return unary(UnaryOp.LOG);
    }

    public Tensor sqrt() {
        return unary(UnaryOp.SQRT);
    }

    public Tensor tanh() {
        return unary(UnaryOp.TANH);
    }

    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID);
    }

    public Tensor abs() {
        return unary(UnaryOp.ABS);
    }

    public Tensor relu() {
        return unary(UnaryOp.RELU);
    }

    public Tensor square() {
        return unary(UnaryOp.SQUARE);
    }

    public Tensor reciprocal() {
        return unary(UnaryOp.RECIPROCAL);
    }

    public Tensor erf() {
        return unary(UnaryOp.ERF);
    }

    /** {@code this^p} for a constant exponent. */
    public Tensor pow(double p) {
        if (p == 2) {
            return square();
        }
        if (p == 1) {
            return this;
        }
        return new Elementwise.Pow(p).apply(this);
    }

    /** -1, 0 or 1 per element; not differentiable (a constant). */
    public Tensor sign() {
        return Elementwise.constantUnary(UnaryOp.SIGN, this);
    }

    private Tensor unary(UnaryOp op) {
        return new Elementwise.Unary(op).apply(this);
    }

    /** 1 where {@code this > o}, else 0; a constant. */
    public Tensor gt(Tensor o) {
        return Elementwise.compare(BinaryOp.GT, this, o);
    }

    public Tensor gt(double v) {
        return gt(constant(v));
    }

    public Tensor ge(Tensor o) {
        return Elementwise.compare(BinaryOp.GE, this, o);
    }

    public Tensor ge(double v) {
        return ge(constant(v));
    }

    public Tensor lt(Tensor o) {
        return Elementwise.compare(BinaryOp.LT, this, o);
    }

    public Tensor lt(double v) {
        return lt(constant(v));
    }

    public Tensor le(Tensor o) {
        return Elementwise.compare(BinaryOp.LE, this, o);
    }

    public Tensor le(double v) {
        return le(constant(v));
    }

    public Tensor eq(Tensor o) {
        return Elementwise.compare(BinaryOp.EQ, this, o);
    }

    public Tensor eq(double v) {
        return eq(constant(v));
    }

    /** {@code cond ? a : b} elementwise, broadcasting all three; {@code cond} is read as non-zero = true. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return new Elementwise.Where().apply(cond, a, b);
    }

    /** This tensor with {@code value} wherever {@code mask} is non-zero. */
    public Tensor maskedFill(Tensor mask, double value) {
        return where(mask, constant(value), this);
    }

    /** A copy in another dtype; differentiable. */
    public Tensor to(DType target) {
        return target == dtype ? this : new ShapeOps.Cast(target).apply(this);
    }

    // ---------------------------------------------------------------- reductions

    /** Sum of all elements, as a 0-d tensor. */
    public Tensor sum() {
        return sum(new int[0], false);
    }

    /** Sum over {@code axes} (all when empty). */
    public Tensor sum(int[] axes, boolean keepDim) {
        return new Reductions.Sum(Shape.axes(axes, rank()), keepDim).apply(this);
    }

    /** Sum over one axis. */
    public Tensor sum(int axis, boolean keepDim) {
        return sum(new int[] {axis}, keepDim);
    }

    /** Mean of all elements. */
    public Tensor mean() {
        return sum().div(numel());
    }

    /** Mean over {@code axes} (all when empty). */
    public Tensor mean(int[] axes, boolean keepDim) {
        int[] ax = Shape.axes(axes, rank());
        long count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        return sum(ax, keepDim).div(count);
    }

    public Tensor mean(int axis, boolean keepDim) {
        return mean(new int[] {axis}, keepDim);
    }

    /** Variance over {@code axes}; {@code unbiased} divides by {@code n - 1} instead of {@code n}. */
    public Tensor var(int[] axes, boolean keepDim, boolean unbiased) {
        int[] ax = Shape.axes(axes, rank());
        long count = 1;
        for (int a : ax) {
            count *= shape[a];
        }
        Tensor centred = sub(mean(ax, true));
        return centred.square().sum(ax, keepDim).div(unbiased ? count - 1 : count);
    }

    /** Maximum of all elements; the gradient goes to the first maximum. */
    public Tensor max() {
        return reshape(numel()).max(0, false);
    }

    /** Maximum along one axis; the gradient goes to the first maximum. */
    public Tensor max(int axis, boolean keepDim) {
        return new Reductions.Max(Shape.axis(axis, rank()), keepDim).apply(this);
    }

    /** Maximum over several axes (all when empty). */
    public Tensor max(int[] axes, boolean keepDim) {
        int[] ax = Shape.axes(axes, rank());
        Tensor t = this;
        for (int i = ax.length - 1; i >= 0; i--) {
            t = t.max(ax[i], true);
        }
        return keepDim ? t : t.reshape(Reductions.reducedShape(shape, ax, false));
    }

    /** Index of the first maximum along {@code axis}, for every other index, in row-major order. */
    public int[] argmax(int axis) {
        int a = Shape.axis(axis, rank());
        int outer = 1;
        for (int i = 0; i < a; i++) {
            outer *= shape[i];
        }
        int inner = 1;
        for (int i = a + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int[] arg = new int[outer * inner];
        if (f != null) {
            K.max(f, outer, shape[a], inner, new float[outer * inner], arg);
        } else {
            K.max(d, outer, shape[a], inner, new double[outer * inner], arg);
        }
        return arg;
    }

    /** {@code log(sum(exp(x)))} along an axis, computed stably. */
    public Tensor logSumExp(int axis, boolean keepDim) {
        // Shifting by the (constant) maximum changes nothing mathematically and keeps exp from overflowing.
        Tensor m = detach().max(axis, true);
        Tensor lse = sub(m).exp().sum(axis, true).log().add(m);
        return keepDim ? lse : lse.reshape(Reductions.reducedShape(shape, new int[] {Shape.axis(axis, rank())}, false));
    }

    /** {@code log(softmax(x))} along an axis, computed stably. */
    public Tensor logSoftmax(int axis) {
        return sub(logSumExp(axis, true));
    }

    /** Softmax along an axis. */
    public Tensor softmax(int axis) {
        return logSoftmax(axis).exp();
    }

    // ---------------------------------------------------------------- shape

    /** The same elements in a new shape (one dimension may be -1); shares storage. */
    public Tensor reshape(int... newShape) {
        int[] s = ShapeOps.inferShape(newShape, numel(), shape);
        if (Arrays.equals(s, shape)) {
            return this;
        }
        return new ShapeOps.Reshape(s).apply(this);
    }

    /** Flattens dimensions from {@code startAxis} on into one. */
    public Tensor flatten(int startAxis) {
        int a = Shape.axis(startAxis, rank());
        int[] s = Arrays.copyOf(shape, a + 1);
        s[a] = -1;
        return reshape(s);
    }

    /** Inserts a dimension of size one at {@code axis}. */
    public Tensor unsqueeze(int axis) {
        int a = Shape.axis(axis, rank() + 1);
        int[] s = new int[rank() + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            s[i] = i == a ? 1 : shape[j++];
        }
        return reshape(s);
    }

    /** Removes a dimension of size one at {@code axis}. */
    public Tensor squeeze(int axis) {
        int a = Shape.axis(axis, rank());
        if (shape[a] != 1) {
            throw new IllegalArgumentException("cannot squeeze axis " + axis + " of size " + shape[a] + " in shape "
                    + Shape.str(shape));
        }
        int[] s = new int[rank() - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != a) {
                s[j++] = shape[i];
            }
        }
        return reshape(s);
    }

    /** Broadcasts to {@code target} (materialised). */
    public Tensor expand(int... target) {
        Shape.requireEqual("expand of " + Shape.str(shape), target, Shape.broadcast(shape, target));
        if (Arrays.equals(shape, target)) {
            return this;
        }
        return new ShapeOps.Expand(target.clone()).apply(this);
    }

    /** Sums broadcast dimensions away so that the result has shape {@code target}: the adjoint of expand. */
    public Tensor sumTo(int... target) {
        if (Arrays.equals(shape, target)) {
            return this;
        }
        Shape.requireEqual("sumTo " + Shape.str(target) + " from " + Shape.str(shape), shape,
                Shape.broadcast(shape, target));
        int lead = shape.length - target.length;
        int[] axes = new int[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) {
                axes[n++] = i;
            }
        }
        return sum(Arrays.copyOf(axes, n), true).reshape(target);
    }

    /** Reorders the dimensions: result dimension {@code i} is this tensor's dimension {@code perm[i]}. */
    public Tensor permute(int... perm) {
        int[] p = ShapeOps.checkPermutation(perm, rank());
        boolean identity = true;
        for (int i = 0; i < p.length; i++) {
            identity &= p[i] == i;
        }
        return identity ? this : new ShapeOps.Permute(p).apply(this);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int a, int b) {
        int[] p = new int[rank()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        int x = Shape.axis(a, rank());
        int y = Shape.axis(b, rank());
        p[x] = y;
        p[y] = x;
        return permute(p);
    }

    /** Transpose of a matrix (swaps the last two dimensions). */
    public Tensor t() {
        if (rank() < 2) {
            throw new IllegalArgumentException("t() needs rank >= 2, got shape " + Shape.str(shape));
        }
        return transpose(-2, -1);
    }

    /** Elements {@code [start, start + length)} along {@code axis}. */
    public Tensor narrow(int axis, int start, int length) {
        int a = Shape.axis(axis, rank());
        if (start < 0 || length < 0 || start + length > shape[a]) {
            throw new IllegalArgumentException("narrow(" + axis + ", " + start + ", " + length + ") out of range for shape "
                    + Shape.str(shape));
        }
        if (start == 0 && length == shape[a]) {
            return this;
        }
        return new ShapeOps.Narrow(a, start, length).apply(this);
    }

    /** Places this tensor at offset {@code before} inside zeros of size {@code total} along {@code axis}. */
    public Tensor pad(int axis, int before, int total) {
        int a = Shape.axis(axis, rank());
        if (before < 0 || before + shape[a] > total) {
            throw new IllegalArgumentException("pad(" + axis + ", " + before + ", " + total + ") cannot hold size "
                    + shape[a]);
        }
        if (before == 0 && total == shape[a]) {
            return this;
        }
        return new ShapeOps.Pad(a, before, total).apply(this);
    }

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        if (parts.length == 1) {
            return parts[0];
        }
        return new ShapeOps.Concat(Shape.axis(axis, parts[0].rank())).apply(parts);
    }

    /** Joins same-shaped tensors along a new axis. */
    public static Tensor stack(int axis, Tensor... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("stack needs at least one tensor");
        }
        Tensor[] u = new Tensor[parts.length];
        int a = Shape.axis(axis, parts[0].rank() + 1);
        for (int i = 0; i < parts.length; i++) {
            Shape.requireEqual("stack operand " + i, parts[0].shape, parts[i].shape);
            u[i] = parts[i].unsqueeze(a);
        }
        return concat(a, u);
    }

    /** Slices {@code index} along {@code axis}, in the given order (repeats allowed). */
    public Tensor indexSelect(int axis, int... index) {
        int a = Shape.axis(axis, rank());
        ShapeOps.checkIndices(index, shape[a], "indexSelect");
        return new ShapeOps.IndexSelect(a, index.clone()).apply(this);
    }

    /** Adds the slices of this tensor into zeros of size {@code size} along {@code axis} at {@code index}. */
    public Tensor indexAdd(int axis, int[] index, int size) {
        int a = Shape.axis(axis, rank());
        ShapeOps.checkIndices(index, size, "indexAdd");
        if (index.length != shape[a]) {
            throw new IllegalArgumentException("indexAdd: " + index.length + " indices for size " + shape[a]
                    + " along axis " + axis);
        }
        return new ShapeOps.IndexAdd(a, index.clone(), size).apply(this);
    }

    /**
     * {@code out[..., i, ...] = this[..., index[..., i, ...], ...]} along {@code axis}, where {@code index} has
     * shape {@code indexShape}, equal to this shape except along {@code axis}.
     */
    public Tensor gather(int axis, int[] index, int... indexShape) {
        int a = Shape.axis(axis, rank());
        ShapeOps.checkGather(shape, a, index, indexShape);
        return new ShapeOps.Gather(a, index.clone(), indexShape.clone()).apply(this);
    }

    /** Adds this tensor (shaped like {@code index}) into zeros of shape {@code target} at {@code index} along axis. */
    public Tensor scatterAdd(int axis, int[] index, int... target) {
        int a = Shape.axis(axis, target.length);
        ShapeOps.checkGather(target, a, index, shape);
        return new ShapeOps.ScatterAdd(a, index.clone(), target.clone()).apply(this);
    }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product over the last two dimensions; leading (batch) dimensions broadcast. */
    public Tensor matmul(Tensor o) {
        return matmul(o, false, false);
    }

    /**
     * {@code op(this) @ op(o)}, where {@code op} transposes the last two dimensions when its flag is set. The
     * transposition is folded into the kernel, never materialised.
     */
    public Tensor matmul(Tensor o, boolean transThis, boolean transOther) {
        return new MatMul(transThis, transOther).apply(this, o);
    }

    // ---------------------------------------------------------------- convolution support

    /**
     * im2col: {@code [N, C, H, W]} to {@code [N, C*kh*kw, oh*ow]}, rows ordered {@code (c, ki, kj)} as in
     * PyTorch's {@code unfold}; out-of-image positions read {@code padValue}.
     */
    public Tensor unfold(Conv2dGeometry g, double padValue) {
        return new Im2Col.Unfold(g, padValue).apply(this);
    }

    /** col2im, the adjoint of {@link #unfold}: {@code [N, C*kh*kw, oh*ow]} summed back to {@code [N, C, H, W]}. */
    public Tensor fold(Conv2dGeometry g) {
        return new Im2Col.Fold(g).apply(this);
    }

    // ---------------------------------------------------------------- internals for ops

    void requireSameDtype(Tensor o) {
        if (o.dtype != dtype) {
            throw new IllegalArgumentException("dtype mismatch: " + dtype + " " + Shape.str(shape) + " and "
                    + o.dtype + " " + Shape.str(o.shape));
        }
    }

    int[] shapeRef() {
        return shape;
    }

    float[] f() {
        return f;
    }

    /** The backing array, to tell whether two tensors share storage. */
    Object storage() {
        return f != null ? f : d;
    }

    double[] d() {
        return d;
    }

    /**
     * A tensor whose elements are unspecified (possibly a recycled buffer's old contents): for operations that
     * overwrite every element.
     */
    static Tensor uninitialized(DType dtype, int[] shape) {
        int n = Shape.numel(shape);
        return dtype == DType.F32 ? new Tensor(shape, BufferPool.floats(n)) : new Tensor(shape, BufferPool.doubles(n));
    }

    /** A tensor of zeros, for operations that accumulate into their output. */
    static Tensor empty(DType dtype, int[] shape) {
        int n = Shape.numel(shape);
        return dtype == DType.F32 ? new Tensor(shape, new float[n]) : new Tensor(shape, new double[n]);
    }

    /** A tensor of the same dtype sharing {@code src}'s storage with another shape. */
    static Tensor view(Tensor src, int[] shape) {
        return src.f != null ? new Tensor(shape, src.f) : new Tensor(shape, src.d);
    }
}
