package org.secateur.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.secateur.autograd.Anomaly;
import org.secateur.autograd.GradMode;

/**
 * Reverse-mode accumulation over the recorded graph: visit tensors in reverse topological order, hand each
 * function the summed gradient of its output, and add what it returns to its inputs' gradients.
 *
 * <p>With {@code createGraph} the backward functions run with recording on, so the gradients are themselves
 * graph nodes and can be differentiated again; without it they run under no-grad and build nothing.
 */
public final class Backprop {
    private Backprop() {}

    /** {@code root.backward(seed)}: accumulate into the {@code grad} of every leaf that requires it. */
    static void backward(Tensor root, Tensor seed) {
        Shape.requireEqual("backward seed", root.shapeRef(), seed.shapeRef());
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: nothing in its "
                    + "history requires grad, or it was computed under noGrad");
        }
        run(new Tensor[] {root}, new Tensor[] {seed}, null, false, null, null);
    }

    /**
     * Gradients of {@code sum_i <seeds[i], outputs[i]>} with respect to {@code inputs}; an input the outputs do
     * not depend on gets zeros.
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] seeds, Tensor[] inputs, boolean createGraph) {
        for (int i = 0; i < outputs.length; i++) {
            Shape.requireEqual("gradient seed for output " + i, outputs[i].shapeRef(), seeds[i].shapeRef());
        }
        Map<Tensor, Tensor> found = run(outputs, seeds, inputs, createGraph, null, null);
        Tensor[] out = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = found.get(inputs[i]);
            out[i] = g != null ? g : inputs[i].zerosLike();
        }
        return out;
    }

    /**
     * {@code sum_i <dL/d inputs[i], vectors[i]>} for {@code L = sum_j <seeds[j], outputs[j]>}, recorded so that it
     * can be differentiated again: the directional derivative whose gradient is a Hessian-vector product. Where a
     * leaf input feeds a function that offers {@link Function#jvp}, that part of its gradient is never formed; the
     * term is {@code <g, jvp(v)>} instead (for a layer's weight: one GEMM fewer). A result that does not require
     * grad means the directional derivative does not depend on the inputs.
     */
    public static Tensor gradDot(Tensor[] outputs, Tensor[] seeds, Tensor[] inputs, Tensor[] vectors) {
        Map<Tensor, Tensor> along = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Shape.requireEqual("direction for input " + i, inputs[i].shapeRef(), vectors[i].shapeRef());
            // the same tensor twice among the inputs: its gradient counts against both vectors
            along.merge(inputs[i], vectors[i].detach(), Tensor::add);
        }
        List<Tensor> terms = new ArrayList<>();
        Map<Tensor, Tensor> found = run(outputs, seeds, inputs, true, along, terms);
        found.forEach((input, g) -> terms.add(g.mul(along.get(input)).sum()));
        Tensor dot = null;
        for (Tensor t : terms) {
            dot = dot == null ? t : dot.add(t);
        }
        return dot != null ? dot : Tensor.zeros(outputs[0].dtype());
    }

    /**
     * Runs the backward pass. With {@code targets == null}, accumulates into leaves' {@code grad} (and retained
     * non-leaves); otherwise returns the gradient of each target and touches no {@code grad} field. With
     * {@code along} (a direction per leaf target), contributions offered by {@link Function#jvp} go to
     * {@code terms} as {@code <g, jvp(v)>} instead of into the target's gradient.
     */
    private static Map<Tensor, Tensor> run(Tensor[] roots, Tensor[] seeds, Tensor[] targets, boolean createGraph,
            Map<Tensor, Tensor> along, List<Tensor> terms) {
        Set<Tensor> targetSet = null;
        if (targets != null) {
            targetSet = Collections.newSetFromMap(new IdentityHashMap<>());
            Collections.addAll(targetSet, targets);
        }
        List<Tensor> order = topologicalOrder(roots, targetSet);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        for (int i = 0; i < roots.length; i++) {
            if (roots[i].requiresGrad()) {
                grads.merge(roots[i], seeds[i], Tensor::add);
            }
        }
        Map<Tensor, Tensor> result = new IdentityHashMap<>();
        // Storage already handed out as a gradient (or given as a seed): a backward formula may route one tensor to
        // several inputs (add does), and two leaves must never share a gradient array that someone may scale.
        Set<Object> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor s : seeds) {
            handedOut.add(s.storage());
        }
        // In a plain backward each intermediate gradient is dead once its function has used it: recycle its array
        // (see BufferPool for the rules). A recorded backward (createGraph) keeps everything: it is a graph.
        var scope = createGraph ? null : BufferPool.openScope();
        try (var mode = GradMode.set(createGraph)) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                if (targetSet != null) {
                    if (targetSet.contains(t)) {
                        result.put(t, owned(g, handedOut, createGraph));
                    }
                } else if (t.isLeaf() || t.retainsGrad()) {
                    t.accumulateGrad(owned(createGraph ? g : g.detach(), handedOut, createGraph));
                }
                Function fn = t.gradFn();
                if (fn == null) {
                    continue;
                }
                Tensor[] in = fn.recordedInputs();
                int skip = along == null ? 0 : contract(fn, g, in, along, terms);
                Tensor[] gin;
                try {
                    gin = fn.backward(g, skip);
                } catch (ArithmeticException e) {
                    // an anomaly inside a backward formula: say whose derivative it was
                    throw new ArithmeticException("backward of " + fn.name() + ": " + e.getMessage());
                }
                for (int k = 0; k < in.length; k++) {
                    if (gin[k] == null || !in[k].requiresGrad()) {
                        continue;
                    }
                    Shape.requireEqual("gradient from " + fn.name() + " for input " + k, in[k].shapeRef(),
                            gin[k].shapeRef());
                    if (Anomaly.isEnabled()) {
                        gin[k].checkFinite("backward of " + fn.name() + " (input " + k + ")");
                    }
                    grads.merge(in[k], gin[k], Tensor::add);
                }
                if (!createGraph) {
                    recycle(g, gin, grads, handedOut);
                }
            }
        } finally {
            if (!createGraph) {
                BufferPool.closeScope(scope);
            }
        }
        return result;
    }

    /**
     * Adds {@code <g, jvp_k(v_k)>} to {@code terms} for each leaf input {@code k} of {@code fn} that has a direction
     * and a JVP; returns the set of those inputs, whose gradients the backward then skips.
     */
    private static int contract(Function fn, Tensor g, Tensor[] in, Map<Tensor, Tensor> along, List<Tensor> terms) {
        int skip = 0;
        for (int k = 0; k < Math.min(in.length, Integer.SIZE - 1); k++) {
            Tensor v = along.get(in[k]);
            if (v == null || in[k].gradFn() != null || !in[k].requiresGrad()) {
                continue;
            }
            Tensor jv = fn.jvp(k, v);
            if (jv != null) {
                Shape.requireEqual("jvp of " + fn.name() + " for input " + k, g.shapeRef(), jv.shapeRef());
                terms.add(g.mul(jv).sum());
                skip |= 1 << k;
            }
        }
        return skip;
    }

    /**
     * Gives {@code g}'s array back to the pool if it was made during this pass, was not handed out, and is shared
     * by none of the gradients just produced or still pending.
     */
    private static void recycle(Tensor g, Tensor[] gin, Map<Tensor, Tensor> grads, Set<Object> handedOut) {
        Object storage = g.storage();
        if (!BufferPool.allocatedHere(storage) || handedOut.contains(storage)) {
            return;
        }
        for (Tensor t : gin) {
            if (t != null && t.storage() == storage) {
                return;
            }
        }
        for (Tensor t : grads.values()) {
            if (t.storage() == storage) {
                return;
            }
        }
        BufferPool.release(storage);
    }

    /** {@code g}, or a copy of it when its storage was already handed out (plain mode; graphs never alias). */
    private static Tensor owned(Tensor g, Set<Object> handedOut, boolean createGraph) {
        if (createGraph) {
            return g;
        }
        return handedOut.add(g.storage()) ? g : g.copy();
    }

    /**
     * Tensors reachable from the roots through recorded functions, each after all of its inputs. With targets,
     * keeps only tensors from which a target can be reached, so no work is spent on irrelevant branches.
     */
    private static List<Tensor> topologicalOrder(Tensor[] roots, Set<Tensor> targets) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> relevant = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        for (Tensor r : roots) {
            if (r.requiresGrad() && !relevant.containsKey(r)) {
                stack.push(new Object[] {r, 0});
            }
        }
        // Iterative post-order DFS: deep graphs (long training unrolls, many layers) must not overflow the stack.
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            if (next == 0 && relevant.containsKey(t)) {
                stack.pop();
                continue;
            }
            Tensor[] in = t.gradFn() == null ? null : t.gradFn().recordedInputs();
            if (in != null && next < in.length) {
                frame[1] = next + 1;
                Tensor child = in[next];
                if (child.requiresGrad() && !relevant.containsKey(child)) {
                    stack.push(new Object[] {child, 0});
                }
                continue;
            }
            stack.pop();
            boolean keep = targets == null || targets.contains(t);
            if (!keep && in != null) {
                for (Tensor c : in) {
                    keep |= relevant.getOrDefault(c, false);
                }
            }
            relevant.put(t, keep);
            if (keep) {
                order.add(t);
            }
        }
        return order;
    }
}
