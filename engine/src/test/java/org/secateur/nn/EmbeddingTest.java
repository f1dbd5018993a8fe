package org.secateur.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

class EmbeddingTest {

    @Test
    void lookupReturnsTheRowsInTheIndexShape() {
        Embedding e = new Embedding(5, 3, new Rng(1));
        Tensor y = e.lookup(new int[] {4, 0, 4, 2, 1, 3}, 2, 3);
        assertThat(y.shape()).containsExactly(2, 3, 3);
        int[] idx = {4, 0, 4, 2, 1, 3};
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(y.getFlat(i * 3 + j)).isEqualTo(e.weight.data().get(idx[i], j));
            }
        }
        assertThat(e.lookup(new int[] {1, 2}).shape()).containsExactly(2, 3);
    }

    @Test
    void gradientsAccumulateIntoTheRowsUsed() {
        Embedding e = new Embedding(4, 2, new Rng(2));
        e.lookup(new int[] {1, 3, 1}).sum().backward();
        assertThat(e.weight.grad().toDoubleArray()).containsExactly(0, 0, 2, 2, 0, 0, 1, 1);
    }

    @Test
    void hooksSeeTheIndices() {
        Embedding e = new Embedding(4, 2, new Rng(3));
        Tensor[] seen = new Tensor[1];
        e.addForwardHook(ForwardHook.observer((m, in, out) -> seen[0] = in));
        e.lookup(new int[] {3, 1});
        assertThat(seen[0].toDoubleArray()).containsExactly(3, 1);
    }

    @Test
    void rejectsIndicesOutOfRangeOrNotWhole() {
        Embedding e = new Embedding(4, 2, new Rng(4));
        assertThatThrownBy(() -> e.lookup(new int[] {0, 4})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 4.0 at flat position 1").hasMessageContaining("[0, 4)");
        assertThatThrownBy(() -> e.apply(Tensor.vector(1.5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> e.lookup(new int[] {0, 1, 2}, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 indices").hasMessageContaining("[2, 2]");
    }
}
