package org.secateur.tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Recycles the large arrays of gradients that a plain backward pass creates and consumes (the gradient of each
 * intermediate activation lives from the step that makes it to the step that uses it), so that a training step
 * does not allocate, zero and fault in megabytes of fresh memory for them every time.
 *
 * <p>Safety rests on two rules, both enforced by {@link Backprop}: an array goes back to the pool only if it was
 * allocated during the same backward pass ({@link #allocatedHere}), never handed out (as a leaf's or a target's
 * gradient) and shared with no gradient still pending; and only {@link Tensor#uninitialized} takes arrays from the
 * pool, for operations that overwrite every element, and only during a backward pass, so recycled arrays circulate
 * among the gradients of successive steps rather than leak into forward activations. Pools are per thread, keyed by exact length, hold only arrays
 * of at least {@link #MIN_LENGTH} elements, and are bounded.
 */
final class BufferPool {
    private BufferPool() {}

    /** Smaller arrays come cheaply from the thread-local allocation buffer. */
    static final int MIN_LENGTH = 1 << 14;
    /** Bound on the elements a thread keeps (about 128 MiB of float32). */
    private static final long MAX_ELEMENTS = 1L << 25;
    private static final int MAX_PER_LENGTH = 8;

    private static final class Pools {
        final Map<Integer, ArrayDeque<float[]>> floats = new HashMap<>();
        final Map<Integer, ArrayDeque<double[]>> doubles = new HashMap<>();
        long held;
        /** Arrays allocated during the current backward pass (null outside one). */
        IdentityHashMap<Object, Boolean> scope;
    }

    private static final ThreadLocal<Pools> POOLS = ThreadLocal.withInitial(Pools::new);

    static float[] floats(int n) {
        if (n >= MIN_LENGTH) {
            Pools p = POOLS.get();
            if (p.scope == null) {
                // Outside a backward pass (a forward) the array may live as long as the caller holds the graph: a
                // recycled one would leave the pool for good, and the backward would allocate instead.
                return new float[n];
            }
            ArrayDeque<float[]> q = p.floats.get(n);
            float[] a = q == null ? null : q.pollLast();
            if (a != null) {
                p.held -= n;
            } else {
                a = new float[n];
            }
            p.scope.put(a, Boolean.TRUE);
            return a;
        }
        return new float[n];
    }

    static double[] doubles(int n) {
        if (n >= MIN_LENGTH) {
            Pools p = POOLS.get();
            if (p.scope == null) {
                return new double[n];
            }
            ArrayDeque<double[]> q = p.doubles.get(n);
            double[] a = q == null ? null : q.pollLast();
            if (a != null) {
                p.held -= 2L * n;
            } else {
                a = new double[n];
            }
            p.scope.put(a, Boolean.TRUE);
            return a;
        }
        return new double[n];
    }

    /** Starts recording allocations for a backward pass on this thread; returns the previous scope to restore. */
    static IdentityHashMap<Object, Boolean> openScope() {
        Pools p = POOLS.get();
        IdentityHashMap<Object, Boolean> previous = p.scope;
        p.scope = new IdentityHashMap<>();
        return previous;
    }

    static void closeScope(IdentityHashMap<Object, Boolean> previous) {
        POOLS.get().scope = previous;
    }

    /** Whether {@code storage} was allocated (from this class) during the current backward pass on this thread. */
    static boolean allocatedHere(Object storage) {
        IdentityHashMap<Object, Boolean> s = POOLS.get().scope;
        return s != null && s.containsKey(storage);
    }

    /** How many elements this thread's pool holds (float64 elements count twice). */
    static long heldElements() {
        return POOLS.get().held;
    }

    /** Gives back an array that nothing references any more. */
    static void release(Object storage) {
        Pools p = POOLS.get();
        if (p.scope != null) {
            p.scope.remove(storage);
        }
        if (storage instanceof float[] a && a.length >= MIN_LENGTH && p.held + a.length <= MAX_ELEMENTS) {
            ArrayDeque<float[]> q = p.floats.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < MAX_PER_LENGTH) {
                q.addLast(a);
                p.held += a.length;
            }
        } else if (storage instanceof double[] a && a.length >= MIN_LENGTH && p.held + 2L * a.length <= MAX_ELEMENTS) {
            ArrayDeque<double[]> q = p.doubles.computeIfAbsent(a.length, k -> new ArrayDeque<>());
            if (q.size() < MAX_PER_LENGTH) {
                q.addLast(a);
                p.held += 2L * a.length;
            }
        }
    }
}
