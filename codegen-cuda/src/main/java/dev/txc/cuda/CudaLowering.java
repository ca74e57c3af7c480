package dev.txc.cuda;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Schedule;
import dev.txc.ir.Tensor;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Lowering;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.cuda.plan.HostPlan.Arg;
import dev.txc.runtime.cuda.plan.HostPlan.Expr;
import dev.txc.types.DType;
import dev.txc.types.Dim;
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
 * (transpose, expand_dims, squeeze, broadcast_to, reshape, slice) that move no data. An op without a CUDA kernel is a
 * compile error naming the op and its source line; there is no CPU fallback.
 */
public final class CudaLowering {
    /** Most blocks of the first pass of a reduction over all axes (each writes one f64 partial). */
    static final int MAX_PARTS = 1024;

    private final Function f;
    private final PtxTarget target;
    private final Schedule schedule = new Schedule();
    private final Map<Node, Integer> values = new HashMap<>();
    private final List<String> dtypes = new ArrayList<>();
    private final List<HostPlan.Step> steps = new ArrayList<>();
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
        for (Function.Output o : f.outputs()) outputs.add(value(o.value()));
        var updates = new ArrayList<HostPlan.Update>();
        for (Function.Update u : f.updates()) updates.add(new HostPlan.Update(sharedNames.indexOf(u.shared()), value(u.value())));
        String text = PtxModuleText.of(target, entries.values(), PtxModule::routine);
        var plan = new HostPlan(f.name(), text, f.params().size(), sharedNames.size(), dtypes, steps, outputs, updates);
        return new PtxModule(target, text, List.copyOf(entries.values()), plan);
    }

    private final Map<String, Integer> sharedValues = new HashMap<>();

    private int newValue(Node n) {
        int v = dtypes.size();
        dtypes.add(n == null ? null : n.dtype().spelling());
        if (n == null) return v;
        values.put(n, v);
        ranks.put(v, n.rank());
        if (n.rank() == 1 && n.tt().dim(0) instanceof Dim.Known(long size)) lengths.put(v, Math.toIntExact(size));
        return v;
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

    private void node(Node n) {
        switch (n.op()) {
            case PARAM, CONST, REGION_PARAM -> { }
            case SHARED -> {
                int v = sharedValues.get(n.attrs().str("name"));
                values.put(n, v);
                dtypes.set(v, n.dtype().spelling());
                // a shared variable's value number is made before its node is seen: record its rank now
                ranks.put(v, n.rank());
                if (n.rank() == 1 && n.tt().dim(0) instanceof Dim.Known(long size)) lengths.put(v, Math.toIntExact(size));
            }
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE,
                 GT, GE, AND, OR, XOR, WHERE, CLIP, FUSED -> kernel(n);
            case TRANSPOSE -> transpose(n);
            case EXPAND_DIMS -> expandDims(n);
            case SQUEEZE -> squeeze(n);
            case BROADCAST_TO -> broadcastTo(n);
            case RESHAPE -> reshape(n);
            case SHAPE -> {
                int in = value(n.input(0));
                steps.add(new HostPlan.Shape(define(n), in));
            }
            case SLICE -> {
                int in = value(n.input(0));
                var a = n.attrs();
                steps.add(new HostPlan.Slice(define(n), in, ints(a.longs("starts")), ints(a.longs("stops")), ints(a.longs("steps"))));
            }
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL,
                 CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, INDEX, WINDOW, UNWINDOW, DYN_SLICE,
                 DYN_UNSLICE, SCAN, TUPLE_GET -> library(n);
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN ->
                throw new IllegalStateException(n.op().spelling() + " must be expanded by the grad pass before code generation");
        }
    }

    /** Ops whose kernels come from the library (dev.txc.cuda.lib); none is wired yet. */
    private void library(Node n) {
        throw noKernel(n);
    }

    private CompileException noKernel(Node n) {
        return noKernel(n, n.op());
    }

    /** Op {@code op} (of node n, or inside fused node n) has no CUDA kernel or math routine. */
    private CompileException noKernel(Node n, Op op) {
        return new CompileException(Diagnostic.error(f.locs().get(n),
                op.spelling() + " has no CUDA kernel yet (in function " + f.name() + "); run it on the CPU (without --device cuda)"));
    }

    /** Slice bounds as ints; Long.MIN_VALUE/MAX_VALUE (an absent bound) become NDArray's Integer.MIN_VALUE/MAX_VALUE. */
    private static List<Integer> ints(List<Long> l) {
        return l.stream().map(v -> (int) Math.clamp(v, Integer.MIN_VALUE, Integer.MAX_VALUE)).toList();
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
        for (var in : k.body())
            if (in instanceof dev.txc.ir.kernel.Instr.Apply a && ElementwiseOps.of(a.op()).ptx() instanceof ElementwiseOps.Ptx.Routine
                    && k.dtypeOf(a.args().getFirst()).isFloat() && !PtxRenderer.hasRoutine(a.op(), k.dtypeOf(a.args().getFirst())))
                throw noKernel(n, a.op());
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
            launch(e, List.of(rows), args(k, out, inputs, space, List.of(new HostPlan.Int(rows))));
            return;
        }
        int partials = newValue(null);
        dtypes.set(partials, DType.F64.spelling());
        Expr parts = new HostPlan.Max(new HostPlan.Lit(1), new HostPlan.Min(new HostPlan.Lit(MAX_PARTS), new HostPlan.CeilDiv(count, new HostPlan.Lit(PtxRenderer.BLOCK))));
        steps.add(new HostPlan.Alloc(partials, List.of(parts)));
        launch(e, List.of(parts), args(k, partials, inputs, space, List.of(new HostPlan.Int(parts))));
        DType outType = k.operands().getFirst().dtype();
        PtxEntry fin = entry("txc_finish_" + (red.mean() ? "mean_" : "sum_") + outType.spelling(), () -> PtxRenderer.finish(outType, red.mean()));
        launch(fin, List.of(new HostPlan.Lit(1)), List.of(new HostPlan.Ptr(out), new HostPlan.Ptr(partials), new HostPlan.Int(parts),
                new HostPlan.Int(count), new HostPlan.Int(new HostPlan.Lit(1))));
    }

    /** An elementwise kernel writing a fresh contiguous {@code out} over the broadcast index space of its operands. */
    private void elementwise(String name, Kernel k, int rank, int out, List<Integer> inputs, List<Integer> shapes) {
        var space = space(k, rank, inputs, shapes);
        contiguous.add(out);
        steps.add(new HostPlan.Alloc(out, space));
        PtxEntry e = entry(name, () -> PtxRenderer.render(name, k, rank));
        Expr count = new HostPlan.Mul(space);
        launch(e, List.of(new HostPlan.CeilDiv(count, new HostPlan.Lit(PtxRenderer.BLOCK))), args(k, out, inputs, space, List.of()));
    }

    /** The dims of the index space: the broadcast of the inputs' dims (aligned at the right) and of the shape vectors. */
    private List<Expr> space(Kernel k, int rank, List<Integer> inputs, List<Integer> shapes) {
        var dims = new ArrayList<Expr>();
        for (int i = 0; i < rank; i++) {
            var terms = new ArrayList<Expr>();
            for (int o = 0; o < inputs.size(); o++) {
                var op = k.operands().get(o + 1);
                if (op.scalar()) continue;
                int r = rankOf(inputs.get(o));
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

    private void launch(PtxEntry e, List<Expr> grid, List<Arg> args) {
        if (args.size() != e.params().size())
            throw new IllegalStateException(e.name() + " takes " + e.params().size() + " arguments, the plan passes " + args.size());
        int shared = switch (e.launch()) {
            case PtxEntry.Launch.Flat fl -> 0;
            case PtxEntry.Launch.Rows r -> r.sharedBytes();
            case PtxEntry.Launch.Tiles t -> t.sharedBytes();
        };
        var g = new ArrayList<>(grid);
        while (g.size() < 3) g.add(new HostPlan.Lit(1));
        steps.add(new HostPlan.Launch(e.name(), g, blockOf(e.launch()), shared, args));
    }

    private static int blockOf(PtxEntry.Launch l) {
        return switch (l) {
            case PtxEntry.Launch.Flat fl -> fl.block();
            case PtxEntry.Launch.Rows r -> r.block();
            case PtxEntry.Launch.Tiles t -> t.block();
        };
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
        steps.add(new HostPlan.Upload(v, java.util.Arrays.stream(t.shape()).boxed().toList(), bits));
        return v;
    }
}
