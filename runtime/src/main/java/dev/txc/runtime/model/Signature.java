package dev.txc.runtime.model;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks call arguments against a function's parameter types before any generated code runs: dtype, rank, known
 * dims, and dim variables unified across parameters. Errors name the function, the parameters, the dim variable and
 * the shapes.
 */
public final class Signature {
    private Signature() {}

    /** {@code args} in parameter order; a null entry (a defaulted parameter) is skipped. */
    public static void check(FunctionSpec f, List<NDArray> args) {
        if (args.size() != f.params().size())
            throw new IllegalArgumentException(f.name() + " takes " + f.params().size() + " arguments, got " + args.size());
        record Binding(long size, String param, int axis, int[] shape) {}
        Map<String, Binding> dims = new HashMap<>();
        for (int k = 0; k < args.size(); k++) {
            NDArray a = args.get(k);
            if (a == null) continue;
            ParamSpec p = f.params().get(k);
            TensorType t = p.type();
            String where = f.name() + ": parameter " + p.name() + " expects " + t;
            if (a.dtype() != t.dtype()) throw new TxRuntimeException(where + ", got dtype " + a.dtype().spelling());
            if (a.rank() != t.rank())
                throw new TxRuntimeException(where + " (rank " + t.rank() + "), got shape " + Shapes.format(a.shape()) + " (rank " + a.rank() + ")");
            for (int d = 0; d < t.rank(); d++) {
                int n = a.dim(d);
                switch (t.dim(d)) {
                    case Dim.Known(long size) -> {
                        if (size != n)
                            throw new TxRuntimeException(where + ", got shape " + Shapes.format(a.shape()) + " (axis " + d + " is " + n + ", not " + size + ")");
                    }
                    case Dim.Sym(String s) -> {
                        Binding b = dims.putIfAbsent(s, new Binding(n, p.name(), d, a.shape()));
                        if (b != null && b.size != n)
                            throw new TxRuntimeException(f.name() + ": dim " + s + " is " + b.size + " from parameter " + b.param + " (axis " + b.axis
                                    + " of shape " + Shapes.format(b.shape) + ") but " + n + " from parameter " + p.name() + " (axis " + d + " of shape "
                                    + Shapes.format(a.shape()) + ")");
                    }
                    case Dim.Any() -> { }
                }
            }
        }
    }
}
