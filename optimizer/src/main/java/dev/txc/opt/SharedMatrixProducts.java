package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Graphs;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Rewriter;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matrix-vector products that share their matrix and do not depend on one another become one product with a few
 * columns: {@code W @ x} and {@code W @ v} become {@code (W @ stack(x, v))[:, 0]} and {@code [:, 1]}, which reads W
 * from memory once instead of twice (the runtime dots each band of W's rows with every column while the band is in
 * cache). The Hessian-vector product {@code rop(grad(f(W @ x), x), x, v)} has this pair; so do a forward value and
 * its directional derivative. At most four products merge, as the runtime's few-column kernel takes four.
 */
public final class SharedMatrixProducts implements Pass {
    static final int MAX = 4;

    @Override
    public String name() {
        return "shared-matrix-products";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        for (int guard = 0; guard < 64; guard++) {
            List<Node> group = group(f);
            if (group.isEmpty()) return f;
            f = merge(f, group);
        }
        return f;
    }

    /** The first set of 2 to {@link #MAX} mergeable products with one matrix, in schedule order; empty when none. */
    private static List<Node> group(Function f) {
        var byMatrix = new LinkedHashMap<Node, List<Node>>();
        for (Node n : Graphs.ancestors(f.roots())) {
            if (n.op() != Op.MATMUL || !(n.inputs().get(0).type() instanceof TensorType a) || a.rank() != 2) continue;
            if (!(n.inputs().get(1).type() instanceof TensorType b) || b.rank() != 1 || !isFloat(b.dtype())) continue;
            byMatrix.computeIfAbsent(n.inputs().get(0), k -> new ArrayList<>()).add(n);
        }
        for (List<Node> products : byMatrix.values()) {
            var chosen = new ArrayList<Node>();
            for (Node p : products) {
                if (chosen.size() == MAX) break;
                if (!chosen.isEmpty() && !p.inputs().get(1).type().equals(chosen.get(0).inputs().get(1).type())) continue;
                if (chosen.stream().allMatch(q -> independent(p, q))) chosen.add(p);
            }
            if (chosen.size() > 1) return chosen;
        }
        return List.of();
    }

    private static boolean isFloat(DType d) {
        return d == DType.F32 || d == DType.F64;
    }

    /** Neither product is computed from the other. */
    private static boolean independent(Node p, Node q) {
        return !Graphs.ancestors(List.of(p.inputs().get(1))).contains(q) && !Graphs.ancestors(List.of(q.inputs().get(1))).contains(p);
    }

    /** Replaces each product of the group by a column of one product with the stacked vectors. */
    private static Function merge(Function f, List<Node> group) {
        var columns = new ArrayList<Node>();
        for (Node p : group) columns.add(Ir.expandDims(p.inputs().get(1), List.of(1L)));
        Node product = Ir.matmul(group.get(0).inputs().get(0), Ir.concat(columns, 1));
        Map<Node, Node> column = new HashMap<>();
        for (int j = 0; j < group.size(); j++) column.put(group.get(j), Ir.index(product, Ir.scalarLong(j, DType.I64), 1));
        return Rewriter.rewrite(f, n -> column.getOrDefault(n, n));
    }
}
