package org.secateur.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.tensor.Tensor;

/**
 * A {@link Module}'s state dict as a safetensors file, in PyTorch's names: a masked parameter {@code w} is saved as
 * {@code w_orig} and a boolean {@code w_mask}, {@code num_batches_tracked} as an integer, everything else as it is.
 * Writing is atomic; reading restores values and masks.
 */
public final class Checkpoints {
    private Checkpoints() {}

    /** Writes {@code module}'s state dict to {@code file} (atomically) with string {@code metadata}. */
    public static void save(Module module, Path file, Map<String, String> metadata) throws IOException {
        java.util.SequencedMap<String, TensorEntry> entries = new LinkedHashMap<>();
        module.stateDict().forEach((name, t) -> entries.put(name, entryFor(name, t)));
        Safetensors.write(file, new Checkpoint(entries, metadata));
    }

    private static TensorEntry entryFor(String name, Tensor t) {
        if (name.endsWith("_mask")) {
            return TensorEntry.Bools.fromMask(t);
        }
        if (name.endsWith("num_batches_tracked")) {
            double v = t.item();
            return TensorEntry.Longs.scalar((long) v);
        }
        return TensorEntry.of(t);
    }

    /**
     * Reads {@code file} into {@code module}. With {@code strict}, names must match exactly; shapes must always
     * match. Values are converted to the module's dtype.
     */
    public static Checkpoint load(Module module, Path file, boolean strict) throws IOException {
        Checkpoint c = Safetensors.read(file);
        Map<String, Tensor> state = new LinkedHashMap<>();
        c.entries().forEach((name, e) -> state.put(name, e.toTensor(module.dtype())));
        module.loadStateDict(state, strict);
        return c;
    }
}
