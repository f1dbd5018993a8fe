package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

class PretrainedTest {

    /** A 1-epoch recipe on 256 random 28x28 images: trains in a fraction of a second. */
    private static Pretrained.Recipe tiny(long seed) {
        return new Pretrained.Recipe(Pretrained.Architecture.LENET_300_100, ImageSet.FASHION_MNIST, 200, 1, 32, 0.05,
                0.9, 5e-4, seed, 2);
    }

    private static ImageDataset randomImages() {
        Rng rng = new Rng(7);
        byte[] pixels = new byte[256 * 28 * 28];
        int[] labels = new int[256];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        return new ImageDataset(pixels, labels, 1, 28, 28, 10, List.of());
    }

    private record Run(Pretrained.Model model, String log) {}

    private static Run obtain(Pretrained.Recipe recipe, ImageDataset train, Path cache, Path out) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Experiment e = new SpiralsDemo();
        Report report = new Report(out.resolve("report"), e, true, 1, 2);
        RunContext ctx = new RunContext(true, 1, 2, null, report, log, false);
        Pretrained.Model m = Pretrained.obtain(ctx, recipe, train, cache);
        return new Run(m, buf.toString(StandardCharsets.UTF_8));
    }

    private static void assertSameState(Pretrained.Model a, Pretrained.Model b) {
        Map<String, Tensor> sa = a.net().stateDict();
        Map<String, Tensor> sb = b.net().stateDict();
        assertThat(sb.keySet()).containsExactlyElementsOf(sa.keySet());
        sa.forEach((name, t) -> assertThat(sb.get(name).toDoubleArray()).as(name).containsExactly(t.toDoubleArray()));
    }

    @Test
    void aMissTrainsAndSavesAHitLoadsTheSameWeightsBitForBit(@TempDir Path cache, @TempDir Path out) throws Exception {
        ImageDataset train = randomImages();
        Run trained = obtain(tiny(3), train, cache, out);
        assertThat(trained.model().fromCache()).isFalse();
        assertThat(trained.log()).contains("training it").contains("saved to");
        assertThat(trained.model().file()).isRegularFile().hasFileName(tiny(3).fileName());

        Run loaded = obtain(tiny(3), train, cache, out);
        assertThat(loaded.model().fromCache()).isTrue();
        assertThat(loaded.log()).contains("loaded the trained dense model");
        assertSameState(trained.model(), loaded.model());
    }

    @Test
    void anUnreadableOrForeignCacheFileIsRetrainedToTheSameWeights(@TempDir Path cache, @TempDir Path out)
            throws Exception {
        ImageDataset train = randomImages();
        Run first = obtain(tiny(4), train, cache, out);
        Files.writeString(first.model().file(), "not a safetensors file");
        Run again = obtain(tiny(4), train, cache, out);
        assertThat(again.model().fromCache()).isFalse();
        assertThat(again.log()).contains("cannot read the cached model");
        assertSameState(first.model(), again.model());

        // a file under the right name holding another recipe's weights is not trusted either
        Path foreign = cache.resolve(tiny(5).fileName());
        Files.copy(first.model().file(), foreign);
        Run other = obtain(tiny(5), train, cache, out);
        assertThat(other.model().fromCache()).isFalse();
        assertThat(other.log()).contains("holds the recipe");
    }

    @Test
    void everyFieldOfTheRecipeChangesTheKey() {
        Pretrained.Recipe r = tiny(1);
        List<Pretrained.Recipe> variants = List.of(r,
                new Pretrained.Recipe(Pretrained.Architecture.LENET_5, r.dataset(), r.trainExamples(), r.epochs(),
                        r.batch(), r.lr(), r.momentum(), r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), ImageSet.MNIST, r.trainExamples(), r.epochs(), r.batch(), r.lr(),
                        r.momentum(), r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), 201, r.epochs(), r.batch(), r.lr(), r.momentum(),
                        r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), 2, r.batch(), r.lr(), r.momentum(),
                        r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), 64, r.lr(), r.momentum(),
                        r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), r.batch(), 0.1,
                        r.momentum(), r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), r.batch(), r.lr(), 0.5,
                        r.weightDecay(), r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), r.batch(), r.lr(),
                        r.momentum(), 0, r.seed(), r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), r.batch(), r.lr(),
                        r.momentum(), r.weightDecay(), 2, r.threads()),
                new Pretrained.Recipe(r.model(), r.dataset(), r.trainExamples(), r.epochs(), r.batch(), r.lr(),
                        r.momentum(), r.weightDecay(), r.seed(), 1));
        Set<String> hashes = new HashSet<>();
        variants.forEach(v -> hashes.add(v.hash()));
        assertThat(hashes).hasSize(variants.size());
        assertThat(r.fileName()).matches("lenet-300-100-[0-9a-f]{12}-seed1\\.safetensors");
        assertThat(tiny(1).hash()).isEqualTo(r.hash());
    }
}
