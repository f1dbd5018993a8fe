package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Image and label IDX files are read as one dataset, and must belong together. */
class IdxImagesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void imagesAndLabelsRoundTrip(boolean gzip) throws IOException {
        ImageDataset d = TestData.images(7, 1, 5, 3, 10, 11);
        TestData.writeIdxPair(dir, "img", "lbl", d, gzip);

        ImageDataset read = IdxImages.read(dir.resolve("img"), dir.resolve("lbl"), TestData.TEN);

        assertThat(read.pixels()).containsExactly(d.pixels());
        assertThat(read.labels()).containsExactly(d.labels());
        assertThat(read.describe()).isEqualTo("7 images 1x5x3, 10 classes");
        assertThat(read.pixel(2, 0, 4, 1)).isEqualTo(d.pixels()[2 * 15 + 4 * 3 + 1] & 0xff);
    }

    @Test
    void labelCountMismatch() throws IOException {
        TestData.writeIdxPair(dir, "img", "unused", TestData.images(5, 1, 2, 2, 10, 1), false);
        IdxWriter.write(dir.resolve("lbl"), IdxArray.ofUnsignedBytes(new byte[4], 4), false);
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("img"), dir.resolve("lbl"), TestData.TEN))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(dir.resolve("lbl") + ": size of dimension 0 at byte 4: 4 labels, but "
                        + dir.resolve("img") + " holds 5 images");
    }

    @Test
    void labelOutOfRange() throws IOException {
        TestData.writeIdxPair(dir, "img", "unused", TestData.images(4, 1, 2, 2, 10, 1), false);
        IdxWriter.write(dir.resolve("lbl.gz"), IdxArray.ofUnsignedBytes(new byte[] {0, 9, 10, 3}, 4), true);
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("img"), dir.resolve("lbl.gz"), TestData.TEN))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(dir.resolve("lbl.gz") + ": label 2 at byte 10 of the decompressed content: value 10 is not"
                        + " a class; expected 0 to 9");
    }

    @Test
    void imagesOfTheWrongRank() throws IOException {
        IdxWriter.write(dir.resolve("img"), IdxArray.ofUnsignedBytes(new byte[8], 2, 4), false);
        IdxWriter.write(dir.resolve("lbl"), IdxArray.ofUnsignedBytes(new byte[2], 2), false);
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("img"), dir.resolve("lbl"), TestData.TEN))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("img: dimension count at byte 3: 2 dimensions [2, 4]; expected 3");
    }

    @Test
    void labelsOfTheWrongType() throws IOException {
        TestData.writeIdxPair(dir, "img", "unused", TestData.images(2, 1, 2, 2, 10, 1), false);
        IdxWriter.write(dir.resolve("lbl"), IdxArray.of(IdxType.INT, new double[] {1, 2}, 2), false);
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("img"), dir.resolve("lbl"), TestData.TEN))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("lbl: dtype code at byte 2: 0x0C (INT); expected 0x08 (unsigned byte)");
    }

    @Test
    void aMalformedFileNamesItself() throws IOException {
        TestData.writeIdxPair(dir, "img", "lbl", TestData.images(2, 1, 2, 2, 10, 1), false);
        Files.write(dir.resolve("img"), new byte[] {0, 0, 8});
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("img"), dir.resolve("lbl"), TestData.TEN))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(dir.resolve("img") + ": dimension count at byte 3: file ends here (truncated)");
    }
}
