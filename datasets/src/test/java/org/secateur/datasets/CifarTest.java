package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary batches: exact round trips, strict rejection, and the directory layouts. */
class CifarTest {
    @TempDir
    Path dir;

    @Test
    void batchesRoundTrip() {
        qt().withExamples(30).forAll(integers().between(1, 6), longs().all()).checkAssert((n, seed) -> {
            try {
                ImageDataset d = TestData.cifarImages(n, seed);
                Path f = dir.resolve("b" + Long.toHexString(seed) + ".bin");
                CifarWriter.write(f, d);
                assertThat(Files.size(f)).isEqualTo((long) n * CifarReader.RECORD_BYTES);
                ImageDataset read = CifarReader.read(f);
                assertThat(read.pixels()).containsExactly(d.pixels());
                assertThat(read.labels()).containsExactly(d.labels());
                assertThat(read.classNames()).containsExactlyElementsOf(CifarReader.CLASS_NAMES);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void recordLayoutIsLabelThenRedGreenBluePlanes() throws IOException {
        byte[] record = new byte[CifarReader.RECORD_BYTES];
        record[0] = 7;
        record[1 + 1024 * 2 + 32 * 5 + 9] = (byte) 200; // blue plane, row 5, column 9
        Path f = dir.resolve("one.bin");
        Files.write(f, record);
        ImageDataset d = CifarReader.read(f);
        assertThat(d.labels()).containsExactly(7);
        assertThat(d.pixel(0, 2, 5, 9)).isEqualTo(200);
        assertThat(d.pixel(0, 0, 5, 9)).isZero();
    }

    @Test
    void lengthNotAMultipleOfTheRecord() throws IOException {
        Path f = dir.resolve("cut.bin");
        Files.write(f, new byte[2 * 3073 + 100]);
        assertThatThrownBy(() -> CifarReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": record 2 at byte 6146: file length 6246 is not a multiple of the 3073-byte record "
                        + "(1 label + 3072 pixels); the last record is cut off after 100 bytes");
    }

    @Test
    void labelOutOfRange() throws IOException {
        byte[] data = new byte[3 * 3073];
        data[3073] = 10;
        Path f = dir.resolve("label.bin");
        Files.write(f, data);
        assertThatThrownBy(() -> CifarReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessage(f + ": record 1 label at byte 3073: value 10 is not a CIFAR-10 class; expected 0 to 9");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = dir.resolve("empty.bin");
        Files.write(f, new byte[0]);
        assertThatThrownBy(() -> CifarReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("record 0 at byte 0: file is empty");
    }

    @Test
    void gzippedBatchIsRefusedWithAHint() throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, TestData.gzip(new byte[3073]));
        assertThatThrownBy(() -> CifarReader.read(f)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("decompress this file first");
    }

    @Test
    void writerRejectsOtherGeometries() {
        assertThatThrownBy(() -> CifarWriter.write(dir.resolve("x"), TestData.images(1, 1, 28, 28, 10, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("images must be 3x32x32 for the CIFAR format, got 1 images 1x28x28");
    }

    @Test
    void layoutReadsTheSubfolderOrTheDirectoryItself() throws IOException {
        Map<String, byte[]> batches = TestData.cifarBatches(3, 5, Files.createDirectories(dir.resolve("scratch")));
        for (Path root : new Path[] {dir.resolve("flat"), dir.resolve("nested").resolve(CifarLayout.SUBFOLDER)}) {
            Files.createDirectories(root);
            for (var e : batches.entrySet()) {
                Files.write(root.resolve(e.getKey()), e.getValue());
            }
        }
        CifarLayout layout = new CifarLayout();
        for (Path d : new Path[] {dir.resolve("flat"), dir.resolve("nested")}) {
            assertThat(layout.missingIn(d)).isEmpty();
            TrainTest<ImageDataset> t = layout.read(d);
            assertThat(t.train().size()).isEqualTo(15);
            assertThat(t.test().size()).isEqualTo(3);
            // The training set is the five batches in order.
            assertThat(Arrays.copyOfRange(t.train().pixels(), 3 * 3072, 6 * 3072))
                    .containsExactly(CifarReader.read(dir.resolve("scratch").resolve("data_batch_2.bin")).pixels());
        }
        Files.delete(dir.resolve("nested").resolve(CifarLayout.SUBFOLDER).resolve("data_batch_4.bin"));
        assertThat(layout.missingIn(dir.resolve("nested"))).containsExactly("cifar-10-batches-bin/data_batch_4.bin");
    }
}
