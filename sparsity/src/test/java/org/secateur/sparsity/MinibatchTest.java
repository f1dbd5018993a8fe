package org.secateur.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/** Minibatches check their labels and adapt other batch types lazily. */
class MinibatchTest {

    record Other(float[] pixels, int label) {}

    @Test
    void otherBatchTypesAdaptOneByOneAsTheyAreIterated() {
        List<Other> source = List.of(new Other(new float[] {1, 2}, 0), new Other(new float[] {3, 4}, 1));
        List<Integer> converted = new ArrayList<>();
        Iterable<Minibatch> batches = Minibatch.from(source, o -> {
            converted.add(o.label());
            return new Minibatch(Tensor.of(o.pixels(), 1, 2), new int[] {o.label()});
        });
        assertThat(converted).isEmpty();
        List<Integer> labels = new ArrayList<>();
        for (Minibatch b : batches) {
            labels.add(b.labels()[0]);
            assertThat(converted).hasSize(labels.size());
        }
        assertThat(labels).containsExactly(0, 1);
    }

    @Test
    void labelsMustMatchTheRows() {
        assertThatThrownBy(() -> new Minibatch(Tensor.zeros(DType.F32, 3, 2), new int[2]))
                .hasMessageContaining("2 labels").hasMessageContaining("[3, 2]");
    }
}
