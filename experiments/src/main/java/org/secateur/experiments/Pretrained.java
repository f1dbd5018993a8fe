package org.secateur.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.secateur.datasets.DataLoader;
import org.secateur.datasets.ImageDataset;
import org.secateur.datasets.ImageSet;
import org.secateur.datasets.LabelledBatch;
import org.secateur.datasets.Normalization;
import org.secateur.io.Checkpoint;
import org.secateur.io.Checkpoints;
import org.secateur.nn.Models;
import org.secateur.nn.Sequential;
import org.secateur.optim.LrSchedule;
import org.secateur.optim.LrScheduler;
import org.secateur.optim.SGD;
import org.secateur.tensor.Rng;
import org.secateur.tensor.kernels.Parallel;

/**
 * Trained dense models, the starting points of the pruning experiments: trained once with a fixed {@link Recipe} and
 * then loaded from {@code ~/.cache/secateur/models/<model>-<recipe hash>-seed<N>.safetensors}.
 *
 * <p>The weights depend on the recipe alone, never on whether the cache was hit: the model is initialised, the
 * training subset drawn and the batches shuffled from the recipe's own seed (not from the run's generator, whose
 * later draws therefore do not move either), and the checkpoint stores the float32 values bit for bit. The hash
 * covers every field of the recipe (model, dataset, normalisation, training examples, epochs, batch, optimizer,
 * learning rate and its schedule, seed, threads) and {@link #VERSION}, which is raised when training code changes its result.
 * The file also holds the recipe in its metadata, checked on loading.
 *
 * <p>The directory is {@code -Dsecateur.models=DIR}, else {@code $SECATEUR_MODELS}, else
 * {@code ~/.cache/secateur/models}.
 */
public final class Pretrained {
    private Pretrained() {}

    /** Raised when a change of the training code changes the weights a recipe gives (invalidates the cache). */
    public static final int VERSION = 1;

    /** The system property naming the cache directory. */
    public static final String PROPERTY = "secateur.models";

    /** The environment variable naming the cache directory. */
    public static final String ENV_VAR = "SECATEUR_MODELS";

    /** The dense networks the experiments prune. */
    public enum Architecture {
        LENET_300_100("lenet-300-100", "LeNet-300-100", Models::lenet300100),
        LENET_5("lenet-5", "LeNet-5", Models::lenet5);

        private final String id;
        private final String displayName;
        private final Function<Rng, Sequential> factory;

        Architecture(String id, String displayName, Function<Rng, Sequential> factory) {
            this.id = id;
            this.displayName = displayName;
            this.factory = factory;
        }

        public String id() {
            return id;
        }

        public String displayName() {
            return displayName;
        }

        /** A freshly initialised network. */
        public Sequential create(Rng rng) {
            return factory.apply(rng);
        }
    }

    /**
     * How a dense model is trained: SGD with momentum and weight decay, the learning rate annealed by a cosine over
     * the epochs (as the {@code baseline} experiment), cross-entropy, on the first {@code trainExamples} images of a
     * permutation of the training set drawn from {@code seed} (all of them when it covers the set).
     */
    public record Recipe(Architecture model, ImageSet dataset, int trainExamples, int epochs, int batch, double lr,
                         double momentum, double weightDecay, long seed, int threads) {
        public Recipe {
            if (trainExamples < 1 || epochs < 1 || batch < 1 || !(lr > 0) || threads < 1) {
                throw new IllegalArgumentException("recipe with " + trainExamples + " examples, " + epochs
                        + " epochs, batch " + batch + ", lr " + lr + ", " + threads + " threads: expected positive values");
            }
        }

        /**
         * The baseline's recipe (SGD momentum 0.9, weight decay 5e-4, lr 0.05 cosine, batch 128) on Fashion-MNIST,
         * shared by the experiments so that they start from the same cached model: 30 epochs for LeNet-300-100 and
         * 20 for LeNet-5 over the full training set (the {@code baseline} experiment's 90.0% and 91.0%), or 3 epochs
         * over 4,096 images in quick mode. The thread count is part of the recipe because the kernels' work split
         * depends on it: LeNet-5 trained on 1 and on 2 threads differs in the last bits (LeNet-300-100 does not).
         */
        public static Recipe fashionMnist(Architecture model, RunContext ctx) {
            int epochs = ctx.quick() ? 3 : model == Architecture.LENET_5 ? 20 : 30;
            return new Recipe(model, ImageSet.FASHION_MNIST, ctx.quick() ? 4096 : 60_000, epochs, 128, 0.05, 0.9, 5e-4,
                    ctx.seed(), ctx.threads());
        }

        /** The normalisation of the dataset's images. */
        public Normalization normalization() {
            return switch (dataset) {
                case FASHION_MNIST -> Normalization.FASHION_MNIST;
                case MNIST -> Normalization.MNIST;
                default -> throw new IllegalArgumentException("no standard normalization for " + dataset);
            };
        }

        /** Every field that changes the weights, as one canonical line. */
        public String describe() {
            return String.format(Locale.ROOT, "v%d model=%s dataset=%s normalization=%s train_examples=%d epochs=%d "
                            + "batch=%d optimizer=SGD(lr=%s, momentum=%s, weight_decay=%s) lr_schedule=cosine seed=%d threads=%d", VERSION, model.id(), dataset.id(), normalization(), trainExamples,
                    epochs, batch, lr, momentum, weightDecay, seed, threads);
        }

        /** The first 12 hexadecimal digits of the SHA-256 of {@link #describe()}. */
        public String hash() {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(describe().getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(d).substring(0, 12);
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError("SHA-256 is required of every JDK", e);
            }
        }

        /** {@code <model>-<hash>-seed<N>.safetensors}. */
        public String fileName() {
            return model.id() + "-" + hash() + "-seed" + seed + ".safetensors";
        }
    }

    /** A dense model, where its weights came from, and its file in the cache. */
    public record Model(Sequential net, Recipe recipe, boolean fromCache, Path file) {}

    /** The cache directory (see the class comment). */
    public static Path cacheDir() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV_VAR);
        }
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "secateur", "models");
    }

    /**
     * The model {@code recipe} gives: loaded from the cache if it is there, else trained on {@code train} (the full
     * training set of the recipe's dataset) and saved. Logs which, and records it in the report's configuration.
     */
    public static Model obtain(RunContext ctx, Recipe recipe, ImageDataset train) throws Exception {
        return obtain(ctx, recipe, train, cacheDir());
    }

    /** {@link #obtain(RunContext, Recipe, ImageDataset)} with the cache in {@code dir}. */
    public static Model obtain(RunContext ctx, Recipe recipe, ImageDataset train, Path dir) throws Exception {
        Path file = dir.resolve(recipe.fileName());
        String key = recipe.model().id() + "_dense_model";
        Model model;
        Sequential loaded = recipe.model().create(new Rng(recipe.seed()).split());
        if (tryLoad(ctx, loaded, recipe, file)) {
            ctx.log("%s: loaded the trained dense model from %s", recipe.model().displayName(), file);
            model = new Model(loaded, recipe, true, file);
        } else {
            ctx.log("%s: no usable cached model at %s; training it (%s)", recipe.model().displayName(), file,
                    recipe.describe());
            // a failed load may have changed some weights: start again from the recipe's own generator
            Rng rng = new Rng(recipe.seed());
            Sequential net = recipe.model().create(rng.split());
            ImageDataset subset = Data.sample(train, recipe.trainExamples(), rng.split());
            int threads = Parallel.threads();
            try {
                Parallel.setThreads(recipe.threads());
                ctx.stage("train dense " + recipe.model().displayName(), () -> {
                    train(ctx, net, recipe, subset);
                    return null;
                });
            } finally {
                Parallel.setThreads(threads);
            }
            Files.createDirectories(dir);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("recipe", recipe.describe());
            meta.put("created_by", "secateur experiments (Pretrained)");
            Checkpoints.save(net, file, meta);
            ctx.log("%s: saved to %s", recipe.model().displayName(), file);
            model = new Model(net, recipe, false, file);
        }
        ctx.report().config(key, recipe.describe()).config(key + "_source", model.fromCache() ? "cache" : "trained")
                .config(key + "_file", file.toString());
        return model;
    }

    private static boolean tryLoad(RunContext ctx, Sequential net, Recipe recipe, Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try {
            Checkpoint c = Checkpoints.load(net, file, true);
            String stored = c.metadata().get("recipe");
            if (!recipe.describe().equals(stored)) {
                ctx.log("%s holds the recipe '%s', not '%s'; retraining", file, stored, recipe.describe());
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            ctx.log("cannot read the cached model %s (%s); retraining", file, e);
            return false;
        }
    }

    private static void train(RunContext ctx, Sequential net, Recipe r, ImageDataset train) {
        SGD sgd = new SGD(net.parameters(), r.lr(), r.momentum(), r.weightDecay());
        LrScheduler lr = new LrScheduler(sgd, new LrSchedule.Cosine(r.lr(), r.epochs(), 0));
        try (DataLoader<LabelledBatch> loader = Data.trainLoader(train, r.normalization(), r.batch(), r.seed())) {
            for (int e = 0; e < r.epochs(); e++) {
                Training.EpochStats s = Training.trainEpoch(ctx, net, loader, e, sgd);
                lr.step();
                ctx.log("  dense %s %s", r.model().displayName(), s);
            }
        }
    }
}
