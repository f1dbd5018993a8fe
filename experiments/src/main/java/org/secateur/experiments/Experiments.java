package org.secateur.experiments;

import java.util.List;
import java.util.Optional;

/** Every registered experiment, in the order {@code secateur list} shows them. */
public final class Experiments {
    private Experiments() {}

    /** All experiments. */
    public static List<Experiment> all() {
        return List.of(
                new SpiralsDemo(),
                new Baseline(),
                new MagnitudeRetrain(),
                new Han12x(),
                new CriteriaComparison(),
                new PruneAtInit(),
                new OptimalBrainDamage(),
                new ObsMonk(),
                new ObcTable(),
                new WoodFisherMlp());
    }

    /** The experiment with this name. */
    public static Optional<Experiment> find(String name) {
        return all().stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
