package org.secateur.experiments;

import java.io.IOException;
import java.util.Arrays;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.DatasetStore;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.datasets.TrainTest;
import org.secateur.tensor.Rng;

/** Loading the image datasets for experiments: lookup, download with progress, quick-mode subsets, loaders. */
public final class Data {
    private Data() {}

    /** Loads {@code set} from the run's data directory or the usual places, downloading with progress if needed. */
    public static TrainTest<ImageDataset> load(RunContext ctx, ImageSet set) throws IOException {
        DatasetStore store = DatasetStore.standard(ctx.dataDir()).withListener((file, done, total) -> {
            if (done == 0 || done == total) {
                ctx.log("download %s: %s", file, done == 0 ? "started" : "done, " + (total >> 10) + " KiB");
            }
        });
        TrainTest<ImageDataset> data = store.load(set);
        ctx.log("%s: %s train, %s test", set.displayName(), data.train().describe(), data.test().describe());
        return data;
    }

    /**
     * The first examples of a seeded permutation: a quick-mode subset that keeps the class balance of a random
     * sample. Returns the dataset itself when {@code n} covers it.
     */
    public static ImageDataset sample(ImageDataset d, int n, Rng rng) {
        if (n >= d.size()) {
            return d;
        }
        int[] idx = Arrays.copyOf(rng.permutation(d.size()), n);
        Arrays.sort(idx);
        return d.subset(idx);
    }

    /**
     * {@code d} itself, or in quick mode a {@link #sample} of {@code n} examples drawn with a generator split from the
     * run's (only then: a full run draws nothing from the run's generator here).
     */
    public static ImageDataset quickSubset(RunContext ctx, ImageDataset d, int n) {
        return ctx.quick() ? sample(d, n, ctx.rng().split()) : d;
    }

    /** A shuffling training loader. */
    public static DataLoader<LabelledBatch> trainLoader(ImageDataset d, Normalization norm, int batch, long seed) {
        return DataLoader.over(d.batches(norm)).batchSize(batch).seed(seed).shuffle(true).build();
    }

    /** An in-order evaluation loader. */
    public static DataLoader<LabelledBatch> evalLoader(ImageDataset d, Normalization norm) {
        return DataLoader.over(d.batches(norm)).batchSize(1000).shuffle(false).build();
    }
}
