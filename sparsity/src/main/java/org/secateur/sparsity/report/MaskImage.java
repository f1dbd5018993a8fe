package org.secateur.sparsity.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.secateur.autograd.GradMode;
import org.secateur.nn.Parameter;
import org.secateur.tensor.Shape;
import org.secateur.tensor.Tensor;

/**
 * Grey-scale images of what pruning left of a Linear layer's weight {@code [out, in]}: the whole mask (Han et al.
 * 2015, Figure 4: LeNet-300-100's first layer shows bands, one per image row) and each input's remaining
 * connections laid out as the input image (which pixels the network still looks at).
 */
public final class MaskImage {
    private MaskImage() {}

    /** An {@code out x in} image: white where the effective weight is non-zero, black where it is zero. */
    public static BufferedImage weightMask(Parameter weight) {
        Tensor v = values(weight);
        int out = weight.shape()[0];
        int in = weight.shape()[1];
        BufferedImage img = new BufferedImage(in, out, BufferedImage.TYPE_BYTE_GRAY);
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                img.getRaster().setSample(i, o, 0, v.getFlat(o * in + i) != 0 ? 255 : 0);
            }
        }
        return img;
    }

    /**
     * A {@code height x width} image of the inputs ({@code in = height * width}, row-major as the flattened image):
     * the grey level is the fraction of outputs an input still connects to, black for an input cut off entirely.
     */
    public static BufferedImage inputConnectivity(Parameter weight, int height, int width) {
        Tensor v = values(weight);
        int out = weight.shape()[0];
        int in = weight.shape()[1];
        if (height * width != in) {
            throw new IllegalArgumentException("a " + height + "x" + width + " image has " + height * width
                    + " pixels but the weight " + Shape.str(weight.shape()) + " has " + in + " inputs");
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < in; i++) {
            int kept = 0;
            for (int o = 0; o < out; o++) {
                kept += v.getFlat(o * in + i) != 0 ? 1 : 0;
            }
            img.getRaster().setSample(i % width, i / width, 0, Math.round(255f * kept / out));
        }
        return img;
    }

    /** {@code img} enlarged {@code factor} times with square pixels, to be seen. */
    public static BufferedImage scaled(BufferedImage img, int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor=" + factor + ": expected >= 1");
        }
        BufferedImage big = new BufferedImage(img.getWidth() * factor, img.getHeight() * factor, img.getType());
        for (int y = 0; y < big.getHeight(); y++) {
            for (int x = 0; x < big.getWidth(); x++) {
                big.getRaster().setSample(x, y, 0, img.getRaster().getSample(x / factor, y / factor, 0));
            }
        }
        return big;
    }

    /** Writes {@code img} as a PNG file, creating the parent directories. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }

    private static Tensor values(Parameter weight) {
        if (weight.shape().length != 2) {
            throw new IllegalArgumentException("mask images are of Linear weights [out, in], got "
                    + Shape.str(weight.shape()));
        }
        try (var off = GradMode.noGrad()) {
            return weight.value();
        }
    }
}
