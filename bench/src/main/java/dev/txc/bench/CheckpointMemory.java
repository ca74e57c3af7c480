package dev.txc.bench;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Graphs;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import java.util.Map;

/**
 * Storage of the backward pass of {@code scan(checkpoint=K)}: the gradient of the RNN loss of {@link RnnBench} (f64,
 * hidden 64, input 64, batch 32, T steps) compiled at -O2, for several K. Method: the per-step storage of a scan is its
 * stacked results, allocated once per call with [rows, ...] (JvmOps.stackPut); this walks the top-level nodes of the
 * optimized gradient function and adds up the bytes of every stacked scan result (rows = T, or floor(T / K) for a
 * scan with {@code every=K}) and of every concat of such a stack (the checkpoints with the initial carry), which the
 * backward scan reads from its first step to its last, so they are live together at its start: that sum is the peak
 * of the per-step buffers stored across the loop. With checkpoints, the backward scan walks segments of K steps and
 * recomputes each in a scan that stacks its K carries (and hoists U @ x_t for them): those buffers, counted the same
 * way inside the backward body, live for one segment at a time and add to the peak once. The backward scans keep
 * only their final carries (attribute last) and so allocate no stack. Inputs, the T-long views of xs and w and the
 * small carries are the same for every K and not counted.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.txc.bench.CheckpointMemory [T]</pre>
 */
public final class CheckpointMemory {
    private CheckpointMemory() {}

    static final String SOURCE = """
        fn g(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B]) =
            grad(sum((scan OPTS x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }) * w), [W, U, h0])
        """;

    public static void main(String[] args) {
        long steps = args.length > 0 ? Long.parseLong(args[0]) : 100;
        Map<String, Long> dims = Map.of("H", 64L, "I", 64L, "B", 32L, "T", steps);
        System.out.printf("scan(checkpoint=K) RNN gradient, f64 H=64 I=64 B=32 T=%d, -O2: bytes of stacked scan buffers%n", steps);
        for (long k : new long[] {1, 2, 5, 10, 25, 50, 100}) {
            String src = SOURCE.replace("OPTS", k == 1 ? "" : "(checkpoint=" + k + ")");
            var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
            if (!c.ok()) throw new IllegalStateException(c.diagnostics().toString());
            Function g = Pipeline.run(c.module(), Pipeline.Stage.FUSED, new PassContext(2, DType.F64)).function("g");
            long top = 0, segment = 0;
            var seen = new java.util.HashSet<Node>();
            for (Node n : Graphs.postOrder(g.roots(), CheckpointMemory::deps, n -> n.level() < 0 && seen.add(n))) {
                top += buffer(n, dims, steps);
                if (n.op() == Op.SCAN) segment = Math.max(segment, segmentBuffers(n.region(), dims, Math.min(k, steps)));
            }
            long bytes = top + segment;
            System.out.printf("  K=%-4d %,12d bytes (%.2f MiB; stored across the loop %,d, one segment's recomputed steps %,d)%n", k, bytes,
                    bytes / 1048576.0, top, segment);
        }
    }

    /**
     * The bytes of the per-step buffer n allocates in a loop (or before it) of {@code steps} steps: a scan's stacks, a
     * concat of such a stack (the initial carry on top), a product over a whole sequence that becomes a scan's sequence
     * (scan-hoist); 0 for anything else.
     */
    private static long buffer(Node n, Map<String, Long> dims, long steps) {
        if (n.op() == Op.SCAN) return stacks(n, dims, steps);
        if (n.op() == Op.CONCAT && n.inputs().stream().anyMatch(i -> i.op() == Op.TUPLE_GET && i.input(0).op() == Op.SCAN))
            return rowsOfConcat(n, dims, steps) * rowBytes(n.tt(), dims);
        if (n.op() == Op.MATMUL && n.rank() == 3) return steps * rowBytes(n.tt(), dims);
        return 0;
    }

    /**
     * The buffers of one segment of the checkpointed backward pass: the body of the backward scan over segments
     * recomputes a segment's {@code rows} steps in a scan that stacks them; they live for one segment at a time.
     */
    private static long segmentBuffers(Region body, Map<String, Long> dims, long rows) {
        long sum = 0;
        var seen = new java.util.HashSet<Node>();
        for (Node n : Graphs.postOrder(body.results(), CheckpointMemory::deps, n -> n.level() == body.level() && seen.add(n)))
            sum += buffer(n, dims, rows);
        return sum;
    }

    /** A node's operands and, for a node with a body, the outer values the body captures. */
    private static java.util.List<Node> deps(Node n) {
        if (n.region() == null) return n.inputs();
        var out = new java.util.ArrayList<>(n.inputs());
        out.addAll(new dev.txc.ir.Schedule().captures(n.region()));
        return out;
    }

    private static long stacks(Node scan, Map<String, Long> dims, long steps) {
        var types = ((TupleType) scan.type()).elements();
        long sum = 0;
        for (int j = 0; j < types.size(); j++)
            if (!Ir.lastCarries(scan).contains((long) j)) sum += rows(scan, steps) * rowBytes(types.get(j).tensor(), dims);
        return sum;
    }

    private static long rows(Node scan, long steps) {
        return steps / Ir.every(scan);
    }

    private static long rowsOfConcat(Node n, Map<String, Long> dims, long steps) {
        long r = 0;
        for (Node i : n.inputs()) {
            Dim d = i.tt().dim(0);
            r += i.op() == Op.TUPLE_GET && i.input(0).op() == Op.SCAN ? rows(i.input(0), steps) : size(d, dims);
        }
        return r;
    }

    private static long rowBytes(TensorType t, Map<String, Long> dims) {
        long n = 8;
        for (Dim d : t.dims().subList(1, t.rank())) n *= size(d, dims);
        return n;
    }

    private static long size(Dim d, Map<String, Long> dims) {
        return switch (d) {
            case Dim.Known(long s) -> s;
            case Dim.Sym(String name) -> dims.get(name);
            case Dim.Any a -> throw new IllegalStateException("a size known only at run time outside a scan stack");
        };
    }
}
