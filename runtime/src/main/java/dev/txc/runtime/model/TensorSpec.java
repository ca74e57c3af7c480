package dev.txc.runtime.model;

import dev.txc.runtime.DType;
import dev.txc.runtime.NDArray;
import java.util.ArrayList;
import java.util.List;

/** A declared tensor type: a dtype and one {@link DimSpec} per axis (none for a scalar); spelled as in {@code .tx}. */
public record TensorSpec(DType dtype, List<DimSpec> dims) {
    public TensorSpec {
        dims = List.copyOf(dims);
    }

    public int rank() {
        return dims.size();
    }

    public DimSpec dim(int axis) {
        return dims.get(axis);
    }

    /** Null when {@code a} has this rank and every known size, else a short explanation starting with a separator. */
    public String shapeProblem(NDArray a) {
        if (a.rank() != rank()) return " (rank " + rank() + ", not " + a.rank() + ")";
        for (int k = 0; k < rank(); k++)
            if (dims.get(k) instanceof DimSpec.Known(long size) && size != a.dim(k)) return " (axis " + k + " must be " + size + ", not " + a.dim(k) + ")";
        return null;
    }

    /** Whether {@code a} has this dtype, rank and every known size. */
    public boolean fits(NDArray a) {
        return a.dtype() == dtype && shapeProblem(a) == null;
    }

    /** {@code f64}, {@code f64[N, 3]}, {@code bool[?]}. */
    @Override
    public String toString() {
        if (dims.isEmpty()) return dtype.spelling();
        var sb = new StringBuilder(dtype.spelling()).append('[');
        for (int i = 0; i < dims.size(); i++) sb.append(i > 0 ? ", " : "").append(dims.get(i));
        return sb.append(']').toString();
    }

    /** Reads what {@link #toString} writes (spaces after commas optional). */
    public static TensorSpec parse(String s) {
        int open = s.indexOf('[');
        if (open < 0) return new TensorSpec(DType.fromSpelling(s.strip()), List.of());
        if (!s.endsWith("]")) throw new IllegalArgumentException("bad tensor type '" + s + "'");
        var dims = new ArrayList<DimSpec>();
        for (String d : s.substring(open + 1, s.length() - 1).split(",")) dims.add(DimSpec.parse(d.strip()));
        return new TensorSpec(DType.fromSpelling(s.substring(0, open).strip()), dims);
    }
}
