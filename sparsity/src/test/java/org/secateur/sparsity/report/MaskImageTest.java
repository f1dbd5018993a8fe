package org.secateur.sparsity.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/** Mask images put each weight and each input where it belongs, and survive a PNG round trip. */
class MaskImageTest {

    /** A 2x6 weight: input 0 cut off, input 1 kept by one of two outputs, the others kept. */
    private static Parameter weight() {
        Parameter w = new Parameter(Tensor.ones(DType.F32, 2, 6));
        w.setMask(Tensor.of(new float[] {0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1}, 2, 6));
        return w;
    }

    @Test
    void theWeightMaskIsWhereTheWeightsAre() {
        BufferedImage img = MaskImage.weightMask(weight());
        assertThat(img.getWidth()).isEqualTo(6);
        assertThat(img.getHeight()).isEqualTo(2);
        assertThat(sample(img, 0, 0)).isZero();
        assertThat(sample(img, 1, 0)).isEqualTo(255);
        assertThat(sample(img, 1, 1)).isZero();
        assertThat(sample(img, 5, 1)).isEqualTo(255);
    }

    @Test
    void inputConnectivityShowsTheFractionOfOutputsEachPixelReaches() {
        BufferedImage img = MaskImage.inputConnectivity(weight(), 2, 3);
        assertThat(img.getWidth()).isEqualTo(3);
        assertThat(img.getHeight()).isEqualTo(2);
        assertThat(sample(img, 0, 0)).isZero();
        assertThat(sample(img, 1, 0)).isEqualTo(128);
        assertThat(sample(img, 2, 1)).isEqualTo(255);
        BufferedImage big = MaskImage.scaled(img, 3);
        assertThat(big.getWidth()).isEqualTo(9);
        assertThat(sample(big, 5, 2)).isEqualTo(128);
        assertThatThrownBy(() -> MaskImage.inputConnectivity(weight(), 28, 28)).hasMessageContaining("784")
                .hasMessageContaining("6 inputs");
        assertThatThrownBy(() -> MaskImage.weightMask(new Parameter(Tensor.ones(DType.F32, 2, 2, 3, 3))))
                .hasMessageContaining("[2, 2, 3, 3]");
    }

    @Test
    void pngRoundTrip(@TempDir Path dir) throws IOException {
        BufferedImage img = MaskImage.inputConnectivity(weight(), 2, 3);
        Path file = dir.resolve("masks/fc1.png");
        MaskImage.writePng(img, file);
        BufferedImage read = ImageIO.read(file.toFile());
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertThat(sample(read, x, y)).isEqualTo(sample(img, x, y));
            }
        }
    }

    private static int sample(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }
}
