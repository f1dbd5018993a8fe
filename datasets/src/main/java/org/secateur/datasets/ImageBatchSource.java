package org.secateur.datasets;

import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * Float batches of an {@link ImageDataset}: each image optionally augmented on its bytes, then normalised into a
 * {@code [batch, C, H, W]} tensor. The bytes stay the only full copy of the data.
 */
public final class ImageBatchSource implements BatchSource<LabelledBatch> {
    private final ImageDataset images;
    private final Augmentation augmentation;
    private final double[][] table;

    /**
     * @param images the images
     * @param normalization per-channel normalisation, with as many channels as the images
     * @param augmentation augmentation for each image ({@link Augmentation#NONE} for evaluation)
     */
    public ImageBatchSource(ImageDataset images, Normalization normalization, Augmentation augmentation) {
        if (normalization.channels() != images.channels()) {
            throw new IllegalArgumentException("normalization has " + normalization.channels()
                    + " channels but the images have " + images.channels());
        }
        this.images = images;
        this.augmentation = augmentation;
        this.table = normalization.table();
    }

    /** The images behind the batches. */
    public ImageDataset images() {
        return images;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public LabelledBatch batch(int[] indices, DType dtype, Rng rng) {
        int c = images.channels();
        int plane = images.height() * images.width();
        int m = images.imageSize();
        Tensor t = Tensor.zeros(dtype, indices.length, c, images.height(), images.width());
        float[] f = dtype == DType.F32 ? t.floats() : null;
        double[] d = dtype == DType.F64 ? t.doubles() : null;
        byte[] scratch = new byte[m];
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int idx = indices[i];
            if (idx < 0 || idx >= images.size()) {
                throw new IllegalArgumentException("indices[" + i + "] = " + idx + " is not in [0, " + images.size()
                        + ")");
            }
            byte[] src = images.pixels();
            int off = idx * m;
            if (!augmentation.isIdentity()) {
                augmentation.apply(src, off, c, images.height(), images.width(), rng, scratch);
                src = scratch;
                off = 0;
            }
            for (int j = 0; j < m; j++) {
                double v = table[j / plane][src[off + j] & 0xff];
                if (f != null) {
                    f[i * m + j] = (float) v;
                } else {
                    d[i * m + j] = v;
                }
            }
            labels[i] = images.labels()[idx];
        }
        return new LabelledBatch(t, labels, indices.clone());
    }
}
