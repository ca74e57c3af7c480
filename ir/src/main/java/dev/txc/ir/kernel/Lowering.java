package dev.txc.ir.kernel;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import dev.txc.ir.kernel.Kernel.Operand;
import dev.txc.ir.kernel.Kernel.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Lowering decides how fused regions run: each fused node, and each elementwise node left unfused (at -O0 and
 * -O1), becomes one {@link Kernel} whose operands are bound to graph values. Fusion decided what goes together;
 * this turns a region into a loop body over operands, with broadcasts inside it widening the index space.
 */
public final class Lowering {
    private Lowering() {}

    /**
     * A kernel and what its operands are bound to: {@code inputs} (after the one output, in operand order) and the
     * shape vectors widening its index space.
     */
    public record Lowered(Kernel kernel, List<Node> inputs, List<Node> shapes) {}

    /** Whether the node runs as a kernel: a fused region, or an elementwise op that is not a view. */
    public static boolean lowers(Node n) {
        return n.op() == Op.FUSED || (n.op() != Op.BROADCAST_TO && ElementwiseOps.of(n.op()).elementwise());
    }

    /**
     * Whether a reduction can end a kernel (its epilogue): a float sum or mean over all axes or over the last one.
     * Fusion takes such a reduction together with the elementwise producers of its input.
     */
    public static boolean reducible(Node n) {
        if ((n.op() != Op.SUM && n.op() != Op.MEAN) || !n.dtype().isFloat()) return false;
        int rank = n.input(0).rank();
        var axes = n.attrs().longs("axes");
        if (rank == 0 || axes.isEmpty()) return false;
        boolean all = axes.size() == rank, last = axes.size() == 1 && axes.getFirst() == rank - 1;
        return all || last;
    }

    /** Scalar constants are inlined into kernels as literals rather than bound as operands. */
    public static boolean inlined(Node n) {
        return n.op() == Op.CONST && n.tt().isScalar();
    }

    public static Lowered lower(Node n) {
        if (n.op() == Op.FUSED) return fused(n);
        if (!lowers(n)) throw new IllegalArgumentException("not a kernel: " + n.op().spelling());
        var inputs = new ArrayList<Node>();
        for (Node in : n.inputs()) if (!inlined(in) && !inputs.contains(in)) inputs.add(in);
        return new Lowered(build(inputs, List.of(n), n, 0, null), inputs, List.of());
    }

    /** A fused node: its body's params stand for the operands; params used only as a broadcast's shape widen the space. */
    private static Lowered fused(Node n) {
        Region r = n.region();
        var body = new ArrayList<Node>();
        for (Node b : new Schedule().block(r.results(), r.level(), new LinkedHashSet<>())) if (b.op() != Op.REGION_PARAM) body.add(b);
        var shapeParams = new HashSet<Node>();
        for (Node b : body) if (b.op() == Op.BROADCAST_TO) shapeParams.add(b.input(1));
        var params = new ArrayList<Node>();
        var inputs = new ArrayList<Node>();
        var shapes = new ArrayList<Node>();
        for (int k = 0; k < r.params().size(); k++) {
            Node p = r.params().get(k);
            if (shapeParams.contains(p)) shapes.add(n.input(k));
            else {
                params.add(p);
                inputs.add(n.input(k));
            }
        }
        Node result = r.results().getFirst();
        if (!reducible(result)) return new Lowered(build(params, body, result, shapes.size(), null), inputs, shapes);
        body.remove(result);
        var red = new Kernel.Reduction(result.op() == Op.MEAN, result.attrs().longs("axes").size() == result.input(0).rank(),
                result.attrs().bool("keepdims"));
        return new Lowered(build(params, body, result.input(0), shapes.size(), red), inputs, shapes);
    }

    /** The kernel computing {@code out} from {@code body} over operands {@code params} (one load each). */
    private static Kernel build(List<Node> params, List<Node> body, Node out, int shapes, Kernel.Reduction red) {
        var operands = new ArrayList<Operand>();
        operands.add(new Operand(Role.OUT, out.dtype(), out.tt().isScalar()));
        var instrs = new ArrayList<Instr>();
        Map<Node, Integer> ids = new HashMap<>();
        for (Node p : params) {
            boolean scalar = invariant(p);
            operands.add(new Operand(Role.IN, p.dtype(), scalar, !scalar && lastIsOne(p) && out.rank() > 0 && !lastIsOne(out)));
            ids.put(p, instrs.size());
            instrs.add(new Instr.Load(operands.size() - 1));
        }
        Map<Node, Integer> lits = new LinkedHashMap<>();
        for (Node b : body) {
            var args = new ArrayList<Integer>();
            for (Node in : b.op() == Op.BROADCAST_TO ? List.of(b.input(0)) : b.inputs()) args.add(value(in, ids, lits, instrs));
            ids.put(b, instrs.size());
            instrs.add(new Instr.Apply(b.op(), b.dtype(), args));
        }
        instrs.add(new Instr.Store(0, value(out, ids, lits, instrs)));
        return new Kernel(operands, shapes, instrs, red);
    }

    /**
     * Whether an input is the same at every index: rank 0, or one element (a {@code [1.0]} from a gradient's seed, a
     * {@code [1, 1]} bias), which broadcasts to the whole index space. Such operands are loaded once, so a stride-0
     * operand does not force the strided scalar loop.
     */
    private static boolean invariant(Node p) {
        return p.tt().isScalar() || p.tt().isStatic() && p.tt().staticSize() == 1;
    }

    /**
     * Whether n's last dim is 1: as an input of a kernel whose rows are longer, it is the same along each row (a
     * {@code [B, 1]} mean or sum kept for broadcasting), a row operand.
     */
    private static boolean lastIsOne(Node n) {
        return n.rank() > 0 && n.tt().dim(n.rank() - 1).isOne();
    }

    private static int value(Node in, Map<Node, Integer> ids, Map<Node, Integer> lits, List<Instr> instrs) {
        Integer id = ids.get(in);
        if (id != null) return id;
        if (!inlined(in)) throw new IllegalStateException("kernel operand not bound: " + in);
        return lits.computeIfAbsent(in, c -> {
            var v = c.constValue();
            instrs.add(new Instr.Lit(c.dtype(), v.getDouble(0), v.getLong(0)));
            return instrs.size() - 1;
        });
    }

    /** Every kernel of a function, in schedule order, nested regions (scan bodies) included. */
    public static Map<Node, Lowered> kernels(Function f) {
        var out = new LinkedHashMap<Node, Lowered>();
        var schedule = new Schedule();
        collect(schedule.function(f), schedule, out);
        return out;
    }

    private static void collect(List<Node> block, Schedule schedule, Map<Node, Lowered> out) {
        for (Node n : block) {
            if (lowers(n)) out.computeIfAbsent(n, Lowering::lower);
            else if (n.region() != null) collect(schedule.block(n.region().results(), n.region().level(), new LinkedHashSet<>()), schedule, out);
        }
    }
}
