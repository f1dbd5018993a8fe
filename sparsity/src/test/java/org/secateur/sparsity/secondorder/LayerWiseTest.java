package org.secateur.sparsity.secondorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.secateur.nn.Activation;
import org.secateur.nn.Linear;
import org.secateur.nn.Parameter;
import org.secateur.nn.Sequential;
import org.secateur.tensor.DType;
import org.secateur.tensor.Rng;
import org.secateur.tensor.Tensor;

/**
 * The layer-by-layer driver: each layer's Hessian comes from the model with the earlier layers already
 * compressed (or, independently, from the model as it was), its solution is written into the layer, and its report
 * is the reconstruction error of that layer's outputs.
 */
class LayerWiseTest {

    private record Net(Sequential model, Linear fc1, Linear fc2, Linear fc3) {
        static Net random(Rng r, DType dtype) {
            Linear fc1 = new Linear(12, 8, r.split());
            Linear fc2 = new Linear(8, 8, r.split());
            Linear fc3 = new Linear(8, 3, r.split());
            Sequential model = new Sequential(fc1, Activation.relu(), fc2, Activation.relu(), fc3);
            model.to(dtype);
            return new Net(model, fc1, fc2, fc3);
        }
    }

    private static List<Tensor> calibration(Rng r, DType dtype) {
        return List.of(Tensor.normal(r, 0, 1, dtype, 16, 12), Tensor.normal(r, 0, 1, dtype, 24, 12));
    }

    /** The error of new weights of a layer against its old ones, with the Hessian of its inputs now. */
    private static double errorNow(Net net, List<Tensor> calibration, String name, Parameter weight, double[] before) {
        LayerHessian h = LayerWise.of(net.model()).hessians(calibration, List.of(name)).get(name);
        LayerProblem p = new LayerProblem(name, weight.shape(), weight.shape()[0], weight.shape()[1], before,
                new boolean[before.length], h.matrix());
        return Layers.sum(p.rowErrors(weight.value().toDoubleArray()));
    }

    @Test
    void eachLayerSeesTheEarlierLayersCompressed() {
        Rng r = new Rng(3);
        Net net = Net.random(r, DType.F64);
        List<Tensor> calibration = calibration(r, DType.F64);
        double[] fc2Before = net.fc2().weight.value().toDoubleArray();
        List<String> seen = new ArrayList<>();
        List<LayerReport> reports = LayerWise.of(net.model()).skip("4.weight")
                .onLayer(report -> seen.add(report.name() + (net.fc1().weight.isMasked() ? " after fc1" : "")))
                .compress(calibration, ExactObs.of(LayerTarget.perLayer(0.5)));
        assertThat(seen).containsExactly("0.weight after fc1", "2.weight after fc1");
        assertThat(reports).extracting(LayerReport::sparsity).containsExactly(0.5, 0.5);
        assertThat(net.fc3().weight.isMasked()).isFalse();
        assertThat(net.fc2().weight.mask().sum().item()).isEqualTo(32);
        // the report's error is the reconstruction error of fc2 on inputs from the compressed fc1
        assertThat(reports.get(1).error()).isCloseTo(errorNow(net, calibration, "2.weight", net.fc2().weight,
                fc2Before), within(1e-9));
        // and ExactOBS's steps add up to it in the solver's (damped) Hessian
        assertThat(reports.get(1).solution().stepErrorSum()).isGreaterThan(0);
    }

    @Test
    void independentLayersTakeTheirHessiansFromTheModelAsItWas() {
        Rng r = new Rng(4);
        Net net = Net.random(r, DType.F64);
        List<Tensor> calibration = calibration(r, DType.F64);
        LayerHessian dense = LayerWise.of(net.model()).hessians(calibration, List.of("2.weight")).get("2.weight");
        double[] fc2Before = net.fc2().weight.value().toDoubleArray();
        List<LayerReport> reports = LayerWise.of(net.model()).independent()
                .compress(calibration, MaskThenRefit.adaPrune(LayerTarget.perRow(0.5)));
        LayerProblem p = new LayerProblem("2.weight", new int[] {8, 8}, 8, 8, fc2Before, new boolean[64],
                dense.matrix());
        assertThat(reports.get(1).error()).isCloseTo(Layers.sum(p.rowErrors(net.fc2().weight.value().toDoubleArray())),
                within(1e-9));
    }

    @Test
    void aFloat32ModelGetsFloat32WeightsAndMasks() {
        Rng r = new Rng(5);
        Net net = Net.random(r, DType.F32);
        LayerWise.of(net.model()).compressEach(calibration(r, DType.F32),
                name -> name.equals("4.weight") ? MaskThenRefit.magnitude(LayerTarget.nm(2, 4))
                        : ExactObs.of(LayerTarget.nm(2, 4)));
        for (Linear l : List.of(net.fc1(), net.fc2(), net.fc3())) {
            assertThat(l.weight.dtype()).isEqualTo(DType.F32);
            assertThat(l.weight.mask().sum().item()).isEqualTo(l.weight.numel() / 2.0);
        }
    }

    @Test
    void unknownLayersAreNamedWithTheKnownOnes() {
        Net net = Net.random(new Rng(6), DType.F64);
        assertThatThrownBy(() -> LayerWise.of(net.model()).skip("1.weight"))
                .hasMessageContaining("[0.weight, 2.weight, 4.weight]");
    }
}
