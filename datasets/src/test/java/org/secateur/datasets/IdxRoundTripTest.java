package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.tensor.Rng;
import org.secateur.testing.Generators;

/** IDX files written by {@link IdxWriter} read back exactly, raw and gzip, for every element type. */
class IdxRoundTripTest {
    @TempDir
    Path dir;

    /** Random values that fit the type, including its extremes. */
    private static double[] values(IdxType type, int n, Rng rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (rng.nextInt(8)) {
                case 0 -> type.min();
                case 1 -> type.max();
                default -> type.integral()
                        ? Math.floor(type.min() + rng.nextDouble() * (Math.min(type.max(), 1e6) - type.min() + 1))
                        : (type == IdxType.FLOAT ? (float) (rng.nextGaussian() * 1e3) : rng.nextGaussian() * 1e3);
            };
            if (type.integral()) {
                v[i] = Math.max(type.min(), Math.min(type.max(), v[i]));
            }
        }
        return v;
    }

    @Test
    void everyTypeAndShapeRoundTripsRawAndGzip() {
        qt().withExamples(150).forAll(arbitrary().enumValues(IdxType.class), Generators.shapes(1, 4, 5), booleans().all(),
                longs().all()).checkAssert((type, shape, gzip, seed) -> {
                    int n = 1;
                    for (int d : shape) {
                        n *= d;
                    }
                    IdxArray written = IdxArray.of(type, values(type, n, new Rng(seed)), shape);
                    Path f = dir.resolve("a-" + Long.toHexString(seed) + (gzip ? ".gz" : ""));
                    try {
                        IdxWriter.write(f, written, gzip);
                        IdxArray read = IdxReader.read(f);
                        assertThat(read.contentEquals(written)).as("%s %s gzip=%s", type, read, gzip).isTrue();
                        assertThat(read.toDoubles()).containsExactly(written.toDoubles());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    @Test
    void compressionIsDetectedByMagicBytesNotByName() throws IOException {
        IdxArray a = IdxArray.of(IdxType.SHORT, new double[] {-3, 0, 7, 32767, -32768, 12}, 2, 3);
        Path gzipWithoutSuffix = dir.resolve("labels.idx");
        Path rawWithGzSuffix = dir.resolve("labels.idx.gz");
        IdxWriter.write(gzipWithoutSuffix, a, true);
        IdxWriter.write(rawWithGzSuffix, a, false);

        assertThat(Files.readAllBytes(gzipWithoutSuffix)).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(IdxReader.read(gzipWithoutSuffix).contentEquals(a)).isTrue();
        assertThat(IdxReader.read(rawWithGzSuffix).contentEquals(a)).isTrue();
    }

    @Test
    void valuesOutsideTheTypeAreRejectedWhenEncoding() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdxArray.of(IdxType.UNSIGNED_BYTE, new double[] {256}, 1))
                .withMessageContaining("values[0] = 256.0 is not representable as UNSIGNED_BYTE");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdxArray.of(IdxType.INT, new double[] {0, 1.5}, 2))
                .withMessageContaining("values[1] = 1.5");
    }
}
