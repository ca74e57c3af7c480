package dev.txc.types;

import java.util.ArrayList;
import java.util.List;

/** A dtype with a fixed rank; each dim may be known, a dim variable, or unknown. Rank 0 is a scalar. Spelled as in {@code .tx}. */
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

    /** Null when {@code shape} has this rank and every known size, else a short explanation starting with a separator. */
    public String shapeProblem(int[] shape) {
        if (shape.length != rank()) return " (rank " + rank() + ", not " + shape.length + ")";
        for (int k = 0; k < rank(); k++)
            if (dims.get(k) instanceof Dim.Known(long size) && size != shape[k]) return " (axis " + k + " must be " + size + ", not " + shape[k] + ")";
        return null;
    }

    /** Whether a tensor of dtype {@code d} and shape {@code shape} has this dtype, rank and every known size. */
    public boolean fits(DType d, int[] shape) {
        return d == dtype && shapeProblem(shape) == null;
    }

    /** {@code f64}, {@code f64[N, 3]}, {@code bool[?]}. */
    @Override
    public String toString() {
        if (dims.isEmpty()) return dtype.spelling();
        var sb = new StringBuilder(dtype.spelling()).append('[');
        for (int i = 0; i < dims.size(); i++) sb.append(i > 0 ? ", " : "").append(dims.get(i));
        return sb.append(']').toString();
    }

    /** Reads what {@link #toString} writes (spaces after commas optional); a bad dtype throws {@link UnknownDTypeException}. */
    public static TensorType parse(String s) {
        int open = s.indexOf('[');
        if (open < 0) return scalar(DType.fromSpelling(s.strip()));
        if (!s.endsWith("]")) throw new IllegalArgumentException("bad tensor type '" + s + "'");
        var dims = new ArrayList<Dim>();
        for (String d : s.substring(open + 1, s.length() - 1).split(",")) dims.add(Dim.parse(d.strip()));
        return new TensorType(DType.fromSpelling(s.substring(0, open).strip()), dims);
    }
}
