package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules against their closed forms. */
class LrScheduleTest {
    private static final double TOL = 1e-15;

    @Test
    void stepDecaysEveryStepSizeSteps() {
        LrSchedule s = LrSchedule.step(0.1, 30, 0.1);
        assertThat(s.lr(0)).isEqualTo(0.1);
        assertThat(s.lr(29)).isEqualTo(0.1);
        assertThat(s.lr(30)).isCloseTo(0.01, within(TOL));
        assertThat(s.lr(60)).isCloseTo(0.001, within(TOL));
    }

    @Test
    void multiStepDecaysAtEachMilestone() {
        LrSchedule s = LrSchedule.multiStep(0.1, 0.1, 30, 80);
        assertThat(s.lr(29)).isEqualTo(0.1);
        assertThat(s.lr(30)).isCloseTo(0.01, within(TOL));
        assertThat(s.lr(79)).isCloseTo(0.01, within(TOL));
        assertThat(s.lr(80)).isCloseTo(0.001, within(TOL));
        assertThat(s.lr(1000)).isCloseTo(0.001, within(TOL));
        assertThatThrownBy(() -> LrSchedule.multiStep(0.1, 0.1, 80, 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[80, 30]");
    }

    @Test
    void cosineFollowsTheHalfPeriodFromBaseToEtaMin() {
        LrSchedule s = LrSchedule.cosine(1, 10, 0.1);
        assertThat(s.lr(0)).isCloseTo(1, within(TOL));
        assertThat(s.lr(5)).isCloseTo(0.55, within(TOL));
        assertThat(s.lr(10)).isCloseTo(0.1, within(TOL));
        for (int t = 0; t <= 10; t++) {
            assertThat(s.lr(t)).isCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI * t / 10)) / 2, within(TOL));
        }
    }

    @Test
    void warmupRampsLinearlyThenHandsOver() {
        LrSchedule s = LrSchedule.warmup(5, 0.1, LrSchedule.cosine(1, 10, 0));
        assertThat(s.lr(0)).isCloseTo(0.1, within(TOL));
        assertThat(s.lr(2)).isCloseTo(0.1 + 0.9 * 2 / 5, within(TOL));
        assertThat(s.lr(5)).isCloseTo(1, within(TOL));
        assertThat(s.lr(10)).isCloseTo(0.5, within(TOL));
        assertThat(s.lr(15)).isCloseTo(0, within(TOL));
    }

    @Test
    void schedulerSetsTheOptimizersRateAtEveryStep() {
        SGD sgd = new SGD(List.of(Params.of(1.0)), 123);
        LrScheduler sched = new LrScheduler(sgd, LrSchedule.step(0.1, 2, 0.5));
        assertThat(sgd.lr()).isEqualTo(0.1);
        sched.step();
        assertThat(sgd.lr()).isEqualTo(0.1);
        sched.step();
        assertThat(sgd.lr()).isCloseTo(0.05, within(TOL));
        assertThat(sched.steps()).isEqualTo(2);
    }
}
