package dev.txc.cuda;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Ir;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import dev.txc.ir.Tensor;
import dev.txc.cuda.lib.PtxCopy;
import dev.txc.cuda.lib.PtxMatmul;
import dev.txc.cuda.lib.PtxReduce;
import dev.txc.cuda.lib.PtxSoftmax;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Lowering;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.cuda.plan.HostPlan.Arg;
import dev.txc.runtime.cuda.plan.HostPlan.Expr;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one lowered function (the optimizer's output at the {@code lowered} stage) for CUDA: a {@link PtxModule}
 * whose entries are the function's kernels (rendered by {@link PtxRenderer}; the library's kernels for the ops that
 * are not elementwise) and whose host plan runs them: allocations, launches with their arguments, and views
 * (transpose, expand_dims, squeeze, broadcast_to, reshape, slice) that move no data, and host loops for scan. Every
 * op has a plan (the switch over ops is exhaustive); there is no CPU fallback.
 */
public final class CudaLowering {
    /** Most blocks of the first pass of a reduction over all axes (each writes one f64 partial). */
    static final int MAX_PARTS = 1024;

    private final Function f;
    private final PtxTarget target;
    private final Schedule schedule = new Schedule();
    private final Map<Node, Integer> values = new HashMap<>();
    private final List<String> dtypes = new ArrayList<>();
    /** Where the plan's steps go: the function's, or (while a scan body is planned) the body's. */
    private List<HostPlan.Step> steps = new ArrayList<>();
    /** The function's own steps: constants are uploaded there, so a value defined once serves every body. */
    private final List<HostPlan.Step> rootSteps = steps;
    /** The plan values of each scan node's results, by tuple index. */
    private final Map<Node, List<Integer>> scanOuts = new HashMap<>();
    private final Map<String, PtxEntry> entries = new LinkedHashMap<>();
    /** Values known to be C-contiguous at offset 0 (arguments, shared variables, allocations and views of them that keep that). */
    private final Set<Integer> contiguous = new HashSet<>();
    private Map<Node, String> kernelNames;

    private CudaLowering(Function f, PtxTarget target) {
        this.f = f;
        this.target = target;
    }

    /**
     * The module of function {@code f} (at the lowered stage), whose shared variables are passed in the order of
     * {@code sharedNames} (the module's declaration order).
     */
    public static PtxModule lower(Function f, List<String> sharedNames, PtxTarget target) {
        return new CudaLowering(f, target).run(sharedNames);
    }

    private PtxModule run(List<String> sharedNames) {
        for (Node p : f.params()) define(p);
        for (String s : sharedNames) {
            int v = newValue(null);
            contiguous.add(v);
            sharedValues.put(s, v);
        }
        kernelNames = LoweredText.kernelNames(Lowering.kernels(f));
        for (Node n : schedule.function(f)) node(n);
        var outputs = new ArrayList<Integer>();
        for (Function.Output o : f.outputs()) outputs.add(result(o.value()));
        var updates = new ArrayList<HostPlan.Update>();
        for (Function.Update u : f.updates()) updates.add(new HostPlan.Update(sharedNames.indexOf(u.shared()), result(u.value())));
        String text = PtxModuleText.of(target, entries.values(), PtxModule::routine);
        var plan = new HostPlan(f.name(), text, f.params().size(), sharedNames.size(), dtypes, steps, outputs, updates);
        return new PtxModule(target, text, List.copyOf(entries.values()), plan);
    }

    private final Map<String, Integer> sharedValues = new HashMap<>();

    /** A result's value, copied when it is a view (results are contiguous). */
    private int result(Node n) {
        int v = value(n);
        return contiguous.contains(v) ? v : copy(n, v);
    }

    private int newValue(Node n) {
        int v = dtypes.size();
        dtypes.add(n == null ? null : n.dtype().spelling());
        if (n != null) describe(v, n);
        return v;
    }

    /** Value v holds node n: its dtype, static rank and (for a vector of static length) length. */
    private void describe(int v, Node n) {
        values.put(n, v);
        dtypes.set(v, n.dtype().spelling());
        ranks.put(v, n.rank());
        if (n.rank() == 1 && n.tt().dim(0) instanceof Dim.Known(long size)) lengths.put(v, Math.toIntExact(size));
    }

    /** Static ranks of values, and the lengths of vectors whose one dim is static (shape operands). */
    private final Map<Integer, Integer> ranks = new HashMap<>(), lengths = new HashMap<>();

    private int define(Node n) {
        int v = newValue(n);
        if (n.op() == Op.PARAM) contiguous.add(v);
        return v;
    }

    private int value(Node n) {
        Integer v = values.get(n);
        if (v != null) return v;
        if (n.op() == Op.CONST) return constant(n);
        throw new IllegalStateException("value used before it is computed: " + n);
    }

    /** Plans node n: one exhaustive switch expression over its op gives what runs for it. */
    private void node(Node n) {
        Runnable plan = switch (n.op()) {
            case PARAM, CONST, REGION_PARAM -> () -> { };
            case SHARED -> () -> describe(sharedValues.get(n.attrs().str("name")), n);
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE,
                 GT, GE, AND, OR, XOR, WHERE, CLIP, FUSED -> () -> kernel(n);
            case TRANSPOSE -> () -> transpose(n);
            case EXPAND_DIMS -> () -> expandDims(n);
            case SQUEEZE -> () -> squeeze(n);
            case BROADCAST_TO -> () -> broadcastTo(n);
            case RESHAPE -> () -> reshape(n);
            case SHAPE -> () -> {
                int in = value(n.input(0));
                steps.add(new HostPlan.Shape(define(n), in));
            };
            case SLICE -> () -> {
                int in = value(n.input(0));
                var a = n.attrs();
                steps.add(new HostPlan.Slice(define(n), in, ints(a.longs("starts")), ints(a.longs("stops")), ints(a.longs("steps"))));
            };
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP -> () -> reduce(n);
            case ARG_MASK -> () -> argMask(n);
            case SOFTMAX, LOG_SOFTMAX -> () -> softmax(n);
            case MATMUL -> () -> matmul(n);
            case SUM_TO -> () -> sumTo(n);
            case INDEX -> () -> index(n);
            case DIAGONAL -> () -> diagonal(n);
            case CONCAT -> () -> concat(n);
            case UNSLICE -> () -> unslice(n);
            case DIAG_EMBED -> () -> diagEmbed(n);
            case WINDOW -> () -> {
                int x = value(n.input(0));
                window(define(n), x, value(n.input(1)), value(n.input(2)), n.attrs().integer("axis"), n.rank());
            };
            case UNWINDOW -> () -> unwindow(n);
            case ARANGE -> () -> arange(n);
            case UNINDEX -> () -> unindex(n);
            case DYN_SLICE -> () -> {
                int x = value(n.input(0));
                dynSlice(define(n), x, value(n.input(1)), value(n.input(2)), n);
            };
            case DYN_UNSLICE -> () -> dynUnslice(n);
            case SCAN -> () -> scan(n);
            case TUPLE_GET -> () -> {
                int v = scanOuts.get(n.input(0)).get(n.attrs().integer("index"));
                describe(v, n);
            };
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN -> () -> {
                throw new IllegalStateException(n.op().spelling() + " must be expanded by the grad pass before code generation");
            };
        };
        plan.run();
    }

    /** Slice bounds as NDArray.sliceNumpy takes them: absent (Op.NONE) is Integer.MIN_VALUE, others clamped into int. */
    private static List<Integer> ints(List<Long> l) {
        return l.stream().map(v -> v == Op.NONE ? Integer.MIN_VALUE : (int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE - 1L, v))).toList();
    }

    // ---- scan: a host loop whose body is a sub-plan over device values

    /**
     * A scan as a {@link HostPlan.Scan} step: the body's nodes planned into their own step list, run once per step by
     * the host; carries and stacks stay on the device. Inits and body results are made contiguous (copied where they
     * are views), so that the carries the body reads and the rows it stacks are contiguous arrays.
     */
    private void scan(Node n) {
        Region r = n.region();
        int nseq = n.attrs().integer("nseq"), ncarry = n.inputs().size() - nseq;
        var seqs = new ArrayList<Integer>();
        var inits = new ArrayList<Integer>();
        for (int k = 0; k < nseq; k++) seqs.add(value(n.input(k)));
        for (int k = 0; k < ncarry; k++) inits.add(result(n.input(nseq + k)));
        var params = new ArrayList<Integer>();
        for (int k = 0; k < r.params().size(); k++) {
            int v = newValue(r.params().get(k));
            if (k >= nseq || contiguous.contains(seqs.get(k))) contiguous.add(v);
            params.add(v);
        }
        var outer = steps;
        steps = new ArrayList<>();
        for (Node b : schedule.block(r.results(), r.level(), new LinkedHashSet<>())) node(b);
        var results = new ArrayList<Integer>();
        for (Node res : r.results()) results.add(result(res));
        var body = steps;
        steps = outer;
        var types = ((TupleType) n.type()).elements();
        var last = Ir.lastCarries(n);
        var outs = new ArrayList<Integer>();
        var empty = new ArrayList<List<Expr>>();
        for (int k = 0; k < types.size(); k++) {
            TensorType tt = types.get(k).tensor();
            int v = scratch(tt.dtype(), tt.rank());
            contiguous.add(v);
            outs.add(v);
            if (last.contains((long) k)) empty.add(null);
            else empty.add(k < ncarry ? dims(inits.get(k), rankOf(inits.get(k))) : emptyInner(tt));
        }
        scanOuts.put(n, outs);
        steps.add(new HostPlan.Scan(seqs, inits, params, body, results, outs, Ir.every(n),
                last.stream().map(Long::intValue).sorted().toList(), empty));
    }

    /** The inner dims of a stacked per-step output (known, or bound by an argument), or null where one is not known. */
    private List<Expr> emptyInner(TensorType tt) {
        var inner = new ArrayList<Expr>();
        for (int d = 1; d < tt.rank(); d++) {
            Expr e = switch (tt.dim(d)) {
                case Dim.Known(long size) -> new HostPlan.Lit(size);
                case Dim.Sym(String name) -> boundBy(name);
                case Dim.Any() -> null;
            };
            if (e == null) return null;
            inner.add(e);
        }
        return inner;
    }

    /** The size of the argument dim that binds dim variable {@code name}, or null. */
    private Expr boundBy(String name) {
        for (Node p : f.params())
            for (int d = 0; d < p.rank(); d++)
                if (p.tt().dim(d) instanceof Dim.Sym(String s) && s.equals(name)) return new HostPlan.DimOf(values.get(p), d);
        return null;
    }

    // ---- the library's kernels (dev.txc.cuda.lib)

    /** A reduction over any axes: one block per output when the innermost dim is reduced (rows), else one thread per output. */
    private void reduce(Node n) {
        int in = value(n.input(0)), r = n.input(0).rank();
        var axes = axes(n.attrs().longs("axes"), r);
        DType dt = n.input(0).dtype();
        var sch = axes.contains(r - 1) ? PtxReduce.Schedule.BLOCK : PtxReduce.Schedule.THREAD;
        int kept = r - axes.size();
        String name = "reduce_" + n.op().spelling() + "_" + dt.spelling() + "_k" + kept + "_r" + axes.size() + "_" + sch.name().toLowerCase(java.util.Locale.ROOT);
        PtxEntry e = entry(name, () -> PtxReduce.reduce(name, n.op(), dt, kept, axes.size(), sch));
        int out = alloc(n, reducedShape(in, r, axes, n.attrs().bool("keepdims")));
        boolean identity = !Set.of(Op.MAX, Op.MIN, Op.ARGMAX, Op.ARGMIN).contains(n.op());
        var args = reduceArgs(out, in, r, axes);
        if (!identity) nonEmpty(args, n.op());
        launch(e, args);
    }

    /** The arguments PtxReduce takes: out, in, count, inner, then (size, stride) of each kept dim and of each reduced dim. */
    private List<Arg> reduceArgs(int out, int in, int r, List<Integer> axes) {
        var kept = new ArrayList<Expr>();
        var reduced = new ArrayList<Expr>();
        var tail = new ArrayList<Arg>();
        for (int d = 0; d < r; d++) if (!axes.contains(d)) kept.add(new HostPlan.DimOf(in, d));
        for (int d : axes) reduced.add(new HostPlan.DimOf(in, d));
        for (int d = 0; d < r; d++) if (!axes.contains(d)) sizeAndStride(tail, in, d);
        for (int d : axes) sizeAndStride(tail, in, d);
        var args = new ArrayList<Arg>(List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(in), new HostPlan.Int(new HostPlan.Mul(kept)),
                new HostPlan.Int(new HostPlan.Mul(reduced))));
        args.addAll(tail);
        return args;
    }

    private static void sizeAndStride(List<Arg> args, int v, int d) {
        args.add(new HostPlan.Int(new HostPlan.DimOf(v, d)));
        args.add(new HostPlan.Int(new HostPlan.StrideOf(v, d)));
    }

    /** A reduction with no identity over an empty extent fails before launching, with the JVM runtime's message. */
    private void nonEmpty(List<Arg> args, Op op) {
        Expr count = ((HostPlan.Int) args.get(2)).value(), inner = ((HostPlan.Int) args.get(3)).value();
        String numpy = op == Op.MAX ? "maximum" : op == Op.MIN ? "minimum" : op.spelling();
        String message = op == Op.ARGMAX || op == Op.ARGMIN || op == Op.ARG_MASK ? "attempt to get " + numpy + " of an empty sequence"
                : "zero-size array to reduction operation " + numpy + " which has no identity";
        steps.add(new HostPlan.Check(new HostPlan.Max(inner, new HostPlan.Eq(count, new HostPlan.Lit(0))), message));
    }

    private static List<Integer> axes(List<Long> axes, int rank) {
        return axes.stream().map(a -> (int) Math.floorMod(a, rank)).distinct().sorted().toList();
    }

    private static List<Expr> reducedShape(int in, int r, List<Integer> axes, boolean keepdims) {
        var shape = new ArrayList<Expr>();
        for (int d = 0; d < r; d++) {
            if (!axes.contains(d)) shape.add(new HostPlan.DimOf(in, d));
            else if (keepdims) shape.add(new HostPlan.Lit(1));
        }
        return shape;
    }

    /** A fresh contiguous value for node n, of the given shape. */
    private int alloc(Node n, List<Expr> shape) {
        int v = define(n);
        contiguous.add(v);
        steps.add(new HostPlan.Alloc(v, shape));
        return v;
    }

    private static List<Expr> dims(int v, int rank) {
        var l = new ArrayList<Expr>();
        for (int d = 0; d < rank; d++) l.add(new HostPlan.DimOf(v, d));
        return l;
    }

    /** A bool mask shaped like the input, true at the first maximum (minimum) of each reduced slice. */
    private void argMask(Node n) {
        int in = value(n.input(0)), r = n.input(0).rank();
        var axes = axes(n.attrs().longs("axes"), r);
        boolean max = n.attrs().bool("max");
        DType dt = n.input(0).dtype();
        var sch = axes.contains(r - 1) ? PtxReduce.Schedule.BLOCK : PtxReduce.Schedule.THREAD;
        int kept = r - axes.size();
        String name = "arg_mask_" + (max ? "max_" : "min_") + dt.spelling() + "_k" + kept + "_r" + axes.size() + "_" + sch.name().toLowerCase(java.util.Locale.ROOT);
        PtxEntry e = entry(name, () -> PtxReduce.argMask(name, dt, max, kept, axes.size(), sch));
        int out = alloc(n, dims(in, r));
        var args = reduceArgs(out, in, r, axes);
        for (int d = 0; d < r; d++) if (!axes.contains(d)) args.add(new HostPlan.Int(new HostPlan.StrideOf(out, d)));
        for (int d : axes) args.add(new HostPlan.Int(new HostPlan.StrideOf(out, d)));
        nonEmpty(args, max ? Op.ARGMAX : Op.ARGMIN);
        launch(e, args);
    }

    /** softmax / log_softmax along one axis: one block per row when the axis is innermost, else one thread per row. */
    private void softmax(Node n) {
        int in = value(n.input(0)), r = n.input(0).rank();
        int axis = Math.floorMod(n.attrs().integer("axis"), r);
        DType dt = n.dtype();
        boolean log = n.op() == Op.LOG_SOFTMAX;
        var sch = axis == r - 1 ? PtxReduce.Schedule.BLOCK : PtxReduce.Schedule.THREAD;
        String name = n.op().spelling() + "_" + dt.spelling() + "_o" + (r - 1) + "_" + sch.name().toLowerCase(java.util.Locale.ROOT);
        PtxEntry e = entry(name, () -> PtxSoftmax.softmax(name, dt, log, r - 1, sch));
        int out = alloc(n, dims(in, r));
        var others = new ArrayList<Expr>();
        for (int d = 0; d < r; d++) if (d != axis) others.add(new HostPlan.DimOf(in, d));
        var args = new ArrayList<Arg>(List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(in), new HostPlan.Int(new HostPlan.Mul(others)),
                new HostPlan.Int(new HostPlan.DimOf(in, axis)), new HostPlan.Int(new HostPlan.StrideOf(in, axis)), new HostPlan.Int(new HostPlan.StrideOf(out, axis))));
        for (int d = 0; d < r; d++) {
            if (d == axis) continue;
            args.add(new HostPlan.Int(new HostPlan.DimOf(in, d)));
            args.add(new HostPlan.Int(new HostPlan.StrideOf(in, d)));
            args.add(new HostPlan.Int(new HostPlan.StrideOf(out, d)));
        }
        launch(e, args);
    }

    /**
     * NumPy's matmul: a matrix times a vector (either side) is a gemv; everything else is the tiled, batched matmul,
     * a vector operand seen as a 1 x k (k x 1) matrix whose other stride is 0.
     */
    private void matmul(Node n) {
        Node an = n.input(0), bn = n.input(1);
        int a = value(an), b = value(bn), ra = an.rank(), rb = bn.rank();
        DType dt = n.dtype();
        Expr k = new HostPlan.DimOf(a, ra - 1), kb = new HostPlan.DimOf(b, rb == 1 ? 0 : rb - 2);
        steps.add(new HostPlan.Check(new HostPlan.Eq(k, kb),
                "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?)"));
        if ((ra == 2 && rb == 1) || (ra == 1 && rb == 2)) {
            gemv(n, a, b, ra == 2, dt);
            return;
        }
        int batchRank = Math.max(Math.max(ra, 2), Math.max(rb, 2)) - 2;
        Expr zero = new HostPlan.Lit(0), one = new HostPlan.Lit(1);
        Expr m = ra == 1 ? one : new HostPlan.DimOf(a, ra - 2), nn = rb == 1 ? one : new HostPlan.DimOf(b, rb - 1);
        Expr ars = ra == 1 ? zero : new HostPlan.StrideOf(a, ra - 2), acs = new HostPlan.StrideOf(a, ra - 1);
        Expr brs = new HostPlan.StrideOf(b, rb == 1 ? 0 : rb - 2), bcs = rb == 1 ? zero : new HostPlan.StrideOf(b, rb - 1);
        var batch = new ArrayList<Expr>();
        var tail = new ArrayList<Arg>();
        for (int i = 0; i < batchRank; i++) {
            var sizes = new ArrayList<Expr>();
            int ja = i - (batchRank - (ra - 2)), jb = i - (batchRank - (rb - 2));
            if (ra > 2 && ja >= 0) sizes.add(new HostPlan.DimOf(a, ja));
            if (rb > 2 && jb >= 0) sizes.add(new HostPlan.DimOf(b, jb));
            Expr size = sizes.size() == 1 ? sizes.getFirst() : new HostPlan.Broadcast(sizes, "matmul: batch dimensions");
            batch.add(size);
            tail.add(new HostPlan.Int(size));
            tail.add(new HostPlan.Int(ra > 2 ? new HostPlan.BroadcastStride(a, i, batchRank + 2) : zero));
            tail.add(new HostPlan.Int(rb > 2 ? new HostPlan.BroadcastStride(b, i, batchRank + 2) : zero));
        }
        var shape = new ArrayList<Expr>(batch);
        if (ra > 1) shape.add(m);
        if (rb > 1) shape.add(nn);
        boolean ta = an.op() == Op.TRANSPOSE, tb = bn.op() == Op.TRANSPOSE;
        String name = "matmul_" + dt.spelling() + "_b" + batchRank + (ta ? "_ta" : "") + (tb ? "_tb" : "");
        PtxEntry e = entry(name, () -> PtxMatmul.matmul(name, dt, batchRank, ta, tb));
        int out = alloc(n, shape);
        var args = new ArrayList<Arg>(List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(a), new HostPlan.Ptr(b), new HostPlan.Int(m), new HostPlan.Int(nn),
                new HostPlan.Int(k), new HostPlan.Int(new HostPlan.Mul(batch)), new HostPlan.Int(ars), new HostPlan.Int(acs), new HostPlan.Int(brs), new HostPlan.Int(bcs)));
        args.addAll(tail);
        launch(e, args);
    }

    /** y = A x for A @ x, or y = B.T x for x @ B (B's strides swapped): a block per row where A's rows are contiguous. */
    private void gemv(Node n, int a, int b, boolean matrixFirst, DType dt) {
        int mat = matrixFirst ? a : b, vec = matrixFirst ? b : a;
        int rowAxis = matrixFirst ? 0 : 1, colAxis = 1 - rowAxis;
        Node matNode = n.input(matrixFirst ? 0 : 1);
        // A's rows are contiguous for a plain matrix times a vector; x @ B reads B's columns
        boolean rowsContiguous = matrixFirst != (matNode.op() == Op.TRANSPOSE);
        var sch = rowsContiguous ? PtxReduce.Schedule.BLOCK : PtxReduce.Schedule.THREAD;
        String name = "gemv_" + dt.spelling() + "_" + sch.name().toLowerCase(java.util.Locale.ROOT);
        PtxEntry e = entry(name, () -> PtxMatmul.gemv(name, dt, sch));
        Expr m = new HostPlan.DimOf(mat, rowAxis);
        int out = alloc(n, List.of(m));
        launch(e, List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(mat), new HostPlan.Ptr(vec), new HostPlan.Int(m),
                new HostPlan.Int(new HostPlan.DimOf(mat, colAxis)), new HostPlan.Int(new HostPlan.StrideOf(mat, rowAxis)),
                new HostPlan.Int(new HostPlan.StrideOf(mat, colAxis)), new HostPlan.Int(new HostPlan.StrideOf(vec, 0))));
    }

    /**
     * sum_to(g, like): g summed down to like's shape. Leading dims of g are reduced; each other dim is both kept (like's
     * size) and reduced (g's size where like has 1 there, else 1), as PtxReduce allows.
     */
    private void sumTo(Node n) {
        Node gn = n.input(0);
        int g = value(gn), like = value(n.input(1)), rg = gn.rank(), rl = n.input(1).rank();
        int lead = rg - rl;
        DType dt = n.dtype();
        String name = "sum_to_" + dt.spelling() + "_k" + rl + "_r" + rg;
        PtxEntry e = entry(name, () -> PtxReduce.reduce(name, Op.SUM, dt, rl, rg, PtxReduce.Schedule.THREAD));
        int out = alloc(n, dims(like, rl));
        var kept = new ArrayList<Arg>();
        var reduced = new ArrayList<Arg>();
        var counts = new ArrayList<Expr>();
        var inners = new ArrayList<Expr>();
        for (int d = 0; d < rg; d++) {
            Expr gd = new HostPlan.DimOf(g, d), st = new HostPlan.StrideOf(g, d);
            Expr rsize = gd;
            if (d >= lead) {
                Expr ld = new HostPlan.DimOf(like, d - lead);
                rsize = new HostPlan.Select(new HostPlan.Eq(ld, new HostPlan.Lit(1)), gd, new HostPlan.Lit(1));
                kept.add(new HostPlan.Int(ld));
                kept.add(new HostPlan.Int(st));
                counts.add(ld);
            }
            reduced.add(new HostPlan.Int(rsize));
            reduced.add(new HostPlan.Int(st));
            inners.add(rsize);
        }
        var args = new ArrayList<Arg>(List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(g), new HostPlan.Int(new HostPlan.Mul(counts)),
                new HostPlan.Int(new HostPlan.Mul(inners))));
        args.addAll(kept);
        args.addAll(reduced);
        launch(e, args);
    }

    // ---- data movement: views, and the library's strided copy and fill

    private static Expr add(Expr a, Expr b) {
        return new HostPlan.Add(a, b);
    }

    private static Expr mul(Expr... terms) {
        return new HostPlan.Mul(List.of(terms));
    }

    /** x[i] along axis: a view without the axis, at index i (negative counts from the end), bounds-checked. */
    private void index(Node n) {
        int x = value(n.input(0)), i = value(n.input(1)), r = n.input(0).rank();
        int v = define(n);
        indexView(v, x, i, Math.floorMod(n.attrs().integer("axis"), r), r);
        if (Math.floorMod(n.attrs().integer("axis"), r) == 0 && contiguous.contains(x)) contiguous.add(v);
    }

    /** Defines v: x (of rank r) at index i (a scalar; negative counts from the end) along axis, a view, bounds-checked. */
    private void indexView(int v, int x, int i, int axis, int r) {
        Expr size = new HostPlan.DimOf(x, axis), idx = new HostPlan.Element(i, 0);
        Expr negative = new HostPlan.Eq(new HostPlan.Min(idx, new HostPlan.Lit(-1)), idx);
        Expr j = new HostPlan.Select(negative, add(idx, size), idx);
        Expr inRange = new HostPlan.Eq(new HostPlan.Max(new HostPlan.Min(j, add(size, new HostPlan.Lit(-1))), new HostPlan.Lit(0)), j);
        steps.add(new HostPlan.Check(mul(inRange, new HostPlan.Min(size, new HostPlan.Lit(1))), "index is out of bounds for axis " + axis));
        var shape = new ArrayList<Expr>();
        var strides = new ArrayList<Expr>();
        for (int d = 0; d < r; d++) {
            if (d == axis) continue;
            shape.add(new HostPlan.DimOf(x, d));
            strides.add(new HostPlan.StrideOf(x, d));
        }
        steps.add(new HostPlan.View(v, x, shape, strides, add(new HostPlan.OffsetOf(x), mul(j, new HostPlan.StrideOf(x, axis)))));
    }

    /** The adjoint of x[i]: zeros of like's shape with g written at index i of the axis (the view index reads). */
    private void unindex(Node n) {
        int g = value(n.input(0)), i = value(n.input(1)), like = value(n.input(2)), r = n.rank();
        int out = zeros(n, like, r);
        int region = scratch(n.dtype(), r - 1);
        indexView(region, out, i, Math.floorMod(n.attrs().integer("axis"), r), r);
        fits(region, g, r - 1, "unindex: the array does not fit the indexed region");
        copyInto(region, g, r - 1, n.dtype());
    }

    /** A plan value that no node names (a view made on the way), of dtype dt and rank r. */
    private int scratch(DType dt, int r) {
        int v = newValue(null);
        dtypes.set(v, dt.spelling());
        ranks.put(v, r);
        return v;
    }

    /** Checks at run time that value g has region's shape (both of rank r). */
    private void fits(int region, int g, int r, String message) {
        for (int d = 0; d < r; d++)
            steps.add(new HostPlan.Check(new HostPlan.Eq(new HostPlan.DimOf(region, d), new HostPlan.DimOf(g, d)), message));
    }

    /** Defines v: x[start:stop:step] along node n's axis with run-time bounds (scalars), a view. */
    private void dynSlice(int v, int x, int start, int stop, Node n) {
        int axis = Math.floorMod(n.attrs().integer("axis"), n.rank());
        steps.add(new HostPlan.DynSlice(v, x, axis, new HostPlan.Element(start, 0), new HostPlan.Element(stop, 0), n.attrs().lng("step")));
    }

    /** The adjoint of a dynamic slice: zeros of like's shape with g written into the slice. */
    private void dynUnslice(Node n) {
        int g = value(n.input(0)), start = value(n.input(1)), stop = value(n.input(2)), like = value(n.input(3)), r = n.rank();
        int out = zeros(n, like, r);
        int region = scratch(n.dtype(), r);
        dynSlice(region, out, start, stop, n);
        fits(region, g, r, "dyn_unslice: the array does not fit the slice region");
        copyInto(region, g, r, n.dtype());
    }

    /** arange(start, stop, step): the host sizes it from the three scalars, the library's kernel fills it. */
    private void arange(Node n) {
        int start = value(n.input(0)), stop = value(n.input(1)), step = value(n.input(2));
        int out = define(n);
        contiguous.add(out);
        steps.add(new HostPlan.Arange(out, start, stop, step));
        DType dt = n.dtype();
        String name = "arange_" + dt.spelling();
        PtxEntry e = entry(name, () -> PtxCopy.arangeAt(name, dt));
        launch(e, List.of(new HostPlan.Ptr(out), new HostPlan.Int(new HostPlan.SizeOf(out)), new HostPlan.Ptr(start), new HostPlan.Ptr(step)));
    }

    /** The main diagonal of a matrix: a view with stride (row stride + column stride). */
    private void diagonal(Node n) {
        int x = value(n.input(0));
        Expr len = new HostPlan.Min(new HostPlan.DimOf(x, 0), new HostPlan.DimOf(x, 1));
        steps.add(new HostPlan.View(define(n), x, List.of(len), List.of(add(new HostPlan.StrideOf(x, 0), new HostPlan.StrideOf(x, 1))),
                new HostPlan.OffsetOf(x)));
    }

    /** Each operand copied into its slice of the result along the axis. */
    private void concat(Node n) {
        int r = n.rank(), axis = Math.floorMod(n.attrs().integer("axis"), r);
        var ins = new ArrayList<Integer>();
        for (Node in : n.inputs()) ins.add(value(in));
        int first = ins.getFirst();
        Expr total = new HostPlan.Lit(0);
        for (int in : ins) {
            total = add(total, new HostPlan.DimOf(in, axis));
            for (int d = 0; d < r; d++)
                if (d != axis) steps.add(new HostPlan.Check(new HostPlan.Eq(new HostPlan.DimOf(in, d), new HostPlan.DimOf(first, d)),
                        "all the input array dimensions except for the concatenation axis must match exactly"));
        }
        var shape = new ArrayList<Expr>(dims(first, r));
        shape.set(axis, total);
        int out = alloc(n, shape);
        Expr start = new HostPlan.Lit(0);
        for (int in : ins) {
            int region = region(out, n, dims(in, r), add(new HostPlan.OffsetOf(out), mul(start, new HostPlan.StrideOf(out, axis))));
            copyInto(region, in, r, n.dtype());
            start = add(start, new HostPlan.DimOf(in, axis));
        }
    }

    /** A view of {@code out} (of node n's type) with the given shape, out's strides and the given offset. */
    private int region(int out, Node n, List<Expr> shape, Expr offset) {
        int v = newValue(null);
        dtypes.set(v, n.dtype().spelling());
        ranks.put(v, shape.size());
        var strides = new ArrayList<Expr>();
        for (int d = 0; d < n.rank(); d++) strides.add(new HostPlan.StrideOf(out, d));
        steps.add(new HostPlan.View(v, out, shape, strides, offset));
        return v;
    }

    /** dst[...] = src[...] over views of the same shape (rank r), by the library's strided copy. */
    private void copyInto(int dst, int src, int r, DType dt) {
        String name = "copy_b" + 8 * dt.itemSize() + "_r" + r;
        PtxEntry e = entry(name, () -> PtxCopy.copy(name, dt, r));
        var args = new ArrayList<Arg>(List.of(new HostPlan.Ptr(dst), new HostPlan.Ptr(src), new HostPlan.Int(new HostPlan.Mul(dims(src, r)))));
        for (int d = 0; d < r; d++) {
            args.add(new HostPlan.Int(new HostPlan.DimOf(src, d)));
            args.add(new HostPlan.Int(new HostPlan.StrideOf(dst, d)));
            args.add(new HostPlan.Int(new HostPlan.StrideOf(src, d)));
        }
        launch(e, args);
    }

    /** Zeros of {@code like}'s shape (node n's dtype), by the library's fill. */
    private int zeros(Node n, int like, int rank) {
        int out = alloc(n, dims(like, rank));
        DType dt = n.dtype();
        String name = "fill_b" + 8 * dt.itemSize();
        PtxEntry e = entry(name, () -> PtxCopy.fill(name, dt));
        launch(e, List.of(new HostPlan.Ptr(out), new HostPlan.Int(new HostPlan.SizeOf(out)), new HostPlan.Int(new HostPlan.Lit(0))));
        return out;
    }

    /** The adjoint of a slice: zeros of like's shape with g written into the slice region. */
    private void unslice(Node n) {
        int g = value(n.input(0)), like = value(n.input(1)), r = n.rank();
        int out = zeros(n, like, r);
        var a = n.attrs();
        int region = newValue(null);
        dtypes.set(region, n.dtype().spelling());
        ranks.put(region, r);
        steps.add(new HostPlan.Slice(region, out, ints(a.longs("starts")), ints(a.longs("stops")), ints(a.longs("steps"))));
        for (int d = 0; d < r; d++)
            steps.add(new HostPlan.Check(new HostPlan.Eq(new HostPlan.DimOf(region, d), new HostPlan.DimOf(g, d)),
                    "unslice: the array does not fit the slice region"));
        copyInto(region, g, r, n.dtype());
    }

    /**
     * Defines v: x[start : start + like.dim(axis)] along axis, a view (start a scalar), range-checked as the JVM's
     * window.
     */
    private void window(int v, int x, int start, int like, int axisAttr, int r) {
        int axis = Math.floorMod(axisAttr, r);
        Expr s = new HostPlan.Element(start, 0), len = new HostPlan.DimOf(like, axis), end = add(s, len);
        Expr ok = mul(new HostPlan.Eq(new HostPlan.Max(s, new HostPlan.Lit(0)), s),
                new HostPlan.Eq(new HostPlan.Min(end, new HostPlan.DimOf(x, axis)), end));
        steps.add(new HostPlan.Check(ok, "window is out of bounds for axis " + axis));
        var shape = new ArrayList<Expr>(dims(x, r));
        shape.set(axis, len);
        var strides = new ArrayList<Expr>();
        for (int d = 0; d < r; d++) strides.add(new HostPlan.StrideOf(x, d));
        steps.add(new HostPlan.View(v, x, shape, strides, add(new HostPlan.OffsetOf(x), mul(s, new HostPlan.StrideOf(x, axis)))));
    }

    /** The adjoint of a window: zeros of like's shape with g written into the window at start. */
    private void unwindow(Node n) {
        int g = value(n.input(0)), start = value(n.input(1)), like = value(n.input(2)), r = n.rank();
        int out = zeros(n, like, r);
        int region = newValue(null);
        dtypes.set(region, n.dtype().spelling());
        ranks.put(region, r);
        window(region, out, start, g, n.attrs().integer("axis"), r);
        copyInto(region, g, r, n.dtype());
    }

    /** Zeros of like's shape (a matrix) with v on the main diagonal. */
    private void diagEmbed(Node n) {
        int v = value(n.input(0)), like = value(n.input(1));
        int out = zeros(n, like, 2);
        Expr len = new HostPlan.Min(new HostPlan.DimOf(out, 0), new HostPlan.DimOf(out, 1));
        steps.add(new HostPlan.Check(new HostPlan.Eq(new HostPlan.DimOf(v, 0), len), "diag: a diagonal does not fit the matrix"));
        int diag = newValue(null);
        dtypes.set(diag, n.dtype().spelling());
        ranks.put(diag, 1);
        steps.add(new HostPlan.View(diag, out, List.of(len), List.of(add(new HostPlan.StrideOf(out, 0), new HostPlan.StrideOf(out, 1))),
                new HostPlan.OffsetOf(out)));
        copyInto(diag, v, 1, n.dtype());
    }

    // ---- views

    private void transpose(Node n) {
        int in = value(n.input(0));
        int[] perm = n.attrs().ints("perm");
        var shape = new ArrayList<Expr>();
        var strides = new ArrayList<Expr>();
        for (int p : perm) {
            shape.add(new HostPlan.DimOf(in, p));
            strides.add(new HostPlan.StrideOf(in, p));
        }
        steps.add(new HostPlan.View(define(n), in, shape, strides, new HostPlan.OffsetOf(in)));
    }

    /** Size-1 dims inserted at the output positions {@code axes}. */
    private void expandDims(Node n) {
        int in = value(n.input(0));
        var axes = new HashSet<Long>(n.attrs().longs("axes"));
        var shape = new ArrayList<Expr>();
        var strides = new ArrayList<Expr>();
        for (int i = 0, j = 0; i < n.rank(); i++) {
            if (axes.contains((long) i)) {
                shape.add(new HostPlan.Lit(1));
                strides.add(new HostPlan.Lit(0));
            } else {
                shape.add(new HostPlan.DimOf(in, j));
                strides.add(new HostPlan.StrideOf(in, j++));
            }
        }
        int v = define(n);
        steps.add(new HostPlan.View(v, in, shape, strides, new HostPlan.OffsetOf(in)));
        if (contiguous.contains(in)) contiguous.add(v);
    }

    private void squeeze(Node n) {
        int in = value(n.input(0));
        var axes = new HashSet<Long>(n.attrs().longs("axes"));
        var shape = new ArrayList<Expr>();
        var strides = new ArrayList<Expr>();
        for (int j = 0; j < n.input(0).rank(); j++) {
            if (axes.contains((long) j)) continue;
            shape.add(new HostPlan.DimOf(in, j));
            strides.add(new HostPlan.StrideOf(in, j));
        }
        int v = define(n);
        steps.add(new HostPlan.View(v, in, shape, strides, new HostPlan.OffsetOf(in)));
        if (contiguous.contains(in)) contiguous.add(v);
    }

    /** A broadcast that no kernel took in: a view with stride 0 along the broadcast dims. */
    private void broadcastTo(Node n) {
        int in = value(n.input(0)), s = value(n.input(1));
        int r = n.rank();
        var shape = new ArrayList<Expr>();
        var strides = new ArrayList<Expr>();
        for (int i = 0; i < r; i++) {
            int j = i - (r - n.input(0).rank());
            Expr want = new HostPlan.Element(s, i);
            shape.add(j < 0 ? want : new HostPlan.Broadcast(List.of(want, new HostPlan.DimOf(in, j)), "broadcast_to"));
            strides.add(new HostPlan.BroadcastStride(in, i, r));
        }
        steps.add(new HostPlan.View(define(n), in, shape, strides, new HostPlan.OffsetOf(in)));
    }

    /** A reshape of a contiguous value is a view; any other value is first copied into a contiguous one. */
    private void reshape(Node n) {
        int in = value(n.input(0)), s = value(n.input(1));
        if (!contiguous.contains(in)) in = copy(n.input(0), in);
        int v = define(n);
        steps.add(new HostPlan.Reshape(v, in, s));
        contiguous.add(v);
    }

    /** A contiguous copy of value {@code in} (of node {@code of}'s type), by an elementwise kernel. */
    private int copy(Node of, int in) {
        DType d = of.dtype();
        var k = new Kernel(List.of(new Kernel.Operand(Kernel.Role.OUT, d, of.tt().isScalar()), new Kernel.Operand(Kernel.Role.IN, d, of.tt().isScalar())),
                0, List.of(new dev.txc.ir.kernel.Instr.Load(1), new dev.txc.ir.kernel.Instr.Store(0, 0)));
        int v = newValue(null);
        dtypes.set(v, d.spelling());
        ranks.put(v, of.rank());
        elementwise("copy_" + d.spelling() + "_r" + of.rank(), k, of.rank(), v, List.of(in), List.of());
        return v;
    }

    // ---- kernels

    private void kernel(Node n) {
        var lowered = Lowering.lower(n);
        Kernel k = lowered.kernel();
        var inputs = new ArrayList<Integer>();
        for (Node in : lowered.inputs()) inputs.add(value(in));
        var shapes = new ArrayList<Integer>();
        for (Node s : lowered.shapes()) shapes.add(value(s));
        var red = k.reduction();
        int rank = red == null ? n.rank() : n.region().results().getFirst().input(0).rank();
        String name = kernelNames.get(n) + "_r" + rank;
        if (red == null) {
            elementwise(name, k, rank, define(n), inputs, shapes);
            return;
        }
        var space = space(k, rank, inputs, shapes);
        int out = define(n);
        contiguous.add(out);
        var shape = new ArrayList<Expr>();
        if (!red.all()) shape.addAll(space.subList(0, rank - 1));
        if (red.keepdims()) while (shape.size() < rank) shape.add(new HostPlan.Lit(1));
        steps.add(new HostPlan.Alloc(out, shape));
        PtxEntry e = entry(name, () -> PtxRenderer.render(name, k, rank));
        Expr count = new HostPlan.Mul(space);
        if (!red.all()) {
            Expr rows = new HostPlan.Mul(space.subList(0, rank - 1));
            launch(e, args(k, out, inputs, space, List.of(new HostPlan.Int(rows))));
            return;
        }
        int partials = newValue(null);
        dtypes.set(partials, DType.F64.spelling());
        Expr parts = new HostPlan.Max(new HostPlan.Lit(1), new HostPlan.Min(new HostPlan.Lit(MAX_PARTS), new HostPlan.CeilDiv(count, new HostPlan.Lit(PtxRenderer.BLOCK))));
        steps.add(new HostPlan.Alloc(partials, List.of(parts)));
        launch(e, args(k, partials, inputs, space, List.of(new HostPlan.Int(parts))));
        DType outType = k.operands().getFirst().dtype();
        PtxEntry fin = entry("txc_finish_" + (red.mean() ? "mean_" : "sum_") + outType.spelling(), () -> PtxRenderer.finish(outType, red.mean()));
        launch(fin, List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(partials), new HostPlan.Int(parts),
                new HostPlan.Int(count), new HostPlan.Int(new HostPlan.Lit(1))));
    }

    /** An elementwise kernel writing a fresh contiguous {@code out} over the broadcast index space of its operands. */
    private void elementwise(String name, Kernel k, int rank, int out, List<Integer> inputs, List<Integer> shapes) {
        var space = space(k, rank, inputs, shapes);
        contiguous.add(out);
        steps.add(new HostPlan.Alloc(out, space));
        PtxEntry e = entry(name, () -> PtxRenderer.render(name, k, rank));
        Expr count = new HostPlan.Mul(space);
        launch(e, args(k, out, inputs, space, List.of()));
    }

    /** The dims of the index space: the broadcast of the inputs' dims (aligned at the right) and of the shape vectors. */
    private List<Expr> space(Kernel k, int rank, List<Integer> inputs, List<Integer> shapes) {
        var dims = new ArrayList<Expr>();
        for (int i = 0; i < rank; i++) {
            var terms = new ArrayList<Expr>();
            for (int o = 0; o < inputs.size(); o++) {
                var op = k.operands().get(o + 1);
                int r = rankOf(inputs.get(o));
                if (op.scalar() && r == 0) continue;
                int j = i - (rank - r);
                if (j >= 0) terms.add(new HostPlan.DimOf(inputs.get(o), j));
            }
            for (int s = 0; s < shapes.size(); s++) {
                int len = shapeLength(shapes.get(s));
                int j = i - (rank - len);
                if (j >= 0) terms.add(new HostPlan.Element(shapes.get(s), j));
            }
            dims.add(terms.size() == 1 ? terms.getFirst() : new HostPlan.Broadcast(terms, "operands of an elementwise kernel"));
        }
        return dims;
    }

    private int rankOf(int v) {
        Integer r = ranks.get(v);
        if (r == null) throw new IllegalStateException("rank of plan value " + v + " unknown");
        return r;
    }

    /** The length of an i64 shape vector (its one dim, static in the IR). */
    private int shapeLength(int v) {
        Integer len = lengths.get(v);
        if (len == null) throw new IllegalStateException("shape vector of unknown length: plan value " + v);
        return len;
    }

    /** The arguments of a rendered kernel in its parameter order (see {@link PtxRenderer}). */
    private List<Arg> args(Kernel k, int out, List<Integer> inputs, List<Expr> space, List<Arg> tail) {
        var args = new ArrayList<Arg>();
        args.add(new HostPlan.Ptr(out));
        for (int in : inputs) args.add(new HostPlan.Ptr(in));
        args.add(new HostPlan.Int(new HostPlan.Mul(space)));
        var streamed = new ArrayList<Integer>();
        for (int o = 0; o < inputs.size(); o++) if (!k.operands().get(o + 1).scalar()) streamed.add(inputs.get(o));
        args.add(new HostPlan.Int(new HostPlan.Contiguous(streamed, space)));
        for (Expr d : space) args.add(new HostPlan.Int(d));
        for (int o = 0; o < inputs.size(); o++) {
            if (k.operands().get(o + 1).scalar()) continue;
            for (int i = 0; i < space.size(); i++) args.add(new HostPlan.Int(new HostPlan.BroadcastStride(inputs.get(o), i, space.size())));
        }
        args.addAll(tail);
        return args;
    }

    private PtxEntry entry(String name, java.util.function.Supplier<PtxEntry> make) {
        return entries.computeIfAbsent(name, x -> make.get());
    }

    /** Launches entry e with one argument per parameter; its grid follows from the arguments its Launch names. */
    private void launch(PtxEntry e, List<Arg> args) {
        if (args.size() != e.params().size())
            throw new IllegalStateException(e.name() + " takes " + e.params().size() + " arguments, the plan passes " + args.size());
        var named = new HashMap<String, Expr>();
        for (int i = 0; i < args.size(); i++) if (args.get(i) instanceof HostPlan.Int n) named.put(e.params().get(i).name(), n.value());
        Expr one = new HostPlan.Lit(1);
        java.util.function.Function<String, Expr> arg = name -> {
            Expr x = named.get(name);
            if (x == null) throw new IllegalStateException(e.name() + ": its launch names parameter " + name + ", which the plan does not pass");
            return x;
        };
        steps.add(switch (e.launch()) {
            case PtxEntry.Launch.Flat fl -> new HostPlan.Launch(e.name(), List.of(ceilDiv(arg.apply(fl.count()), fl.block()), one, one), fl.block(), 0, args);
            case PtxEntry.Launch.Rows r -> new HostPlan.Launch(e.name(), List.of(arg.apply(r.rows()), one, one), r.block(), r.sharedBytes(), args);
            case PtxEntry.Launch.Tiles t -> new HostPlan.Launch(e.name(),
                    List.of(ceilDiv(arg.apply(t.n()), t.tileN()), ceilDiv(arg.apply(t.m()), t.tileM()), arg.apply(t.batch())), t.block(), t.sharedBytes(), args);
        });
    }

    private static Expr ceilDiv(Expr a, int b) {
        return new HostPlan.CeilDiv(a, new HostPlan.Lit(b));
    }

    /** A constant that is not inlined into a kernel, uploaded once. */
    private int constant(Node n) {
        Tensor t = n.constValue();
        long[] bits = new long[t.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = switch (t.dtype()) {
                case F64 -> Double.doubleToRawLongBits(t.getDouble(i));
                case F32 -> Float.floatToRawIntBits((float) t.getDouble(i)) & 0xFFFFFFFFL;
                case BOOL -> t.getBool(i) ? 1 : 0;
                case I8, I16, I32, I64, U8 -> t.getLong(i);
            };
        }
        int v = define(n);
        contiguous.add(v);
        rootSteps.add(new HostPlan.Upload(v, java.util.Arrays.stream(t.shape()).boxed().toList(), bits));
        return v;
    }
}
