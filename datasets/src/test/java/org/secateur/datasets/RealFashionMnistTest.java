package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.data.Offset.offset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the real Fashion-MNIST from Debian's dataset-fashion-mnist package, when it is installed. */
class RealFashionMnistTest {
    @TempDir
    Path home;

    @Test
    void loadsTheDebianPackage() throws IOException {
        assumeThat(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")))
                .as("dataset-fashion-mnist is installed").isTrue();
        DatasetStore store = new DatasetStore(new DataDirectories(null, null, home, Path.of("/")), null,
                ImageSet::source, DownloadListener.NONE);

        assertThat(store.locate(ImageSet.FASHION_MNIST)).isEqualTo(Path.of("/usr/share/datasets/fashion-mnist"));
        TrainTest<ImageDataset> data = store.load(ImageSet.FASHION_MNIST);

        for (ImageDataset d : new ImageDataset[] {data.train(), data.test()}) {
            assertThat(d.channels()).isEqualTo(1);
            assertThat(d.height()).isEqualTo(28);
            assertThat(d.width()).isEqualTo(28);
            assertThat(d.numClasses()).isEqualTo(10);
            assertThat(d.classCounts()).containsOnly(d.size() / 10); // Fashion-MNIST is exactly balanced
        }
        assertThat(data.train().size()).isEqualTo(60000);
        assertThat(data.test().size()).isEqualTo(10000);
        Normalization fitted = Normalization.fit(data.train());
        assertThat(fitted.mean()[0]).isCloseTo(Normalization.FASHION_MNIST.mean()[0], offset(5e-4));
        assertThat(fitted.std()[0]).isCloseTo(Normalization.FASHION_MNIST.std()[0], offset(5e-4));
    }
}
