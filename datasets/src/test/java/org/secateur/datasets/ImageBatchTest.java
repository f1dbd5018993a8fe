package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.data.Offset.offset;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/** Conversion of byte images to normalised float batches, and seeded augmentation. */
class ImageBatchTest {

    /** {@code src} shifted by (dy, dx), optionally mirrored, with zeros where the shift leaves the image. */
    private static byte[] expected(byte[] src, int c, int h, int w, int dy, int dx, boolean flip) {
        byte[] out = new byte[src.length];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int cx = flip ? w - 1 - x : x; // flipping the crop reads column w-1-x of it
                    int sy = y + dy;
                    int sx = cx + dx;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w) {
                        out[(ch * h + y) * w + x] = src[(ch * h + sy) * w + sx];
                    }
                }
            }
        }
        return out;
    }

    @Test
    void augmentationIsACropOfThePaddedImageOptionallyFlipped() {
        qt().withExamples(200).forAll(integers().between(0, 4), booleans().all(), integers().between(1, 9),
                longs().all()).checkAssert((pad, flip, size, seed) -> {
                    ImageDataset img = TestData.images(1, 2, size, size + 1, 10, seed);
                    byte[] out = new byte[img.imageSize()];
                    new Augmentation(pad, flip).apply(img.pixels(), 0, 2, size, size + 1, new Rng(seed), out);
                    boolean found = false;
                    for (int dy = -pad; dy <= pad && !found; dy++) {
                        for (int dx = -pad; dx <= pad && !found; dx++) {
                            for (boolean f : flip ? List.of(false, true) : List.of(false)) {
                                found |= Arrays.equals(out,
                                        expected(img.pixels(), 2, size, size + 1, dy, dx, f));
                            }
                        }
                    }
                    assertThat(found).as("output is one of the allowed crops and flips").isTrue();
                });
    }

    @Test
    void augmentationIsSeededAndVaries() {
        ImageDataset img = TestData.images(1, 1, 12, 12, 10, 2);
        Augmentation aug = new Augmentation(3, true);
        byte[] a = new byte[144];
        byte[] b = new byte[144];
        aug.apply(img.pixels(), 0, 1, 12, 12, new Rng(5), a);
        aug.apply(img.pixels(), 0, 1, 12, 12, new Rng(5), b);
        assertThat(a).containsExactly(b);
        long distinct = LongStream.range(0, 20).mapToObj(s -> {
            byte[] o = new byte[144];
            aug.apply(img.pixels(), 0, 1, 12, 12, new Rng(s), o);
            return Arrays.toString(o);
        }).distinct().count();
        assertThat(distinct).isGreaterThan(5);
        byte[] same = new byte[144];
        Augmentation.NONE.apply(img.pixels(), 0, 1, 12, 12, new Rng(1), same);
        assertThat(same).containsExactly(img.pixels());
    }

    @Test
    void batchesAreNormalisedPerChannelAndKeepTheirShape() {
        // Two images of 2 channels, 1x2 pixels.
        byte[] px = {0, (byte) 255, 51, 102, (byte) 255, 0, 0, 0};
        ImageDataset d = new ImageDataset(px, new int[] {1, 0}, 2, 1, 2, 2, List.of());
        Normalization n = new Normalization(new double[] {0.5, 0.2}, new double[] {0.5, 0.4});
        for (DType dtype : DType.values()) {
            LabelledBatch b = d.batches(n).batch(new int[] {1, 0}, dtype, new Rng(0));
            Tensor t = b.inputs();
            assertThat(t.shape()).containsExactly(2, 2, 1, 2);
            assertThat(t.dtype()).isEqualTo(dtype);
            assertThat(b.labels()).containsExactly(0, 1);
            assertThat(t.toDoubleArray()).containsExactly(new double[] {1, -1, -0.5, -0.5, -1, 1, 0, 0.5}, offset(1e-6));
        }
    }

    @Test
    void normalizationFitsTheDataAndRejectsBadStatistics() {
        byte[] px = {0, (byte) 255, 0, (byte) 255};
        ImageDataset d = new ImageDataset(px, new int[] {0}, 1, 2, 2, 1, List.of());
        Normalization n = Normalization.fit(d);
        assertThat(n.mean()).containsExactly(0.5);
        assertThat(n.std()).containsExactly(0.5);
        assertThatIllegalArgumentException().isThrownBy(() -> Normalization.of(0.5, 0))
                .withMessageContaining("channel 0 has mean 0.5 and std 0.0; expected finite values and std > 0");
        assertThatIllegalArgumentException().isThrownBy(() -> d.batches(Normalization.CIFAR10))
                .withMessage("normalization has 3 channels but the images have 1");
    }

    @Test
    void imageDatasetChecksItsArguments() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ImageDataset(new byte[5], new int[] {0, 1}, 1, 1, 2, 2, List.of()))
                .withMessage("pixels has 5 bytes but 2 images of 1x1x2 need 4");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ImageDataset(new byte[4], new int[] {0, 2}, 1, 1, 2, 2, List.of()))
                .withMessage("labels[1] = 2 is not in [0, 2)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ImageDataset(new byte[4], new int[] {0, 1}, 1, 1, 2, 2, List.of("a")))
                .withMessage("classNames has 1 names for 2 classes");
    }

    @Test
    void subsetAndConcatKeepImagesWithTheirLabels() {
        ImageDataset d = TestData.images(6, 1, 3, 3, 10, 8);
        ImageDataset s = d.subset(new int[] {4, 1});
        assertThat(s.labels()).containsExactly(d.labels()[4], d.labels()[1]);
        assertThat(s.pixel(0, 0, 2, 2)).isEqualTo(d.pixel(4, 0, 2, 2));
        ImageDataset c = ImageDataset.concat(List.of(s, d));
        assertThat(c.size()).isEqualTo(8);
        assertThat(c.pixel(3, 0, 1, 1)).isEqualTo(d.pixel(1, 0, 1, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> d.subset(new int[] {6}))
                .withMessage("indices[0] = 6 is not in [0, 6)");
    }
}
