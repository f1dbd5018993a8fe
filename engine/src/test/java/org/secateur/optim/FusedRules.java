package org.secateur.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Function;
import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;
import org.secateur.testing.Generators;

/** Checks an optimizer's fused float32 step ({@link Optimizer#updateFloats}) against its reference rule, bit for bit. */
final class FusedRules {
    private FusedRules() {}

    /**
     * Steps a random float32 parameter three times with {@code make}'s optimizer, fused and with {@code fused(false)},
     * on the same gradients, and requires the same bits in the values and in every state buffer. Sizes cover vector
     * tails, the 512-element chunks, and now and then a size split over threads; half the cases carry a mask.
     */
    static void requireSameBits(Rng r, Function<List<Parameter>, Optimizer> make) {
        int n = r.nextInt(8) == 0 ? 70_000 + r.nextInt(100) : 1 + r.nextInt(1300);
        Tensor w0 = Generators.normal(r.nextLong(), DType.F32, n);
        Tensor mask = r.nextInt(2) == 0 ? null
                : Generators.uniform(r.nextLong(), 0, 1, DType.F32, n).gt(0.3).to(DType.F32).copy();
        Parameter fused = new Parameter(w0.copy());
        Parameter reference = new Parameter(w0.copy());
        if (mask != null) {
            fused.setMask(mask);
            reference.setMask(mask);
        }
        Optimizer a = make.apply(List.of(fused));
        Optimizer b = make.apply(List.of(reference)).fused(false);
        for (int t = 0; t < 3; t++) {
            Tensor g = Generators.normal(r.nextLong(), DType.F32, n);
            fused.data().setGrad(g.copy());
            reference.data().setGrad(g.copy());
            a.step();
            b.step();
        }
        assertThat(fused.data().floats()).as("values").isEqualTo(reference.data().floats());
        for (String name : a.stateNames()) {
            assertThat(a.state(fused, name).floats()).as(name).isEqualTo(b.state(reference, name).floats());
        }
    }
}
