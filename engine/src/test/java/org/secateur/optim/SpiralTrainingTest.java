package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Activation;
import org.secateur.nn.Linear;
import org.secateur.nn.Losses;
import org.secateur.nn.Module;
import org.secateur.nn.Sequential;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * End to end: a 2-64-64-2 tanh MLP learns two interleaved spirals with Adam under a warm-up and cosine schedule
 * and gradient clipping, and training is bit-for-bit reproducible from the seed.
 */
class SpiralTrainingTest {
    private static final int POINTS_PER_CLASS = 150;
    private static final int STEPS = 200;
    /** The run reaches 99.3% on this seed (100% on seeds 1 to 3); 95% leaves room for harmless rounding changes. */
    private static final double REQUIRED_ACCURACY = 0.95;

    /** Points and labels: radius t, angle 3 pi t (class 1 turned by pi), plus N(0, 0.02^2) noise. */
    private record Spirals(Tensor x, int[] y) {
        static Spirals generate(Rng rng) {
            int n = 2 * POINTS_PER_CLASS;
            float[] xy = new float[2 * n];
            int[] labels = new int[n];
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < POINTS_PER_CLASS; i++) {
                    int k = c * POINTS_PER_CLASS + i;
                    double t = 0.05 + 0.95 * i / (POINTS_PER_CLASS - 1);
                    double angle = 3 * Math.PI * t + c * Math.PI;
                    xy[2 * k] = (float) (t * Math.cos(angle) + 0.02 * rng.nextGaussian());
                    xy[2 * k + 1] = (float) (t * Math.sin(angle) + 0.02 * rng.nextGaussian());
                    labels[k] = c;
                }
            }
            return new Spirals(Tensor.of(xy, n, 2), labels);
        }
    }

    private record Result(Module model, double accuracy) {}

    private static Result train(long seed) {
        Rng rng = new Rng(seed);
        Spirals data = Spirals.generate(rng.split());
        Rng init = rng.split();
        Module model = new Sequential(new Linear(2, 64, init), Activation.tanh(), new Linear(64, 64, init),
                Activation.tanh(), new Linear(64, 2, init));
        Adam adam = new Adam(model.parameters(), 0);
        LrScheduler schedule = new LrScheduler(adam, LrSchedule.warmup(20, 0.1, LrSchedule.cosine(0.02, STEPS - 20, 5e-4)));
        for (int step = 0; step < STEPS; step++) {
            adam.zeroGrad();
            Losses.crossEntropy(model.apply(data.x()), data.y()).backward();
            Gradients.clipGradNorm(adam.parameters(), 5);
            adam.step();
            schedule.step();
        }
        int[] predicted;
        try (var off = GradMode.noGrad()) {
            predicted = model.eval().apply(data.x()).argmax(1);
        }
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == data.y()[i] ? 1 : 0;
        }
        return new Result(model, (double) correct / predicted.length);
    }

    @Test
    void learnsTwoSpiralsReproducibly() {
        Result first = train(42);
        assertThat(first.accuracy()).as("training accuracy").isGreaterThanOrEqualTo(REQUIRED_ACCURACY);
        Result second = train(42);
        List<Tensor> a = first.model().parameters().stream().map(p -> p.data()).toList();
        List<Tensor> b = second.model().parameters().stream().map(p -> p.data()).toList();
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).contentEquals(b.get(i))).as("parameter %d identical across runs", i).isTrue();
        }
        assertThat(a.get(0).dtype()).isEqualTo(DType.F32);
    }
}
