package dev.txc.ir;

import java.util.ArrayList;
import java.util.List;

/** A dtype with a fixed rank; each dim may be known, a dim variable, or unknown. Rank 0 is a scalar. */
public record TensorType(DType dtype, List<Dim> dims) implements Type {
    public TensorType {
        dims = List.copyOf(dims);
    }

    public static TensorType scalar(DType d) {
        return new TensorType(d, List.of());
    }

    public static TensorType of(DType d, long... sizes) {
        var ds = new ArrayList<Dim>();
        for (long s : sizes) ds.add(s < 0 ? Dim.ANY : Dim.of(s));
        return new TensorType(d, ds);
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int i) {
        return dims.get(i);
    }

    public boolean isScalar() {
        return dims.isEmpty();
    }

    public TensorType withDtype(DType d) {
        return new TensorType(d, dims);
    }

    public TensorType withDims(List<Dim> ds) {
        return new TensorType(dtype, ds);
    }

    /** True when every dim is known. */
    public boolean isStatic() {
        return dims.stream().allMatch(Dim::isKnown);
    }

    /** The number of elements when static, else -1. */
    public long staticSize() {
        long n = 1;
        for (Dim d : dims) {
            if (!d.isKnown()) return -1;
            n *= d.size();
        }
        return n;
    }

    @Override
    public String toString() {
        if (dims.isEmpty()) return dtype.spelling();
        var sb = new StringBuilder(dtype.spelling()).append('[');
        for (int i = 0; i < dims.size(); i++) sb.append(i > 0 ? ", " : "").append(dims.get(i));
        return sb.append(']').toString();
    }
}
