package org.secateur.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Conv2dGeometryTest {
    @Test
    void outputSizeFollowsPyTorch() {
        Conv2dGeometry g = new Conv2dGeometry(3, 28, 30, 5, 3, 2, 1, 2, 0, 1, 2);
        assertThat(g.outHeight()).isEqualTo((28 + 4 - 4 - 1) / 2 + 1);
        assertThat(g.outWidth()).isEqualTo(30 - 2 * 2);
        assertThat(g.patchSize()).isEqualTo(3 * 5 * 3);
    }

    @Test
    void aKernelLargerThanThePaddedInputIsRejectedForAnyStride() {
        assertThatThrownBy(() -> Conv2dGeometry.of(1, 3, 3, 4, 2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit input 3x3");
        assertThatThrownBy(() -> Conv2dGeometry.of(1, 5, 5, 3, 1, 0, 3))
                .hasMessageContaining("dilation 3x3");
        assertThat(Conv2dGeometry.of(1, 3, 3, 4, 2, 1, 1).outHeight()).isEqualTo(1);
    }
}
