package dev.txc.ir;

import dev.txc.types.Type;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;

/**
 * Checks the invariants passes must keep: every node's type is what its op's rule infers, parameters are
 * distinct, roots belong to the function body, differentiation ops are gone once expanded, and fused bodies
 * hold only elementwise work on their own params.
 */
public final class Verifier {
    private Verifier() {}

    /** A broken invariant: a compiler bug, never a user error. */
    public static final class VerifyException extends IllegalStateException {
        public VerifyException(String message) {
            super(message);
        }
    }

    public static void verify(Function f, boolean differentiated) {
        var names = new HashSet<String>();
        for (Node p : f.params())
            if (!names.add(p.attrs().str("name"))) fail(f, "parameter " + p.attrs().str("name") + " appears twice");
        for (Node r : f.roots()) if (r.level() != -1) fail(f, "root " + r + " depends on a region parameter");
        for (Node n : Graphs.reachable(f.roots())) check(f, n, differentiated);
    }

    private static void check(Function f, Node n, boolean differentiated) {
        if (differentiated && n.op().kind() == Op.Kind.DIFF) fail(f, n.op().spelling() + " remains after differentiation");
        if (n.op().kind() != Op.Kind.LEAF) {
            Type t;
            try {
                t = TypeRules.infer(n.op(), n.inputs(), n.attrs());
            } catch (RuntimeException e) {
                fail(f, "node " + n + " no longer type-checks: " + e.getMessage());
                return;
            }
            if (!t.equals(n.type())) fail(f, "node " + n + " has type " + n.type() + " but its rule gives " + t);
        }
        if (n.op() == Op.FUSED) checkFused(f, n);
    }

    private static void checkFused(Function f, Node n) {
        Region r = n.region();
        var captures = new LinkedHashSet<Node>();
        for (Node b : new Schedule().block(r.results(), r.level(), captures)) {
            boolean ok = b.op() == Op.REGION_PARAM || b.op().isElementwise() || b.op() == Op.BROADCAST_TO
                    || (b == r.results().getFirst() && dev.txc.ir.kernel.Lowering.reducible(b));
            if (!ok) fail(f, "fused body holds " + b.op().spelling());
        }
        for (Node c : captures)
            if (!(c.isConst() && c.tt().isScalar())) fail(f, "fused body captures " + c + " (only scalar constants may be captured)");
    }

    private static void fail(Function f, String message) {
        throw new VerifyException("verifier: function " + f.name() + ": " + message);
    }
}
