package org.secateur.nn;

import org.secateur.tensor.Rng;

/** The small reference networks of the pruning literature, with PyTorch's layer names and initialisations. */
public final class Models {
    private Models() {}

    /** A multilayer perceptron {@code sizes[0] -> sizes[1] -> ... } with the given activation between layers. */
    public static Sequential mlp(Rng rng, java.util.function.Supplier<Module> activation, int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output sizes, got "
                    + java.util.Arrays.toString(sizes));
        }
        Module[] layers = new Module[2 * sizes.length - 3];
        for (int i = 0, j = 0; i + 1 < sizes.length; i++) {
            layers[j++] = new Linear(sizes[i], sizes[i + 1], rng);
            if (i + 2 < sizes.length) {
                layers[j++] = activation.get();
            }
        }
        return new Sequential(layers);
    }

    /**
     * LeNet-300-100 (LeCun et al. 1998; the pruning benchmark of Han et al. 2015 and SNIP): 784-300-100-10 with
     * ReLU, 266,610 parameters. A leading {@link Flatten} takes images {@code [N, 1, 28, 28]} or rows
     * {@code [N, 784]}; the layers are {@code 1}, {@code 3} and {@code 5}.
     */
    public static Sequential lenet300100(Rng rng) {
        return new Sequential(new Flatten(),
                new Linear(784, 300, rng), Activation.relu(),
                new Linear(300, 100, rng), Activation.relu(),
                new Linear(100, 10, rng));
    }

    /**
     * The classic LeNet-5 in its modern form: conv 5x5 (6, padded to keep 28x28) - ReLU - max-pool 2 - conv 5x5 (16)
     * - ReLU - max-pool 2 - 400-120-84-10 with ReLU; 61,706 parameters. Takes {@code [N, 1, 28, 28]} images.
     */
    public static Sequential lenet5(Rng rng) {
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2, 1, 1, true, rng),
                Activation.relu(),
                Pool2d.max(2),
                new Conv2d(6, 16, 5, rng),
                Activation.relu(),
                Pool2d.max(2),
                new Flatten(),
                new Linear(16 * 5 * 5, 120, rng),
                Activation.relu(),
                new Linear(120, 84, rng),
                Activation.relu(),
                new Linear(84, 10, rng));
    }
}
