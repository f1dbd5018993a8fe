package org.secateur.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import org.secateur.tensor.Tensor;

/**
 * The contents of a safetensors file: named entries in order, and free-form string metadata. Names are free strings;
 * the engine uses PyTorch's state-dict names ({@code features.0.weight}, {@code fc1.weight_orig},
 * {@code fc1.weight_mask}).
 *
 * @param entries  the entries by name; kept in the given order (an unmodifiable copy)
 * @param metadata the {@code __metadata__} map (an unmodifiable copy)
 */
public record Checkpoint(SequencedMap<String, TensorEntry> entries, Map<String, String> metadata) {

    /** The header key reserved for metadata, which no entry may use. */
    public static final String METADATA_KEY = "__metadata__";

    public Checkpoint {
        SequencedMap<String, TensorEntry> e = new LinkedHashMap<>();
        entries.forEach((name, entry) -> {
            Objects.requireNonNull(name, "entry name");
            Objects.requireNonNull(entry, () -> "entry \"" + name + "\"");
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("entry name " + METADATA_KEY + " is reserved for the metadata");
            }
            e.put(name, entry);
        });
        Map<String, String> m = new LinkedHashMap<>();
        metadata.forEach((key, value) -> m.put(Objects.requireNonNull(key, "metadata key"),
                Objects.requireNonNull(value, () -> "metadata value of \"" + key + "\"")));
        entries = Collections.unmodifiableSequencedMap(e);
        metadata = Collections.unmodifiableMap(m);
    }

    /** A checkpoint of float tensors, in the map's order. */
    public static Checkpoint of(Map<String, Tensor> tensors, Map<String, String> metadata) {
        SequencedMap<String, TensorEntry> e = new LinkedHashMap<>();
        tensors.forEach((name, t) -> e.put(name, TensorEntry.of(t)));
        return new Checkpoint(e, metadata);
    }

    /** The entry called {@code name}. */
    public TensorEntry entry(String name) {
        TensorEntry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no entry \"" + name + "\" among " + entries.size() + " entries"
                    + (entries.size() <= 20 ? " " + entries.keySet() : ""));
        }
        return e;
    }

    /** The tensor of the float entry {@code name}. */
    public Tensor tensor(String name) {
        if (entry(name) instanceof TensorEntry.Floats f) {
            return f.tensor();
        }
        throw new IllegalArgumentException("entry \"" + name + "\" is " + entries.get(name).dtype()
                + ", not a float tensor; use entry(name).toTensor(dtype) to convert it");
    }
}
