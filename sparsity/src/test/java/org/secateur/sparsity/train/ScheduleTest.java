package org.secateur.sparsity.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The schedules' events and sparsities, against the formulas of their papers. */
class ScheduleTest {

    @Test
    void gradualFollowsZhuAndGuptasCubic() {
        Schedule.Gradual agp = new Schedule.Gradual(100, 50, 4, 0.1);
        assertThat(agp.steps()).containsExactly(100, 150, 200, 250, 300);
        double sf = 0.9;
        assertThat(agp.sparsity(0, sf)).isCloseTo(0.1, within(1e-15));
        assertThat(agp.sparsity(4, sf)).isCloseTo(0.9, within(1e-15));
        // (t - t0) / (n dt) = 1/2: s_f + (s_i - s_f) / 8
        assertThat(agp.sparsity(2, sf)).isCloseTo(0.9 - 0.8 / 8, within(1e-15));
        assertThat(agp.sparsity(1, sf)).isCloseTo(0.9 - 0.8 * 27 / 64, within(1e-15));
        for (int j = 1; j <= 4; j++) {
            // steps shrink as the schedule goes: most pruning happens early
            double step = agp.sparsity(j, sf) - agp.sparsity(j - 1, sf);
            assertThat(step).isPositive();
            if (j > 1) {
                assertThat(step).isLessThan(agp.sparsity(j - 1, sf) - agp.sparsity(j - 2, sf));
            }
        }
    }

    @Test
    void iterativeAndAtInitKeepTheSameFractionOfTheSurvivorsEachRound() {
        Schedule.Iterative iterative = Schedule.iterative(4, 300);
        assertThat(iterative.steps()).containsExactly(0, 300, 600, 900);
        Schedule.AtInit atInit = Schedule.atInit(5);
        assertThat(atInit.steps()).containsExactly(0, 0, 0, 0, 0);
        for (Schedule s : new Schedule[] {iterative, atInit}) {
            int rounds = s.steps().length;
            double sf = 0.92;
            assertThat(s.sparsity(rounds - 1, sf)).isEqualTo(sf);
            double kept = 1;
            for (int r = 0; r < rounds; r++) {
                double now = 1 - s.sparsity(r, sf);
                assertThat(now / kept).isCloseTo(Math.pow(1 - sf, 1.0 / rounds), within(1e-12));
                kept = now;
            }
        }
        assertThat(Schedule.oneShot(7).steps()).containsExactly(7);
        assertThat(Schedule.oneShot(7).sparsity(0, 0.7)).isEqualTo(0.7);
    }

    @Test
    void invalidSchedulesAreRejected() {
        assertThatThrownBy(() -> Schedule.gradual(0, 0, 3)).hasMessageContaining("dt=0");
        assertThatThrownBy(() -> Schedule.gradual(-1, 1, 3)).hasMessageContaining("t0=-1");
        assertThatThrownBy(() -> new Schedule.Gradual(0, 1, 3, 1.0)).hasMessageContaining("initialSparsity=1.0");
        assertThatThrownBy(() -> Schedule.iterative(0, 10)).hasMessageContaining("rounds=0");
        assertThatThrownBy(() -> Schedule.atInit(0)).hasMessageContaining("rounds=0");
    }
}
