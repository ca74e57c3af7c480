package dev.txc.bench;

import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Schedule;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Memory traffic of a lowered function as the JVM backend runs it, counted from the IR: every top-level node
 * that is a kernel (an elementwise node or a fused group) or a runtime op reads each distinct input's storage
 * once and writes its output once; views (broadcast, expand/squeeze, transpose, slice, index, reshape) move
 * nothing and share their source's storage; parameters and constants are already in memory, and scalar
 * constants are inlined into kernels. Values inside a fused body stay in registers. The count is the traffic a
 * cache-less machine would see with perfect streaming: a lower bound on DRAM traffic that ignores the JVM's
 * zeroing of fresh arrays and write-allocate reads (measured separately, see RESULTS.md).
 */
public final class Traffic {
    /** One node's contribution. */
    public record Step(String op, long bytesRead, long bytesWritten) {}

    /** Every step in schedule order and the element count of the (first) output. */
    public record Count(List<Step> steps, long outputElements) {
        public long bytes() {
            return steps.stream().mapToLong(s -> s.bytesRead() + s.bytesWritten()).sum();
        }

        public double bytesPerElement() {
            return (double) bytes() / outputElements;
        }

        /** Kernels and runtime ops that move data (views and metadata excluded). */
        public long passes() {
            return steps.stream().filter(s -> s.bytesRead() + s.bytesWritten() >= outputElements).count();
        }
    }

    private Traffic() {}

    /**
     * Counts {@code f}'s traffic for arguments of the given shapes (one per parameter, all float). Shapes of
     * intermediate values come from the reference interpreter, so pass small shapes that keep the same broadcast
     * structure: for elementwise graphs the per-element figure does not depend on the size.
     */
    public static Count count(Function f, List<int[]> argShapes) {
        var order = new ArrayList<Node>();
        for (Node n : new Schedule().block(f.roots(), -1, new LinkedHashSet<>()))
            if (n.type() instanceof TensorType) order.add(n);
        Map<Node, int[]> shapes = shapes(f, order, argShapes);
        Map<Node, Long> storage = new IdentityHashMap<>();
        var steps = new ArrayList<Step>();
        for (Node n : order) {
            long size = Tensor.size(shapes.get(n));
            Step step = switch (n.op()) {
                case PARAM, CONST -> {
                    storage.put(n, size * itemBytes(n));
                    yield null;
                }
                case BROADCAST_TO, EXPAND_DIMS, SQUEEZE, TRANSPOSE, SLICE, INDEX, RESHAPE -> {
                    storage.put(n, storage.get(n.input(0)));
                    yield new Step(n.op().spelling() + " (view)", 0, 0);
                }
                case SHAPE -> {
                    storage.put(n, size * itemBytes(n));
                    yield new Step("shape (metadata)", 0, size * itemBytes(n));
                }
                case SHARED, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2,
                     LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                     SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV,
                     FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP,
                     SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK,
                     MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, WINDOW, UNWINDOW,
                     DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> {
                    long read = 0;
                    for (Node in : new LinkedHashSet<>(n.inputs())) {
                        if (in.op() == Op.CONST && in.tt().isScalar()) continue; // inlined into the kernel
                        read += storage.get(in);
                    }
                    long written = size * itemBytes(n);
                    storage.put(n, written);
                    yield new Step(n.op().spelling(), read, written);
                }
            };
            if (step != null) steps.add(step);
        }
        long outElems = Tensor.size(shapes.get(f.outputs().getFirst().value()));
        return new Count(steps, outElems);
    }

    /** Every node's concrete shape, from one run of the reference interpreter with all of them as outputs. */
    private static Map<Node, int[]> shapes(Function f, List<Node> nodes, List<int[]> argShapes) {
        var args = new java.util.HashMap<String, Tensor>();
        for (int k = 0; k < f.params().size(); k++) {
            int[] s = argShapes.get(k);
            double[] data = new double[Tensor.size(s)];
            for (int i = 0; i < data.length; i++) data[i] = 0.25 + i % 7 * 0.125;
            args.put(f.paramName(k), Tensor.ofDoubles(f.params().get(k).dtype(), s, data));
        }
        var outs = new ArrayList<Function.Output>();
        for (int k = 0; k < nodes.size(); k++) outs.add(new Function.Output("v" + k, nodes.get(k)));
        var probe = new Function(f.name(), f.params(), Map.of(), outs, List.of(), Map.of());
        List<Tensor> vals = Interpreter.run(probe, args, name -> {
            throw new IllegalArgumentException("traffic count does not support shared variables (" + name + ")");
        }).outputs();
        Map<Node, int[]> shapes = new IdentityHashMap<>();
        for (int k = 0; k < nodes.size(); k++) shapes.put(nodes.get(k), vals.get(k).shape());
        return shapes;
    }

    private static long itemBytes(Node n) {
        DType d = n.dtype();
        return Math.max(1, d.bits() / 8);
    }

    /** The per-node table, one line each, for the report. */
    public static String describe(Count c) {
        var sb = new StringBuilder();
        for (Step s : c.steps()) {
            sb.append(String.format("    %-24s read %6.1f B/elem  write %6.1f B/elem%n", s.op(),
                    (double) s.bytesRead() / c.outputElements(), (double) s.bytesWritten() / c.outputElements()));
        }
        sb.append(String.format("    total %.1f B/elem in %d data-moving passes%n", c.bytesPerElement(), c.passes()));
        return sb.toString();
    }
}
