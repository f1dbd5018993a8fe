package org.secateur.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void theMainJobIsTheMagnitudePruningFigureOfTheLecture() {
        assertThat(Main.DemoCommand.DEMO).isEqualTo("magnitude-retrain");
        assertThat(Experiments.find(Main.DemoCommand.DEMO)).isPresent();
    }
}
