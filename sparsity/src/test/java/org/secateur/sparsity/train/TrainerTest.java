package org.secateur.sparsity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Activation;
import org.secateur.nn.Linear;
import org.secateur.nn.Losses;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.optim.Adam;
import org.secateur.optim.AdamW;
import org.secateur.optim.Optimizer;
import org.secateur.optim.SGD;
import org.secateur.sparsity.Minibatch;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Pruning;
import org.secateur.sparsity.criteria.Magnitude;
import org.secateur.sparsity.report.SparsityReport;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/**
 * The training loop: masked training keeps pruned weights at exactly zero under every optimizer, schedules reach
 * their targets on time, the penalty enters the gradient, and the loop learns.
 */
class TrainerTest {

    record Config(String name, Function<List<Parameter>, Optimizer> make) {}

    @TestFactory
    Stream<DynamicTest> prunedWeightsStayExactlyZeroUnderEveryOptimizer() {
        return Stream.of(
                new Config("SGD momentum + weight decay", ps -> new SGD(ps, 0.05, 0.9, 0, 1e-2, false)),
                new Config("SGD Nesterov + weight decay", ps -> new SGD(ps, 0.05, 0.9, 0, 1e-2, true)),
                new Config("Adam + weight decay", ps -> new Adam(ps, 0.01, 0.9, 0.999, 1e-8, 1e-2)),
                new Config("AdamW", ps -> new AdamW(ps, 0.01, 0.9, 0.999, 1e-8, 0.1))
        ).map(c -> DynamicTest.dynamicTest(c.name(), () ->
                qt().withExamples(4).forAll(Generators.seeds()).checkAssert(seed -> {
                    Rng r = new Rng(seed);
                    Sequential model = mlp(r, DType.F32);
                    List<Minibatch> data = blobs(r, 4, 16);
                    Map<String, Parameter> weights = Pruning.prunableWeights(model);
                    // momentum builds up for a few steps before the first pruning, and the masks grow while training
                    ScheduledPruning gmp = new ScheduledPruning(model, weights, new Magnitude(), Pruner.global(0.8),
                            new Schedule.Gradual(3, 4, 5, 0.2));
                    FrozenCheck frozen = new FrozenCheck(weights);
                    Trainer trainer = new Trainer(model, c.make().apply(model.parameters()), Losses::crossEntropy)
                            .penalty(new Lasso(1e-3, weights.values()))
                            .listen(gmp)
                            .listen(frozen);
                    trainer.fit(8, e -> data);
                    assertThat(gmp.isComplete()).isTrue();
                    assertThat(frozen.checked).isPositive();
                })));
    }

    /** After every step: each pruned entry's effective weight is 0 and its value is the one it had when pruned. */
    private static final class FrozenCheck implements TrainingListener {
        final Map<String, Parameter> weights;
        final Map<String, Map<Integer, Double>> atPruning = new HashMap<>();
        int checked;

        FrozenCheck(Map<String, Parameter> weights) {
            this.weights = weights;
        }

        @Override
        public void afterStep(StepEnd end) {
            weights.forEach((name, p) -> {
                if (!p.isMasked()) {
                    return;
                }
                Tensor value;
                try (var off = GradMode.noGrad()) {
                    value = p.value();
                }
                Map<Integer, Double> frozen = atPruning.computeIfAbsent(name, n -> new HashMap<>());
                for (int i = 0; i < p.numel(); i++) {
                    if (p.mask().getFlat(i) == 0) {
                        assertThat(value.getFlat(i)).as("%s[%d] effective at step %d", name, i, end.steps()).isZero();
                        Double old = frozen.putIfAbsent(i, p.data().getFlat(i));
                        if (old != null) {
                            assertThat(p.data().getFlat(i)).as("%s[%d] at step %d", name, i, end.steps()).isEqualTo(old);
                            checked++;
                        }
                    }
                }
            });
        }
    }

    @Test
    void eachScheduledEventReachesItsTargetBeforeItsStep() {
        Rng r = new Rng(41);
        Sequential model = mlp(r, DType.F32);
        List<Minibatch> data = blobs(r, 5, 8);
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Schedule.Gradual agp = Schedule.gradual(2, 3, 4);
        ScheduledPruning gmp = new ScheduledPruning(model, weights, new Magnitude(), Pruner.layerWise(0.75), agp);
        List<Long> seen = new ArrayList<>();
        Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.05), Losses::crossEntropy)
                .listen(gmp)
                .listen(new TrainingListener() {
                    @Override
                    public void beforeStep(long step, int epoch) {
                        int due = gmp.applied().size();
                        if (due > 0 && gmp.applied().get(due - 1).step() == step) {
                            seen.add(step);
                            double target = agp.sparsity(due - 1, 0.75);
                            weights.values().forEach(p -> assertThat(zeros(p)).isEqualTo((int) Math.rint(target * p.numel())));
                        }
                    }
                });
        trainer.fit(2, e -> data);
        assertThat(trainer.steps()).isEqualTo(10);
        assertThat(gmp.isComplete()).isFalse();
        trainer.fit(1, e -> data);
        assertThat(gmp.isComplete()).isTrue();
        assertThat(seen).containsExactly(2L, 5L, 8L, 11L, 14L);
        assertThat(SparsityReport.of(model, 4).sparsity()).isCloseTo(0.75, within(0.01));
    }

    @Test
    void aScheduleJoiningATrainedModelCountsFromItsFirstStep() {
        Rng r = new Rng(44);
        Sequential model = mlp(r, DType.F32);
        List<Minibatch> data = blobs(r, 4, 8);
        Map<String, Parameter> weights = Pruning.prunableWeights(model);
        Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.05), Losses::crossEntropy);
        trainer.fit(2, e -> data);
        ScheduledPruning iterative = new ScheduledPruning(model, weights, new Magnitude(), Pruner.global(0.875),
                Schedule.iterative(3, 4));
        trainer.listen(iterative).fit(3, e -> data);
        assertThat(iterative.applied()).extracting(ScheduledPruning.Event::step).containsExactly(0L, 4L, 8L);
        // each round keeps half of the survivors: 50%, 75%, 87.5%
        assertThat(iterative.applied()).extracting(e -> ((org.secateur.sparsity.Scope.Global) e.scope()).sparsity())
                .containsExactly(0.5, 0.75, 0.875);
        assertThat(SparsityReport.of(model, 4).zeros()).isEqualTo(Math.round(0.875 * (64 + 48)));
    }

    @Test
    void theLoopLearnsCountsAndCallsBack() {
        Rng r = new Rng(42);
        Sequential model = mlp(r, DType.F32);
        List<Minibatch> train = blobs(r, 10, 16);
        List<TrainingListener.EpochEnd> epochs = new ArrayList<>();
        int[] steps = new int[1];
        Trainer trainer = new Trainer(model, new Adam(model.parameters(), 0.01, 0.9, 0.999, 1e-8, 0), Losses::crossEntropy)
                .listen(TrainingListener.afterEachEpoch(epochs::add))
                .listen(TrainingListener.afterEachStep(s -> steps[0]++));
        double before = Evaluation.of(model, train, Losses::crossEntropy).loss();
        List<TrainingListener.EpochEnd> ends = trainer.fit(5, e -> train);
        assertThat(ends).isEqualTo(epochs);
        assertThat(ends).extracting(TrainingListener.EpochEnd::epoch).containsExactly(0, 1, 2, 3, 4);
        assertThat(ends.get(4).steps()).isEqualTo(50);
        assertThat(steps[0]).isEqualTo(50);
        Evaluation after = Evaluation.of(model, train, Losses::crossEntropy);
        assertThat(after.loss()).isLessThan(before / 2);
        assertThat(after.accuracy()).isGreaterThan(0.9);
        assertThat(after.examples()).isEqualTo(160);
        assertThat(model.isTraining()).isTrue();
    }

    @Test
    void theLassoPenaltyIsLambdaTimesTheL1NormOfTheEffectiveWeights() {
        Parameter p = new Parameter(Tensor.vector(2.0, -3.0, 0.5, 0.0));
        p.setMask(Tensor.vector(1.0, 1.0, 0.0, 1.0));
        Parameter q = new Parameter(Tensor.vector(-1.0));
        Regularizer lasso = new Lasso(0.1, List.of(p)).plus(new Lasso(0.5, List.of(q)));
        Tensor penalty = lasso.penalty();
        assertThat(penalty.item()).isCloseTo(0.1 * 5 + 0.5, within(1e-15));
        penalty.backward();
        assertThat(p.grad().toDoubleArray()).containsExactly(0.1, -0.1, 0, 0);
        assertThat(q.grad().toDoubleArray()).containsExactly(-0.5);
        assertThatThrownBy(() -> new Lasso(-1, List.of(p))).hasMessageContaining("lambda=-1");
    }

    @Test
    void aDivergingLossStopsTrainingNamingTheStep() {
        Rng r = new Rng(43);
        Sequential model = mlp(r, DType.F32);
        List<Minibatch> data = blobs(r, 2, 4);
        Trainer trainer = new Trainer(model, new SGD(model.parameters(), 0.1), (out, y) -> out.sum().div(0.0));
        assertThatThrownBy(() -> trainer.fit(1, e -> data)).isInstanceOf(ArithmeticException.class)
                .hasMessageContaining("epoch 0").hasMessageContaining("batch 0");
    }

    static Sequential mlp(Rng r, DType dtype) {
        Sequential m = new Sequential(new Linear(4, 16, r.split()), Activation.relu(), new Linear(16, 3, r.split()));
        m.to(dtype);
        return m;
    }

    /** Three Gaussian blobs in 4-D, {@code count} batches of {@code size}. */
    static List<Minibatch> blobs(Rng r, int count, int size) {
        List<Minibatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] x = new float[size * 4];
            int[] y = new int[size];
            for (int i = 0; i < size; i++) {
                y[i] = r.nextInt(3);
                for (int j = 0; j < 4; j++) {
                    x[i * 4 + j] = (float) ((j == y[i] ? 3 : 0) + r.nextGaussian() * 0.5);
                }
            }
            out.add(new Minibatch(Tensor.of(x, size, 4), y));
        }
        return out;
    }

    static int zeros(Parameter p) {
        int z = 0;
        for (int i = 0; i < p.numel(); i++) {
            z += p.mask() != null && p.mask().getFlat(i) == 0 ? 1 : 0;
        }
        return z;
    }
}
