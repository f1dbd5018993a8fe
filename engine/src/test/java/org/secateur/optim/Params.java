package org.secateur.optim;

import org.secateur.nn.Parameter;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/** Small parameters with hand-set gradients for optimizer tests. */
final class Params {
    private Params() {}

    static Parameter of(DType dtype, double... values) {
        return new Parameter(Tensor.vector(values).to(dtype).copy());
    }

    static Parameter of(double... values) {
        return of(DType.F64, values);
    }

    static void setGrad(Parameter p, double... g) {
        p.data().setGrad(Tensor.vector(g).to(p.dtype()).copy());
    }
}
