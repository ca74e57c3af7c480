package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Rewriter;
import dev.txc.ir.Schedule;
import dev.txc.types.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Moves the matrix products of a loop-invariant matrix and a scan's sequence element out of the loop: one batched
 * product over the whole sequence before the scan becomes a new sequence of it, whose element replaces the per-step
 * product ({@code scan x in xs { U @ x ... }} => {@code scan ux in U @ xs { ux ... }}). The products are the same
 * per step, computed in one call instead of one per step. Scans that keep only every K-th carry (checkpoints) are left
 * as they are, since the product is as large as the stored carries.
 */
public final class ScanHoist implements Pass {
    @Override
    public String name() {
        return "scan-hoist";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        return Rewriter.rewrite(f, n -> n.op() == Op.SCAN ? hoisted(n) : n);
    }

    private static Node hoisted(Node scan) {
        // A scan that keeps every K-th carry stores checkpoints to save memory: a product over the whole sequence would
        // store as much as the carries it leaves out.
        if (Ir.every(scan) > 1) return scan;
        Region r = scan.region();
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m;
        var found = new ArrayList<Node>();
        var seqs = new ArrayList<Node>();
        for (Node n : new Schedule().block(r.results(), r.level(), new LinkedHashSet<>())) {
            Node all = n.op() == Op.MATMUL ? wholeSequence(n, r, scan) : null;
            if (all == null) continue;
            found.add(n);
            seqs.add(all);
        }
        if (found.isEmpty()) return scan;
        var params = new ArrayList<>(r.params().subList(0, m));
        var subst = new HashMap<Node, Node>();
        for (int h = 0; h < found.size(); h++) {
            var t = seqs.get(h).tt();
            Node p = Ir.regionParam(r.level(), params.size(), t.withDims(t.dims().subList(1, t.rank())));
            params.add(p);
            subst.put(found.get(h), p);
        }
        for (int j = 0; j < k; j++) {
            Node p = Ir.regionParam(r.level(), params.size(), r.params().get(m + j).tt());
            params.add(p);
            subst.put(r.params().get(m + j), p);
        }
        var rw = new Rewriter(n -> subst.getOrDefault(n, n));
        var body = new Region(r.level(), params, r.results().stream().map(rw::apply).toList());
        var inputs = new ArrayList<>(scan.inputs().subList(0, m));
        inputs.addAll(seqs);
        inputs.addAll(scan.inputs().subList(m, m + k));
        return Node.make(Op.SCAN, inputs, scan.attrs().with("nseq", (long) (m + seqs.size())).with("body", body));
    }

    /**
     * For a product of a loop-invariant matrix and an element of sequence xs (either order), the same product for every
     * step: a batched product over xs's leading axis (a vector element: xs @ A, or xs @ A^T for A @ x); else null.
     */
    private static Node wholeSequence(Node mm, Region r, Node scan) {
        int m = scan.attrs().integer("nseq");
        for (int side = 0; side < 2; side++) {
            Node x = mm.input(side), a = mm.input(1 - side);
            int i = r.params().indexOf(x);
            if (i < 0 || i >= m || a.level() >= r.level() || a.rank() != 2) continue;
            // only where the product cannot fail: with zero steps the loop's own product never runs, the hoisted one would
            Dim inner = side == 0 ? x.tt().dim(x.rank() - 1) : x.tt().dim(Math.max(0, x.rank() - 2));
            if (!inner.equals(a.tt().dim(side == 0 ? 0 : 1)) || inner.equals(Dim.ANY)) continue;
            Node xs = scan.input(i);
            if (x.rank() >= 2) return side == 0 ? Ir.matmul(xs, a) : Ir.matmul(a, xs);
            if (x.rank() == 1) return Ir.matmul(xs, side == 0 ? a : Ir.transpose(a, 1, 0));
        }
        return null;
    }
}
