package org.secateur.nn;

import org.secateur.tensor.Fused;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Loss functions, as PyTorch's {@code torch.nn.functional} ones: composed from differentiable tensor operations
 * (log-softmax, gather, ...), so they are differentiable twice and Hessian-vector products through them are
 * exact. Class scores are {@code [N, C]}; integer labels are an {@code int[N]}.
 */
public final class Losses {
    private Losses() {}

    /** Cross-entropy of logits against integer labels, averaged over the batch. */
    public static Tensor crossEntropy(Tensor logits, int[] labels) {
        return crossEntropy(logits, labels, Reduction.MEAN, 0);
    }

    /**
     * Cross-entropy of logits {@code [N, C]} against integer labels, with label smoothing {@code eps} as PyTorch
     * (Szegedy et al. 2016, §7): per sample {@code (1 - eps) * nll + eps * mean_c(-log p_c)}.
     */
    public static Tensor crossEntropy(Tensor logits, int[] labels, Reduction reduction, double labelSmoothing) {
        requireScores("logits", logits);
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("labelSmoothing=" + labelSmoothing + ": expected a value in [0, 1]");
        }
        if (Fused.enabled() && reduction == Reduction.MEAN && labelSmoothing == 0) {
            checkLabels(logits, labels);
            return Fused.crossEntropy(logits, labels);   // one pass; the composition below is its reference
        }
        Tensor logP = logits.logSoftmax(1);
        Tensor loss = pickNegated(logP, labels);
        if (labelSmoothing > 0) {
            Tensor uniform = logP.mean(1, false).neg();
            loss = loss.mul(1 - labelSmoothing).add(uniform.mul(labelSmoothing));
        }
        return reduction.apply(loss);
    }

    /** Cross-entropy of logits against target probabilities, averaged over the batch. */
    public static Tensor crossEntropy(Tensor logits, Tensor targetProbs) {
        return crossEntropy(logits, targetProbs, Reduction.MEAN);
    }

    /** Cross-entropy of logits {@code [N, C]} against soft targets {@code [N, C]}: {@code -sum_c q_c log p_c}. */
    public static Tensor crossEntropy(Tensor logits, Tensor targetProbs, Reduction reduction) {
        requireScores("logits", logits);
        Shape.requireEqual("soft-target cross-entropy target probabilities", logits.shape(), targetProbs.shape());
        return reduction.apply(targetProbs.mul(logits.logSoftmax(1)).sum(1, false).neg());
    }

    /** Negative log-likelihood of log-probabilities against integer labels, averaged over the batch. */
    public static Tensor nll(Tensor logProbs, int[] labels) {
        return nll(logProbs, labels, Reduction.MEAN);
    }

    /** Negative log-likelihood: {@code -logProbs[i, labels[i]]} per sample, for log-probabilities {@code [N, C]}. */
    public static Tensor nll(Tensor logProbs, int[] labels, Reduction reduction) {
        requireScores("logProbs", logProbs);
        return reduction.apply(pickNegated(logProbs, labels));
    }

    /** Mean squared error. */
    public static Tensor mse(Tensor input, Tensor target) {
        return mse(input, target, Reduction.MEAN);
    }

    /** Squared error {@code (input - target)^2} per element; both must have the same shape. */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        Shape.requireEqual("mse target (input is " + Shape.str(input.shape()) + ")", input.shape(), target.shape());
        return reduction.apply(input.sub(target).square());
    }

    /**
     * The knowledge-distillation loss of Hinton, Vinyals &amp; Dean 2015 (§2):
     * {@code T^2 KL(softmax(teacher/T) || softmax(student/T))}, summed over classes and averaged over the batch
     * (PyTorch's {@code kl_div(..., reduction="batchmean")}). The {@code T^2} factor keeps the gradient's scale
     * independent of the temperature. Gradients flow into both arguments: pass a detached teacher, or compute it
     * under {@code GradMode.noGrad()}, when only the student learns.
     */
    public static Tensor distillationKl(Tensor studentLogits, Tensor teacherLogits, double temperature) {
        requireScores("studentLogits", studentLogits);
        Shape.requireEqual("teacherLogits (studentLogits is " + Shape.str(studentLogits.shape()) + ")",
                studentLogits.shape(), teacherLogits.shape());
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature=" + temperature + ": expected a value > 0");
        }
        Tensor logPs = studentLogits.div(temperature).logSoftmax(1);
        Tensor logPt = teacherLogits.div(temperature).logSoftmax(1);
        Tensor kl = logPt.exp().mul(logPt.sub(logPs)).sum();
        return kl.mul(temperature * temperature / studentLogits.size(0));
    }

    /** Binary cross-entropy with logits, averaged. */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets) {
        return bceWithLogits(logits, targets, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of logits {@code x} against targets {@code y} in [0, 1], per element, in the stable
     * form {@code max(x, 0) - x y + log(1 + exp(-|x|))}: no exponential of a positive number is taken.
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor targets, Reduction reduction) {
        Shape.requireEqual("bceWithLogits targets (logits are " + Shape.str(logits.shape()) + ")", logits.shape(),
                targets.shape());
        Tensor softplus = logits.relu().add(logits.abs().neg().exp().add(1).log());
        return reduction.apply(softplus.sub(logits.mul(targets)));
    }

    /** {@code -scores[i, labels[i]]} for each row, after checking the labels against the scores. */
    private static Tensor pickNegated(Tensor scores, int[] labels) {
        checkLabels(scores, labels);
        int n = scores.size(0);
        return scores.gather(1, labels, n, 1).reshape(n).neg();
    }

    private static void checkLabels(Tensor scores, int[] labels) {
        int n = scores.size(0);
        int c = scores.size(1);
        if (labels.length != n) {
            throw new IllegalArgumentException("labels: " + labels.length + " entries, but the scores "
                    + Shape.str(scores.shape()) + " have batch size " + n);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is out of range [0, "
                        + c + ") for scores " + Shape.str(scores.shape()));
            }
        }
    }

    private static void requireScores(String name, Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException(name + ": expected [N, C], got " + Shape.str(t.shape()));
        }
    }
}
