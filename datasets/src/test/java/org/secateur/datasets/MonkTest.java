package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.secateur.tensor.DType;

/** The MONK's problems against their published rules, restated here independently of the generator. */
class MonkTest {
    private static final int[] GROUPS = {3, 3, 2, 3, 4, 2};

    /** Decodes a one-hot row to attribute values a1..a6 (each from 1), checking the encoding on the way. */
    private static int[] decode(TabularDataset d, int row) {
        int[] a = new int[6];
        int base = 0;
        for (int k = 0; k < 6; k++) {
            int ones = 0;
            for (int v = 0; v < GROUPS[k]; v++) {
                double x = d.feature(row, base + v);
                assertThat(x).isIn(0.0, 1.0);
                if (x == 1) {
                    a[k] = v + 1;
                    ones++;
                }
            }
            assertThat(ones).as("one hot per attribute").isEqualTo(1);
            base += GROUPS[k];
        }
        return a;
    }

    /** The published rules (Thrun et al. 1991). */
    private static int rule(int problem, int[] a) {
        int a1 = a[0], a2 = a[1], a3 = a[2], a4 = a[3], a5 = a[4], a6 = a[5];
        boolean r = switch (problem) {
            case 1 -> a1 == a2 || a5 == 1;
            case 2 -> (a1 == 1 ? 1 : 0) + (a2 == 1 ? 1 : 0) + (a3 == 1 ? 1 : 0) + (a4 == 1 ? 1 : 0)
                    + (a5 == 1 ? 1 : 0) + (a6 == 1 ? 1 : 0) == 2;
            default -> (a5 == 3 && a4 == 1) || (a5 != 4 && a2 != 3);
        };
        return r ? 1 : 0;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void testSetIsTheWholeAttributeSpaceLabelledByTheRule(int problem) {
        Monk.Problem p = Monk.problem(problem, 42);
        TabularDataset test = p.test();
        assertThat(test.size()).isEqualTo(432);
        assertThat(test.dim()).isEqualTo(17);
        Set<List<Integer>> distinct = new HashSet<>();
        for (int i = 0; i < 432; i++) {
            int[] a = decode(test, i);
            distinct.add(Arrays.stream(a).boxed().toList());
            assertThat(test.labels()[i]).as("example %s", Arrays.toString(a)).isEqualTo(rule(problem, a));
        }
        assertThat(distinct).hasSize(432);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void trainingSetHasThePublishedSizeAndOnlyTheDeclaredNoise(int problem) {
        Monk.Problem p = Monk.problem(problem, 7);
        int[] sizes = {124, 169, 122};
        assertThat(p.train().size()).isEqualTo(sizes[problem - 1]);
        assertThat(p.trainExamples()).hasSize(sizes[problem - 1]).doesNotHaveDuplicates().isSorted();
        List<Integer> wrong = new ArrayList<>();
        for (int r = 0; r < p.train().size(); r++) {
            int[] a = decode(p.train(), r);
            assertThat(a).containsExactly(decode(p.test(), p.trainExamples()[r]));
            if (p.train().labels()[r] != rule(problem, a)) {
                wrong.add(r);
            }
        }
        int[] expectedNoise = problem == 3 ? p.noisyTrainRows() : new int[0];
        assertThat(wrong).containsExactlyElementsOf(Arrays.stream(expectedNoise).boxed().toList());
        assertThat(p.noisyTrainRows()).hasSize(problem == 3 ? 6 : 0);
    }

    @Test
    void theSeedDecidesTheSubsetAndTheNoise() {
        Monk.Problem a = Monk.problem(3, 1);
        Monk.Problem b = Monk.problem(3, 1);
        Monk.Problem c = Monk.problem(3, 2);
        assertThat(a.trainExamples()).containsExactly(b.trainExamples());
        assertThat(a.noisyTrainRows()).containsExactly(b.noisyTrainRows());
        assertThat(a.train().inputs(DType.F64).contentEquals(b.train().inputs(DType.F64))).isTrue();
        assertThat(a.trainExamples()).isNotEqualTo(c.trainExamples());
    }

    @Test
    void onlyThreeProblemsExist() {
        assertThatIllegalArgumentException().isThrownBy(() -> Monk.problem(4, 0))
                .withMessage("MONK's problem number must be 1, 2 or 3, got 4");
    }
}
