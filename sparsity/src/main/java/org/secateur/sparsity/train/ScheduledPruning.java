package org.secateur.sparsity.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.secateur.nn.Module;
import org.secateur.nn.Parameter;
import org.secateur.sparsity.Criterion;
import org.secateur.sparsity.Pruner;
import org.secateur.sparsity.Scope;

/**
 * A {@link Pruner} and a {@link Criterion} applied to some parameters of a model on a {@link Schedule}: each event
 * re-scores the parameters and prunes them to the event's sparsity of every target in the pruner's scope. As a
 * {@link TrainingListener} it runs before the optimizer steps the schedule names, counted from the first step it
 * sees, so that it can join a trainer that has already trained the dense model; without a trainer,
 * {@link #applyDue(long) applyDue(0)} prunes at initialisation.
 */
public final class ScheduledPruning implements TrainingListener {
    private final Module model;
    private final Map<String, Parameter> params;
    private final Criterion criterion;
    private final Pruner pruner;
    private final Schedule schedule;
    private final long[] steps;
    private final List<Event> applied = new ArrayList<>();
    private long firstStep = -1;

    /**
     * An event that has been applied: before step {@code step} of the schedule, the parameters were pruned to
     * {@code scope}.
     */
    public record Event(long step, Scope scope) {}

    /** @param pruner its scope holds the final targets */
    public ScheduledPruning(Module model, Map<String, Parameter> params, Criterion criterion, Pruner pruner,
                            Schedule schedule) {
        this.model = model;
        this.params = new LinkedHashMap<>(params);
        this.criterion = criterion;
        this.pruner = pruner;
        this.schedule = schedule;
        this.steps = schedule.steps();
    }

    /**
     * Applies every event due before step {@code step} of the schedule that has not been applied yet; returns how
     * many.
     */
    public int applyDue(long step) {
        int n = 0;
        while (applied.size() < steps.length && steps[applied.size()] <= step) {
            int event = applied.size();
            Scope scope = pruner.scope().map(s -> schedule.sparsity(event, s));
            pruner.withScope(scope).prune(model, params, criterion);
            applied.add(new Event(step, scope));
            n++;
        }
        return n;
    }

    @Override
    public void beforeStep(long step, int epoch) {
        if (firstStep < 0) {
            firstStep = step;
        }
        applyDue(step - firstStep);
    }

    /** The events applied so far, in order. */
    public List<Event> applied() {
        return List.copyOf(applied);
    }

    /** Whether every event of the schedule has been applied (training long enough to reach the final targets). */
    public boolean isComplete() {
        return applied.size() == steps.length;
    }
}
