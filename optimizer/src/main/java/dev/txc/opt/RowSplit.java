package dev.txc.opt;

import dev.txc.ir.Attrs;
import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SharedVar;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.types.Combine;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The data-parallel split of a function over the rows of its data: {@code F} becomes {@code F__part}, which computes
 * partial results on a block of rows, and {@code F__merge}, which takes the combined partial results and computes
 * {@code F}'s outputs and updates. Running {@code F__part} on every block, combining its outputs (each named after its
 * {@link Combine}) and calling {@code F__merge} gives what {@code F} gives on all rows, up to the order of sums.
 *
 * <p>The <em>row variables</em> are the shared variables {@code F} reads whose first dimension is {@code ?}; they hold
 * one entry per row along axis 0. Every value is classified: a row value has one axis along the rows (tracked through
 * elementwise broadcasting, views and matrix products); a reduction over that axis (sum, mean, max, min, prod, any,
 * all, a matrix product contracting it, {@code sum_to} a row-free shape) is a <em>cut</em>, computed partially per
 * block; everything else is row-free. Row counts that reach arithmetic (the {@code 1/N} of a mean's gradient) use the
 * whole data's count, the parameter {@code __rows}; row counts that only shape a value (a broadcast to a row value's
 * shape) use the block's. What cannot be split this way (a softmax across rows, a row value computed from a cut, an
 * output per row) is a located error. Runs on the optimized IR, before fusion.
 */
public final class RowSplit {
    public static final String PART = "__part";
    public static final String MERGE = "__merge";
    public static final String ROWS = "__rows";

    /** What a value is: its row axis (or -1 for row-free), whether it depends on a row count, whether on a cut. */
    private record Info(int axis, boolean count, boolean reduced) {
        boolean row() {
            return axis >= 0;
        }
    }

    private static final Info FREE = new Info(-1, false, false);

    private final Function f;
    private final Set<String> rowVars, rowParams;
    private final Map<Node, Info> infos = new HashMap<>();
    private final Map<Node, Combine> cuts = new LinkedHashMap<>();
    private final Node rows = Ir.param(ROWS, TensorType.scalar(DType.I64));

    private RowSplit(Function f, Set<String> rowVars, Set<String> rowParams) {
        this.f = f;
        this.rowVars = rowVars;
        this.rowParams = rowParams;
    }

    /** The shared variables of {@code m} that count as row data: first dimension {@code ?}. */
    public static Set<String> rowVariables(Module m) {
        var s = new TreeSet<String>();
        for (SharedVar v : m.shared()) if (v.type().rank() >= 1 && v.type().dim(0) instanceof Dim.Any) s.add(v.name());
        return s;
    }

    /**
     * The parameters of {@code f} that count as row data when it runs over row blocks in one process: those whose
     * first dimension is the one leading the first matrix (or higher-rank) parameter. That is a dimension variable
     * ({@code x: f64[N, F]}, {@code y: f64[N]}; the variable appearing nowhere else in the parameters' types), or
     * {@code ?} ({@code Tx.dmatrix}, {@code Tx.dvector}), where every parameter whose first dimension is {@code ?}
     * counts and the caller checks at run time that their first dimensions agree. Empty when there is none.
     */
    public static Set<String> rowParameters(Function f) {
        Dim rows = null;
        for (Node p : f.params())
            if (p.rank() >= 2 && (p.tt().dim(0) instanceof Dim.Sym || p.tt().dim(0) instanceof Dim.Any)) {
                rows = p.tt().dim(0);
                break;
            }
        var out = new TreeSet<String>();
        if (rows == null) return out;
        for (Node p : f.params()) {
            for (int d = 0; d < p.rank(); d++) {
                boolean same = rows instanceof Dim.Any ? p.tt().dim(d) instanceof Dim.Any : rows.equals(p.tt().dim(d));
                if (d == 0 && same) out.add(p.attrs().str("name"));
                else if (d > 0 && same && rows instanceof Dim.Sym) return new TreeSet<>();
            }
        }
        return out;
    }

    /** {@code F__part} and {@code F__merge} for optimized function {@code f} of module {@code m}. */
    public static List<Function> split(Module m, Function f) {
        return split(f, rowVariables(m), Set.of());
    }

    /**
     * {@code F__part} and {@code F__merge} for optimized function {@code f} over the rows of its parameters
     * {@code rowParams} (see {@link #rowParameters}), for running it over row blocks in one process: {@code F__part}
     * takes the blocks in place of those parameters, {@code F__merge} the whole arrays.
     */
    public static List<Function> splitOverParameters(Function f, Set<String> rowParams) {
        return split(f, Set.of(), rowParams);
    }

    private static List<Function> split(Function f, Set<String> rowVars, Set<String> rowParams) {
        var rs = new RowSplit(f, rowVars, rowParams);
        for (Node r : f.roots()) rs.info(r);
        rs.checkOutputs();
        if (rs.cuts.isEmpty()) throw rs.error(f.roots().isEmpty() ? null : f.roots().getFirst(),
                f.name() + " reduces over no row data (row data: the shared variables whose first dimension is ?"
                        + (rs.rowVars.isEmpty() ? "; there are none)" : ": " + String.join(", ", rs.rowVars) + ")"));
        return List.of(rs.part(), rs.merge());
    }

    // ---- classification ----

    private Info info(Node n) {
        Info known = infos.get(n);
        if (known != null) return known;
        var in = new ArrayList<Info>();
        for (Node x : n.inputs()) in.add(info(x));
        Info r = classify(n, in);
        infos.put(n, r);
        return r;
    }

    private Info classify(Node n, List<Info> in) {
        if (n.op() == Op.SHARED) return rowVars.contains(n.attrs().str("name")) ? new Info(0, false, false) : FREE;
        if (n.op() == Op.PARAM) return rowParams.contains(n.attrs().str("name")) ? new Info(0, false, false) : FREE;
        boolean anyRow = in.stream().anyMatch(Info::row);
        boolean count = in.stream().anyMatch(Info::count);
        boolean reduced = in.stream().anyMatch(Info::reduced);
        if (n.op() == Op.SHAPE) return anyRow ? new Info(-1, true, false) : new Info(-1, count, reduced);
        boolean shapedByRows = (n.op() == Op.BROADCAST_TO || n.op() == Op.RESHAPE) && rowShape(n.input(1)) >= 0;
        if (!anyRow && !shapedByRows) {
            if ((n.op() == Op.BROADCAST_TO || n.op() == Op.RESHAPE || n.op() == Op.ARANGE) && count)
                throw error(n, n.op().spelling() + " of a shape computed from the number of rows cannot be split over rows");
            return new Info(-1, count, reduced);
        }
        if (reduced) throw error(n, "a value per row is computed from a reduction over all rows, which needs two passes over the data; "
                + f.name() + " cannot be split over rows");
        return rowRule(n, in);
    }

    /** The row axis of a shape vector that is {@code shape(v)} of a row value v, or -1. */
    private int rowShape(Node s) {
        return s.op() == Op.SHAPE ? info(s.input(0)).axis() : -1;
    }

    private boolean matmulContracts(Node n, Info a, Info b) {
        int ra = n.input(0).rank(), rb = n.input(1).rank();
        if (ra > 2 || rb > 2) throw error(n, "a matrix product with batch dimensions over rows cannot be split");
        boolean aK = a.row() && a.axis() == ra - 1, bK = b.row() && b.axis() == 0 && rb >= 1;
        if (aK != bK) throw error(n, "a matrix product contracts the rows of only one operand");
        return aK;
    }

    /** How reductions over the rows combine across blocks. */
    private static final Map<Op, Combine> COMBINES = Map.of(Op.SUM, Combine.SUM, Op.MEAN, Combine.SUM, Op.PROD, Combine.PROD,
            Op.MAX, Combine.MAX, Op.MIN, Combine.MIN, Op.ANY, Combine.OR, Op.ALL, Combine.AND);

    /** A reduction over the rows, combined across blocks with {@code c}. */
    private Info cut(Node n, Combine c) {
        cuts.put(n, c);
        return new Info(-1, false, true);
    }

    private static Info row(int axis) {
        return new Info(axis, false, false);
    }

    /** What value {@code n} with a row input is: a row value, a cut, or a located error where rows cannot be followed. */
    private Info rowRule(Node n, List<Info> in) {
        Attrs at = n.attrs();
        int a = in.isEmpty() ? -1 : in.getFirst().axis();
        return switch (n.op()) {
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS,
                 TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN,
                 ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, EQ, NE,
                 ATAN2, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP -> row(elementwise(n, in));
            case SUM, MEAN, PROD, MAX, MIN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP -> {
                List<Long> axes = at.longs("axes");
                if (axes.contains((long) a)) {
                    Combine c = COMBINES.get(n.op());
                    if (c == null) throw error(n, n.op().spelling() + " over the rows cannot be split (its partial results do not combine)");
                    yield cut(n, c);
                }
                yield row(at.bool("keepdims") ? a : a - (int) axes.stream().filter(x -> x < a).count());
            }
            case SOFTMAX, LOG_SOFTMAX -> {
                if (at.lng("axis") == a) throw error(n, n.op().spelling() + " across the rows cannot be split over rows");
                yield row(a);
            }
            case ARG_MASK -> {
                if (at.longs("axes").contains((long) a)) throw error(n, "an argmax/argmin over the rows cannot be split");
                yield row(a);
            }
            case CONCAT -> {
                int ax = sameAxis(n, in);
                if (at.lng("axis") == ax) throw error(n, "concatenating along the rows cannot be split over rows");
                yield row(ax);
            }
            case MATMUL -> matmulContracts(n, in.get(0), in.get(1)) ? cut(n, Combine.SUM) : row(matmulAxis(n, in.get(0), in.get(1)));
            case SUM_TO -> in.get(1).row() ? row(in.get(1).axis()) : cut(n, Combine.SUM);
            case TRANSPOSE -> {
                int[] perm = at.ints("perm");
                int j = 0;
                while (perm[j] != a) j++;
                yield row(j);
            }
            case EXPAND_DIMS -> {
                List<Long> axes = at.longs("axes");
                int src = 0, out = 0;
                for (; ; out++) if (!axes.contains((long) out) && src++ == a) break;
                yield row(out);
            }
            case SQUEEZE -> row(a - (int) at.longs("axes").stream().filter(x -> x < a).count());
            case RESHAPE -> row(reshapeAxis(n, in.getFirst()));
            case BROADCAST_TO -> {
                int target = rowShape(n.input(1));
                if (target < 0) throw error(n, "broadcasting a value per row to a fixed shape cannot be split over rows");
                if (in.getFirst().row() && a + n.rank() - n.input(0).rank() != target) throw error(n, "broadcast_to moves the row axis");
                yield row(target);
            }
            case SLICE -> {
                if (!fullRange(at, a)) throw error(n, "slicing along the rows cannot be split over rows");
                yield row(a);
            }
            case INDEX -> {
                long ax = at.lng("axis");
                if (ax == a) throw error(n, "indexing one row cannot be split over rows");
                yield row(ax < a ? a - 1 : a);
            }
            case PARAM, SHARED, CONST, REGION_PARAM, SHAPE -> throw new IllegalStateException("classified before: " + n.op());
            case DIAGONAL, DIAG_EMBED, ARANGE, UNSLICE, UNINDEX, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP,
                 JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET ->
                    throw error(n, n.op().spelling() + " of a value per row cannot be split over rows");
        };
    }

    private int elementwise(Node n, List<Info> in) {
        int axis = sameAxis(n, in);
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).row()) continue;
            TensorType t = n.input(k).tt();
            int d = axis - (n.rank() - t.rank());
            if (d >= 0 && t.dim(d).isKnown() && !t.dim(d).isOne())
                throw error(n, "a value of fixed size " + t.dim(d) + " meets the rows; it cannot be split over rows");
        }
        return axis;
    }

    /** The output row axis every row input agrees on (inputs right-aligned, as broadcasting aligns them). */
    private int sameAxis(Node n, List<Info> in) {
        int axis = -1;
        for (int k = 0; k < in.size(); k++) {
            if (!in.get(k).row()) continue;
            int ax = in.get(k).axis() + n.rank() - n.input(k).rank();
            if (axis >= 0 && ax != axis) throw error(n, "operands with the rows on different axes cannot be split over rows");
            axis = ax;
        }
        return axis;
    }

    private int matmulAxis(Node n, Info a, Info b) {
        int ra = n.input(0).rank(), rb = n.input(1).rank();
        if (a.row() && ra == 2 && a.axis() == 0 && !b.row()) return 0;
        if (!a.row() && b.row() && rb == 2 && b.axis() == 1) return ra == 2 ? 1 : 0;
        throw error(n, "a matrix product mixes rows in a way that cannot be split over rows");
    }

    private int reshapeAxis(Node n, Info x) {
        Node s = n.input(1);
        if (x.row() && x.axis() == 0 && rowShape(s) == 0) return 0;
        Tensor c = s.constValue();
        if (x.row() && x.axis() == 0 && c != null && c.getLong(0) == -1) return 0;
        throw error(n, "a reshape that moves or merges the rows cannot be split over rows");
    }

    private static boolean fullRange(Attrs at, int axis) {
        long start = at.longs("starts").get(axis), stop = at.longs("stops").get(axis), step = at.longs("steps").get(axis);
        return (start == Op.NONE || start == 0) && stop == Op.NONE && (step == Op.NONE || step == 1);
    }

    // ---- F__part ----

    private Function part() {
        var map = new PartMap();
        var outs = new ArrayList<Function.Output>();
        int k = 0;
        for (var e : cuts.entrySet()) outs.add(new Function.Output(e.getValue().outputName(k++), map.partial(e.getKey())));
        var params = new ArrayList<>(f.params());
        params.add(rows);
        return new Function(f.name() + PART, params, f.defaults(), outs, List.of(), f.locs());
    }

    /** Builds {@code F__part}'s nodes: row values as they are, row-free values in a block (L) and whole-data (G) form. */
    private final class PartMap {
        private final Map<Node, Node> row = new HashMap<>(), local = new HashMap<>(), global = new HashMap<>();

        Node partial(Node cut) {
            Node x = rowValue(cut.input(0));
            if (cut.op() == Op.SUM_TO) return cut.withInputs(List.of(x, local(cut.input(1))));
            if (cut.op() != Op.MEAN) return cut.withInputs(cut.inputs().stream().map(this::any).toList());
            // A block's share of a mean: its sum over the reduced axes divided by the whole data's count there.
            List<Long> axes = cut.attrs().longs("axes");
            Node sum = Ir.reduce(Op.SUM, x, axes, cut.attrs().bool("keepdims"));
            Node gshape = wholeShape(x, info(cut.input(0)).axis());
            Node count = null;
            for (long ax : axes) {
                Node d = Ir.index(gshape, Ir.scalarLong(ax, DType.I64), 0);
                count = count == null ? d : Ir.mul(count, d);
            }
            return Ir.div(sum, Ir.cast(count, sum.dtype()));
        }

        private Node any(Node n) {
            return info(n).row() ? rowValue(n) : global(n);
        }

        Node rowValue(Node n) {
            if (!info(n).row()) throw new IllegalStateException("not a row value: " + n);
            Node done = row.get(n);
            if (done != null) return done;
            var ins = new ArrayList<Node>();
            for (int k = 0; k < n.inputs().size(); k++) {
                Node x = n.input(k);
                boolean shapeOperand = k == 1 && (n.op() == Op.BROADCAST_TO || n.op() == Op.RESHAPE || n.op() == Op.SUM_TO);
                ins.add(info(x).row() ? rowValue(x) : shapeOperand ? local(x) : global(x));
            }
            Node r = n.withInputs(ins);
            row.put(n, r);
            return r;
        }

        /** Row-free {@code n} with row counts of the block (as shapes need them). */
        Node local(Node n) {
            if (!info(n).count()) return n;
            return local.computeIfAbsent(n, k -> n.op() == Op.SHAPE ? Ir.shape(rowValue(n.input(0)))
                    : n.withInputs(n.inputs().stream().map(this::local).toList()));
        }

        /** Row-free {@code n} with row counts of the whole data (as arithmetic needs them). */
        Node global(Node n) {
            if (!info(n).count()) return n;
            Node done = global.get(n);
            if (done != null) return done;
            Node r = n.op() == Op.SHAPE ? wholeShape(rowValue(n.input(0)), info(n.input(0)).axis())
                    : n.withInputs(n.inputs().stream().map(this::global).toList());
            global.put(n, r);
            return r;
        }

        /** The shape of row value {@code x} with the whole data's row count on its row axis. */
        private Node wholeShape(Node x, int axis) {
            return Ir.where(rowMask(x.rank(), axis), rows, Ir.shape(x));
        }
    }

    private static Node rowMask(int rank, int axis) {
        long[] m = new long[rank];
        m[axis] = 1;
        return Ir.constant(Tensor.ofLongs(DType.BOOL, new int[] {rank}, m));
    }

    // ---- F__merge ----

    private Function merge() {
        var cutParams = new LinkedHashMap<Node, Node>();
        int k = 0;
        for (Node c : cuts.keySet()) cutParams.put(c, Ir.param("cut" + k++, c.tt()));
        var memo = new HashMap<Node, Node>();
        java.util.function.UnaryOperator<Node>[] map = new java.util.function.UnaryOperator[1];
        map[0] = n -> {
            Node p = cutParams.get(n);
            if (p != null) return p;
            if (!info(n).count() && !info(n).reduced()) return n;
            Node done = memo.get(n);
            if (done != null) return done;
            Node r = n.op() == Op.SHAPE && info(n.input(0)).row() ? wholeShapeFromType(n) : n.withInputs(n.inputs().stream().map(map[0]).toList());
            memo.put(n, r);
            return r;
        };
        var params = new ArrayList<>(f.params());
        params.addAll(cutParams.values());
        params.add(rows);
        var outs = f.outputs().stream().map(o -> new Function.Output(o.name(), map[0].apply(o.value()))).toList();
        var ups = f.updates().stream().map(u -> new Function.Update(u.shared(), map[0].apply(u.value()))).toList();
        return new Function(f.name() + MERGE, params, f.defaults(), outs, ups, f.locs());
    }

    private void checkOutputs() {
        for (Function.Output o : f.outputs())
            if (info(o.value()).row()) throw error(o.value(), "output '" + o.name() + "' has a value per row; a function split over rows must reduce over them");
        for (Function.Update u : f.updates())
            if (info(u.value()).row()) throw error(u.value(), "the update of '" + u.shared() + "' has a value per row; a function split over rows must reduce over them");
    }

    /**
     * {@code shape(v)} of a row value, in {@code F__merge}: a row parameter's own shape, else the whole row count and
     * the other dims from v's type.
     */
    private Node wholeShapeFromType(Node shape) {
        Node v = shape.input(0);
        // a row parameter is the whole data in F__merge (row variables there hold no data: they stay on the workers)
        if (v.op() == Op.PARAM) return shape;
        int axis = info(v).axis();
        long[] dims = new long[v.rank()];
        for (int d = 0; d < dims.length; d++) {
            if (d == axis) continue;
            if (!v.tt().dim(d).isKnown()) throw error(shape, "the shape of a value per row has a dimension other than the rows that is known only at run time");
            dims[d] = v.tt().dim(d).size();
        }
        return Ir.where(rowMask(dims.length, axis), rows, Ir.longs(dims));
    }

    // ---- errors ----

    private CompileException error(Node at, String message) {
        return new CompileException(Diagnostic.error(span(at), "cannot split '" + f.name() + "' over rows: " + message));
    }

    /** The source span of {@code n} or of the nearest input that has one, else of any node of the function. */
    private SourceSpan span(Node n) {
        var seen = new java.util.HashSet<Node>();
        var work = new java.util.ArrayDeque<Node>();
        if (n != null) work.add(n);
        while (!work.isEmpty()) {
            Node x = work.poll();
            if (!seen.add(x)) continue;
            SourceSpan s = f.locs().get(x);
            if (s != null) return s;
            work.addAll(x.inputs());
        }
        return f.locs().values().stream().findFirst().orElse(null);
    }
}
