package dev.txc.driver;

import dev.txc.ir.Tensor;
import dev.txc.runtime.DType;
import dev.txc.runtime.NDArray;

/** Conversions between the runtime's {@link NDArray} and the IR's {@link Tensor}; values are copied, never shared. */
public final class Tensors {
    private Tensors() {}

    public static DType runtime(dev.txc.ir.DType d) {
        return DType.valueOf(d.name());
    }

    public static dev.txc.ir.DType ir(DType d) {
        return dev.txc.ir.DType.valueOf(d.name());
    }

    public static Tensor toTensor(NDArray a) {
        dev.txc.ir.DType d = ir(a.dtype());
        if (d.isFloat()) return Tensor.ofDoubles(d, a.shape(), a.toDoubleArray());
        return Tensor.ofLongs(d, a.shape(), a.toLongArray());
    }

    public static NDArray toNDArray(Tensor t) {
        DType d = runtime(t.dtype());
        if (d.isFloat()) return NDArray.wrap(DType.F64, t.toDoubles(), t.shape()).astype(d);
        return NDArray.wrap(DType.I64, t.toLongs(), t.shape()).astype(d);
    }
}
