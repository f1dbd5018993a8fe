package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** Coverage, determinism and thread hygiene of the DataLoader. */
class DataLoaderTest {

    /** Rows whose single feature is their own index, so batches show which examples they hold. */
    private static TabularDataset indexed(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return new TabularDataset(x, 1, new int[n], 1);
    }

    private static List<Thread> prefetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("secateur-prefetch")).toList();
    }

    private static List<int[]> run(DataLoader<LabelledBatch> loader, int epoch) {
        List<int[]> out = new ArrayList<>();
        for (LabelledBatch b : loader.epoch(epoch)) {
            float[] f = b.inputs().floats();
            int[] rows = new int[f.length];
            for (int i = 0; i < f.length; i++) {
                rows[i] = (int) f[i];
            }
            assertThat(rows).as("inputs match the reported indices").containsExactly(b.indices());
            out.add(rows);
        }
        return out;
    }

    @AfterEach
    void noThreadOutlivesItsLoader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!prefetchThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(prefetchThreads()).isEmpty();
    }

    @Test
    void everyExampleOncePerEpochForAnyBatchSize() {
        qt().withExamples(150).forAll(integers().between(0, 120), integers().between(1, 40), booleans().all(),
                integers().between(0, 3)).checkAssert((n, batch, dropLast, prefetch) -> {
                    try (DataLoader<LabelledBatch> loader = DataLoader.over(indexed(n)).batchSize(batch)
                            .dropLast(dropLast).prefetch(prefetch).seed(n * 31L + batch).build()) {
                        List<int[]> batches = run(loader, 2);
                        assertThat(batches).hasSize(loader.batchesPerEpoch());
                        int[] seen = batches.stream().flatMapToInt(Arrays::stream).toArray();
                        int expected = dropLast ? n / batch * batch : n;
                        assertThat(seen).hasSize(expected).doesNotHaveDuplicates();
                        assertThat(seen).containsExactly(Arrays.copyOf(loader.order(2), expected));
                        if (!dropLast) {
                            assertThat(seen).containsExactlyInAnyOrder(Rows.all(n));
                        }
                        for (int i = 0; i < batches.size(); i++) {
                            boolean last = i == batches.size() - 1;
                            int size = batches.get(i).length;
                            assertThat(size).isEqualTo(last && !dropLast && n % batch != 0 ? n % batch : batch);
                        }
                    }
                });
    }

    @Test
    void theSameSeedGivesTheSameOrderAndDifferentEpochsDiffer() {
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            try (var a = DataLoader.over(indexed(100)).batchSize(7).seed(seed).build();
                    var b = DataLoader.over(indexed(100)).batchSize(7).seed(seed).prefetch(0).build()) {
                List<int[]> a0 = run(a, 0);
                List<int[]> a1 = run(a, 1);
                assertThat(run(b, 1)).containsExactlyElementsOf(a1); // epoch 1 without having run epoch 0
                assertThat(run(b, 0)).containsExactlyElementsOf(a0);
                assertThat(a.order(0)).isNotEqualTo(a.order(1));
                assertThat(a.order(0)).isNotEqualTo(Rows.all(100));
            }
            try (var c = DataLoader.over(indexed(100)).seed(seed + 1).build();
                    var d = DataLoader.over(indexed(100)).seed(seed).build()) {
                assertThat(c.order(0)).isNotEqualTo(d.order(0));
            }
        });
    }

    @Test
    void withoutShufflingTheOrderIsTheDatasetOrder() {
        try (var loader = DataLoader.over(indexed(10)).batchSize(4).shuffle(false).build()) {
            assertThat(run(loader, 3)).containsExactly(new int[] {0, 1, 2, 3}, new int[] {4, 5, 6, 7},
                    new int[] {8, 9});
        }
    }

    @Test
    void float64OnRequest() {
        try (var loader = DataLoader.over(ToySets.xor()).batchSize(4).dtype(DType.F64).build()) {
            LabelledBatch b = loader.epoch(0).iterator().next();
            assertThat(b.inputs().dtype()).isEqualTo(DType.F64);
            assertThat(b.inputs().shape()).containsExactly(4, 2);
        }
    }

    @Test
    void augmentedImageBatchesAreTheSameWithAndWithoutPrefetch() {
        ImageDataset images = TestData.images(50, 3, 8, 8, 10, 4);
        ImageBatchSource source = images.batches(Normalization.none(3), new Augmentation(2, true));
        try (var a = DataLoader.over(source).batchSize(16).seed(9).prefetch(2).build();
                var b = DataLoader.over(source).batchSize(16).seed(9).prefetch(0).build()) {
            Iterator<LabelledBatch> ib = b.epoch(1).iterator();
            for (LabelledBatch x : a.epoch(1)) {
                LabelledBatch y = ib.next();
                assertThat(x.inputs().contentEquals(y.inputs())).isTrue();
                assertThat(x.labels()).containsExactly(y.labels());
                assertThat(x.inputs().shape()).containsExactly(x.size(), 3, 8, 8);
            }
            assertThat(ib.hasNext()).isFalse();
        }
    }

    /** A source that fails on one batch. */
    private record Failing(int failAt) implements BatchSource<LabelledBatch> {
        @Override
        public int size() {
            return 40;
        }

        @Override
        public LabelledBatch batch(int[] indices, DType dtype, Rng rng) {
            if (indices.length > 0 && Arrays.stream(indices).min().getAsInt() >= failAt * 4) {
                throw new ArithmeticException("boom at " + failAt);
            }
            return new LabelledBatch(Tensor.zeros(dtype, indices.length, 1), new int[indices.length], indices);
        }
    }

    @Test
    void aProducerFailureSurfacesInTheConsumerAndStopsTheThread() {
        try (var loader = DataLoader.over(new Failing(3)).batchSize(4).shuffle(false).build()) {
            Epoch<LabelledBatch> epoch = loader.epoch(0);
            Iterator<LabelledBatch> it = epoch.iterator();
            for (int i = 0; i < 3; i++) {
                assertThat(it.next().indices()).hasSize(4);
            }
            assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class)
                    .hasMessage("secateur-prefetch-epoch-0: producing item 3 failed: java.lang.ArithmeticException: "
                            + "boom at 3")
                    .hasCauseInstanceOf(ArithmeticException.class);
            assertThat(it.hasNext()).isFalse();
            assertThat(epoch.prefetching()).isFalse();
        }
    }

    /** A source whose batches wait for a latch, so the prefetch thread is certainly blocked when we close. */
    private record Slow(CountDownLatch never) implements BatchSource<LabelledBatch> {
        @Override
        public int size() {
            return 1000;
        }

        @Override
        public LabelledBatch batch(int[] indices, DType dtype, Rng rng) {
            if (indices[0] != 0) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new LabelledBatch(Tensor.zeros(dtype, indices.length, 1), new int[indices.length], indices);
        }
    }

    @Test
    void closingAnEpochOrStartingTheNextStopsItsThread() {
        try (var loader = DataLoader.over(new Slow(new CountDownLatch(1))).batchSize(1).shuffle(false).build()) {
            Epoch<LabelledBatch> first = loader.epoch(0);
            first.iterator().next();
            assertThat(first.prefetching()).isTrue();
            Epoch<LabelledBatch> second = loader.epoch(1); // abandons the first
            assertThat(first.prefetching()).isFalse();
            second.iterator().next();
            assertThat(prefetchThreads()).hasSize(1);
            second.close();
            assertThat(second.prefetching()).isFalse();
        }
    }

    @Test
    void closingTheLoaderStopsItsThreadAndEndsIt() {
        DataLoader<LabelledBatch> loader = DataLoader.over(new Slow(new CountDownLatch(1))).batchSize(1)
                .shuffle(false).build();
        Epoch<LabelledBatch> e = loader.epoch(0);
        Iterator<LabelledBatch> it = e.iterator();
        it.next();
        loader.close();
        assertThat(e.prefetching()).isFalse();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(() -> loader.epoch(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the DataLoader is closed");
    }

    @Test
    void anEpochIsIteratedOnce() {
        try (var loader = DataLoader.over(indexed(5)).build()) {
            Epoch<LabelledBatch> e = loader.epoch(0);
            e.iterator();
            assertThatThrownBy(e::iterator).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("can be iterated only once");
        }
    }

    @Test
    void badOptionsNameTheArgument() {
        assertThatIllegalArgumentException().isThrownBy(() -> DataLoader.over(indexed(3)).batchSize(0))
                .withMessage("batchSize must be positive, got 0");
        assertThatIllegalArgumentException().isThrownBy(() -> DataLoader.over(indexed(3)).prefetch(-1))
                .withMessage("prefetch must be >= 0, got -1");
        try (var loader = DataLoader.over(indexed(3)).build()) {
            assertThatIllegalArgumentException().isThrownBy(() -> loader.epoch(-2))
                    .withMessage("epoch must be >= 0, got -2");
        }
    }

    @Test
    void regressionBatchesCarryTargets() {
        TeacherStudent.Sample s = TeacherStudent.generate(new int[] {3, 5, 2}, 10, 0, 1);
        try (var loader = DataLoader.over(s.data()).batchSize(4).dtype(DType.F64).build()) {
            for (RegressionBatch b : loader.epoch(0)) {
                assertThat(b.targets().shape()).containsExactly(b.size(), 2);
                for (int i = 0; i < b.size(); i++) {
                    int row = b.indices()[i];
                    assertThat(b.targets().get(i, 1)).isEqualTo(s.data().targets()[row * 2 + 1]);
                    assertThat(b.inputs().get(i, 2)).isEqualTo(s.data().inputs()[row * 3 + 2]);
                }
            }
        }
    }
}
