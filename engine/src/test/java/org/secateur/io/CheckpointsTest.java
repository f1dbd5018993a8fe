package org.secateur.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Activation;
import org.secateur.nn.BatchNorm;
import org.secateur.nn.Conv2d;
import org.secateur.nn.Flatten;
import org.secateur.nn.Linear;
import org.secateur.nn.Module;
import org.secateur.nn.Sequential;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

class CheckpointsTest {
    private static Sequential net(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Conv2d(1, 4, 3, rng), BatchNorm.batchNorm2d(4), Activation.relu(), new Flatten(),
                new Linear(4 * 6 * 6, 3, rng));
    }

    @Test
    void aPrunedModelRoundTripsWithItsMasksAndBatchStatistics(@TempDir Path dir) throws Exception {
        Sequential a = net(1);
        Linear fc = (Linear) a.get(4);
        Tensor mask = Tensor.uniform(new Rng(2), 0, 1, DType.F32, fc.weight.shape()).gt(0.5);
        fc.weight.setMask(mask);
        Tensor x = Tensor.normal(new Rng(3), 0, 1, DType.F32, 5, 1, 8, 8);
        a.apply(x);                                    // training mode: updates running statistics
        a.eval();
        Path file = dir.resolve("model.safetensors");
        Checkpoints.save(a, file, Map.of("note", "test"));

        Checkpoint c = Safetensors.read(file);
        assertThat(c.entries()).containsKeys("0.weight", "1.running_mean", "1.num_batches_tracked", "4.weight_orig",
                "4.weight_mask").doesNotContainKey("4.weight");
        assertThat(c.entry("4.weight_mask").dtype()).isEqualTo(SafetensorsDType.BOOL);
        assertThat(c.entry("1.num_batches_tracked").dtype()).isEqualTo(SafetensorsDType.I64);
        assertThat(c.metadata()).containsEntry("note", "test");

        Sequential b = net(99);
        Checkpoints.load(b, file, true);
        b.eval();
        assertThat(((Linear) b.get(4)).weight.mask().contentEquals(fc.weight.mask())).isTrue();
        try (var off = GradMode.noGrad()) {
            assertThat(b.apply(x).contentEquals(a.apply(x))).isTrue();
        }
    }

    @Test
    void loadingIntoTheWrongModelNamesTheProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.safetensors");
        Checkpoints.save(net(1), file, Map.of());
        Module other = new Sequential(new Linear(3, 3, new Rng(1)));
        assertThatThrownBy(() -> Checkpoints.load(other, file, true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.weight");
    }
}
