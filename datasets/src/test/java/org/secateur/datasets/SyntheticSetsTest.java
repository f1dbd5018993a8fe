package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** The synthetic sets against their definitions, and their determinism. */
class SyntheticSetsTest {

    @Test
    void xorIsTheTruthTable() {
        TabularDataset x = ToySets.xor();
        for (int i = 0; i < 4; i++) {
            int a = (int) x.feature(i, 0);
            int b = (int) x.feature(i, 1);
            assertThat(x.labels()[i]).isEqualTo(a ^ b);
        }
        assertThat(x.classCounts()).containsExactly(2, 2);
    }

    @Test
    void noisyXorLabelsFollowTheNearestCorner() {
        TabularDataset clean = ToySets.noisyXor(200, 0, 3);
        for (int i = 0; i < 200; i++) {
            assertThat(clean.feature(i, 0)).isIn(0.0, 1.0);
            assertThat(clean.labels()[i]).isEqualTo((int) clean.feature(i, 0) ^ (int) clean.feature(i, 1));
        }
        TabularDataset noisy = ToySets.noisyXor(200, 0.1, 3);
        int agree = 0;
        for (int i = 0; i < 200; i++) {
            int a = noisy.feature(i, 0) > 0.5 ? 1 : 0;
            int b = noisy.feature(i, 1) > 0.5 ? 1 : 0;
            agree += (a ^ b) == noisy.labels()[i] ? 1 : 0;
        }
        assertThat(agree).isGreaterThan(190);
        assertThat(ToySets.noisyXor(50, 0.1, 3).inputs(DType.F64)
                .contentEquals(ToySets.noisyXor(50, 0.1, 3).inputs(DType.F64))).isTrue();
    }

    @Test
    void classicTwoSpiralsIsLangAndWitbrocksBenchmark() {
        TabularDataset s = ToySets.twoSpirals(97, 0, 0);
        assertThat(s.size()).isEqualTo(194);
        for (int i = 0; i < 97; i++) {
            // Lang and Witbrock (1988): angle i*pi/16, radius 6.5*(104-i)/104, the other class mirrored through 0.
            double angle = i * Math.PI / 16;
            double radius = 6.5 * (104 - i) / 104;
            assertThat(6.5 * s.feature(2 * i, 0)).isCloseTo(radius * Math.sin(angle), offset(1e-12));
            assertThat(6.5 * s.feature(2 * i, 1)).isCloseTo(radius * Math.cos(angle), offset(1e-12));
            assertThat(s.feature(2 * i + 1, 0)).isEqualTo(-s.feature(2 * i, 0));
            assertThat(s.labels()[2 * i]).isZero();
            assertThat(s.labels()[2 * i + 1]).isOne();
        }
    }

    @Test
    void blobsAreSeparableWhenTight() {
        TabularDataset b = ToySets.blobs(4, 3, 25, 0.05, 11);
        assertThat(b.size()).isEqualTo(100);
        assertThat(b.classCounts()).containsExactly(25, 25, 25, 25);
        // Nearest class mean recovers every label when the spread is tiny against centres 20 apart on average.
        double[][] means = new double[4][3];
        for (int i = 0; i < 100; i++) {
            for (int j = 0; j < 3; j++) {
                means[b.labels()[i]][j] += b.feature(i, j) / 25;
            }
        }
        for (int i = 0; i < 100; i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 4; k++) {
                double d = 0;
                for (int j = 0; j < 3; j++) {
                    d += Math.pow(b.feature(i, j) - means[k][j], 2);
                }
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            assertThat(best).isEqualTo(b.labels()[i]);
        }
        assertThatIllegalArgumentException().isThrownBy(() -> ToySets.blobs(0, 2, 2, 1, 0))
                .withMessage("classes must be >= 1, got 0");
    }

    @Test
    void teacherTargetsAreTheTeachersOutputPlusNoise() {
        int[] widths = {4, 6, 5, 2};
        TeacherStudent.Sample clean = TeacherStudent.generate(widths, 30, 0, 5);
        TeacherStudent.Sample noisy = TeacherStudent.generate(widths, 30, 0.1, 5);
        RegressionDataset d = clean.data();
        assertThat(d.size()).isEqualTo(30);
        assertThat(d.inputs(DType.F32).shape()).containsExactly(30, 4);
        assertThat(d.targets(DType.F32).shape()).containsExactly(30, 2);
        double sq = 0;
        for (int r = 0; r < 30; r++) {
            double[] x = Arrays.copyOfRange(d.inputs(), r * 4, r * 4 + 4);
            double[] y = clean.teacher().predict(x);
            assertThat(new double[] {d.targets()[2 * r], d.targets()[2 * r + 1]}).containsExactly(y);
            assertThat(noisy.data().inputs()).containsExactly(d.inputs()); // same inputs, only the noise differs
            sq += Math.pow(noisy.data().targets()[2 * r] - y[0], 2);
        }
        assertThat(Math.sqrt(sq / 30)).isBetween(0.05, 0.2);
    }

    @Test
    void teacherTensorsComputeTheSameFunction() {
        TeacherStudent.Teacher t = TeacherStudent.Teacher.random(new int[] {3, 4, 2},
                new Rng(8));
        double[] x = {0.3, -1.2, 0.7};
        Tensor h = Tensor.of(x.clone(), 1, 3).matmul(t.weight(0, DType.F64), false, true).add(t.bias(0, DType.F64))
                .tanh();
        Tensor y = h.matmul(t.weight(1, DType.F64), false, true).add(t.bias(1, DType.F64));
        assertThat(y.toDoubleArray()).containsExactly(t.predict(x), offset(1e-12));
    }

    @Test
    void indexSplitIsASeededPartition() {
        IndexSplit s = IndexSplit.random(100, 0.2, 4);
        assertThat(s.validation()).hasSize(20).isSorted();
        assertThat(s.train()).hasSize(80).isSorted();
        int[] all = IntStream.concat(Arrays.stream(s.train()),
                Arrays.stream(s.validation())).sorted().toArray();
        assertThat(all).containsExactly(Rows.all(100));
        assertThat(IndexSplit.random(100, 0.2, 4).validation()).containsExactly(s.validation());
        assertThat(IndexSplit.random(100, 0.2, 5).validation()).isNotEqualTo(s.validation());
        assertThatIllegalArgumentException().isThrownBy(() -> IndexSplit.random(10, 1.5, 0))
                .withMessage("validationFraction must be in [0, 1], got 1.5");
    }
}
