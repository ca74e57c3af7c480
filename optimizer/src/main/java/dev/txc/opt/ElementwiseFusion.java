package dev.txc.opt;

import dev.txc.ir.Attrs;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import dev.txc.ir.kernel.Lowering;
import dev.txc.types.Dim;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups elementwise ops into {@code fused} kernels, one loop each. A group grows from a root (an elementwise
 * op, or a sum or mean that {@link Lowering#reducible} can end a kernel with) toward its producers, taking a producer when it is elementwise (or a broadcast of a group input), has the
 * root's shape (or holds one element), lives in the same block, and all its users are already in the group. So every value computed in
 * a kernel is needed only there and nothing but the root is written to memory. Values with users elsewhere stay
 * materialized, except {@linkplain #recomputed cheap ones} that only elementwise kernels read: each of those kernels
 * computes them again (an add or a cast costs less than a kernel of its own, its output and the reads of it).
 */
public final class ElementwiseFusion implements Pass {
    @Override
    public String name() {
        return "elementwise-fusion";
    }

    /** The most nodes one fused kernel holds. */
    static final int MAX_NODES = 256;

    private static final Node EXTERNAL = Ir.scalar(0, dev.txc.types.DType.BOOL);

    @Override
    public Function run(Function f, PassContext cx) {
        Map<Node, List<Node>> users = users(f.roots());
        Map<Node, Set<Node>> groups = groups(users, recomputed(users));
        if (groups.isEmpty()) return f;
        var fusion = new Builder(groups);
        var locs = new java.util.LinkedHashMap<>(f.locs());
        Function out = f.mapRoots(fusion::rebuild);
        fusion.memo.forEach((from, to) -> {
            var s = f.locs().get(from);
            if (s != null) locs.putIfAbsent(to, s);
        });
        return out.withLocs(locs);
    }

    /** Every node's users; function roots and region results count an external user. */
    private static Map<Node, List<Node>> users(List<Node> roots) {
        var users = new HashMap<Node, List<Node>>();
        for (Node r : roots) users.computeIfAbsent(r, k -> new ArrayList<>()).add(EXTERNAL);
        for (Node n : dev.txc.ir.Graphs.reachable(roots)) {
            users.computeIfAbsent(n, k -> new ArrayList<>());
            for (Node in : n.inputs()) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            Region r = n.region();
            if (r != null) for (Node res : r.results()) users.computeIfAbsent(res, k -> new ArrayList<>()).add(EXTERNAL);
        }
        return users;
    }

    private static boolean fusible(Node n) {
        return n.op().isElementwise() || n.op() == Op.BROADCAST_TO;
    }

    /**
     * Cheap elementwise values that only elementwise nodes (or reductions that end a kernel) over the value's index
     * space in its block read, two or more of them or one that is itself recomputed: every kernel that reads such a
     * value computes it itself, so no kernel writes it. A value that a result, a region or any other op reads stays
     * materialized.
     */
    private static Set<Node> recomputed(Map<Node, List<Node>> users) {
        var out = new HashSet<Node>();
        List<Node> order = Autodiff.ancestors(new ArrayList<>(users.keySet()));
        for (int i = order.size() - 1; i >= 0; i--) {
            Node m = order.get(i);
            List<Node> us = users.get(m);
            if (cheap(m.op()) && (us.size() > 1 || (us.size() == 1 && out.contains(us.getFirst()))) && onlyLoopsRead(m, us)) out.add(m);
        }
        return out;
    }

    /** Whether every user of m is a kernel node whose loop runs over m's index space in m's block. */
    private static boolean onlyLoopsRead(Node m, List<Node> us) {
        for (Node u : us) {
            if (u == EXTERNAL || u.level() != m.level()) return false;
            boolean loopsOverM = u.op().isElementwise() ? u.tt().dims().equals(m.tt().dims()) : Lowering.reducible(u) && u.input(0) == m;
            if (!loopsOverM) return false;
        }
        return true;
    }

    /** Elementwise ops that cost about as much as a load: worth computing again in each kernel that needs them. */
    static boolean cheap(Op op) {
        return switch (op) {
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, MAXIMUM, MINIMUM,
                    EQ, NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP -> true;
            case EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH,
                    ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, DIV, FLOORDIV, MOD, POW, ATAN2 -> false;
            case PARAM, SHARED, CONST, REGION_PARAM, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP,
                    SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX,
                    TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW,
                    DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> false;
        };
    }

    /** Maximal groups, each keyed by its root; groups of one node are left alone. */
    private static Map<Node, Set<Node>> groups(Map<Node, List<Node>> users, Set<Node> recomputed) {
        List<Node> order = Autodiff.ancestors(new ArrayList<>(users.keySet()));
        var grouped = new HashSet<Node>();
        var groups = new java.util.LinkedHashMap<Node, Set<Node>>();
        for (int i = order.size() - 1; i >= 0; i--) {
            Node root = order.get(i);
            if (!(root.op().isElementwise() || Lowering.reducible(root)) || grouped.contains(root) || recomputed.contains(root)) continue;
            Set<Node> group = dependent(root, grow(root, users, grouped, recomputed, true));
            // A broadcast to a constant shape takes that shape as a kernel operand, whose value the kernel's types do not
            // know: where that would make the kernel's type less precise than the root's, broadcasts stay outside.
            if (!keepsType(root, group)) group = dependent(root, grow(root, users, grouped, recomputed, false));
            if (group.size() < 2) continue;
            for (Node m : group) if (!recomputed.contains(m)) grouped.add(m);
            groups.put(root, group);
        }
        return groups;
    }

    /**
     * The group of a root: producers taken breadth-first while they qualify, at most {@link #MAX_NODES}. The cap keeps
     * each kernel within the JVM's 64 KB method limit; the rest of a long chain forms groups of its own.
     */
    private static Set<Node> grow(Node root, Map<Node, List<Node>> users, Set<Node> grouped, Set<Node> recomputed, boolean broadcasts) {
        // A reduction's producers have its input's shape: the kernel's loop runs over that index space.
        var dims = root.op().isElementwise() ? root.tt().dims() : root.input(0).tt().dims();
        var group = new LinkedHashSet<Node>(List.of(root));
        var work = new ArrayDeque<Node>(List.of(root));
        while (!work.isEmpty() && group.size() < MAX_NODES) {
            for (Node m : work.poll().inputs()) {
                if (group.contains(m) || grouped.contains(m) || !fusible(m) || m.level() != root.level()) continue;
                if (!broadcasts && m.op() == Op.BROADCAST_TO) continue;
                if (!m.tt().dims().equals(dims) && !oneElement(m, dims.size())) continue;
                if (!recomputed.contains(m) && !group.containsAll(users.get(m))) continue;
                group.add(m);
                work.add(m);
                if (group.size() == MAX_NODES) break;
            }
        }
        return group;
    }

    /**
     * The members that depend on a kernel operand, or nothing when the root does not. A member computed from scalar
     * constants alone (one the folder declined, say {@code 2 ** -1} or a value beyond its size limit) would not be
     * part of the region body, which holds only what depends on its params; it stays outside and is passed in.
     */
    private static Set<Node> dependent(Node root, Set<Node> group) {
        var live = new LinkedHashSet<Node>();
        for (Node m : inGroupOrder(root, group)) {
            for (Node in : m.inputs())
                if (group.contains(in) ? live.contains(in) : !inlined(in)) {
                    live.add(m);
                    break;
                }
        }
        if (!live.contains(root)) return Set.of();
        var kept = new LinkedHashSet<Node>();
        for (Node m : group) if (live.contains(m)) kept.add(m);
        return kept;
    }

    /** Whether the group's kernel, its operands bound to params of their types, has the root's type. */
    private static boolean keepsType(Node root, Set<Node> group) {
        if (group.size() < 2) return true;
        var sub = new HashMap<Node, Node>();
        int k = 0;
        for (Node m : group)
            for (Node x : m.inputs())
                if (!group.contains(x) && !inlined(x) && !sub.containsKey(x)) sub.put(x, Ir.regionParam(root.level() + 1, k++, x.tt()));
        for (Node m : inGroupOrder(root, group)) sub.put(m, m.withInputs(m.inputs().stream().map(x -> sub.getOrDefault(x, x)).toList()));
        return sub.get(root).type().equals(root.type());
    }

    /** The members of a group, inputs before users, walking only inside the group. */
    private static List<Node> inGroupOrder(Node root, Set<Node> group) {
        var seen = new HashSet<Node>();
        return dev.txc.ir.Graphs.postOrder(List.of(root), n -> n.inputs().stream().filter(group::contains).toList(), seen::add);
    }

    /**
     * A value of one element (every dim known to be 1) of at most the loop's rank: a kernel that reads it can compute
     * it too, at each index as its body says, but the JIT hoists what depends on no loaded element out of the loop.
     */
    private static boolean oneElement(Node m, int loopRank) {
        return m.rank() <= loopRank && m.tt().dims().stream().allMatch(Dim::isOne);
    }

    /** Scalar constants: kernels inline them as literals instead of taking them as operands. */
    private static boolean inlined(Node n) {
        return n.isConst() && n.tt().isScalar();
    }

    /** Rebuilds the graph with each group root replaced by a fused node over the group's inputs. */
    private static final class Builder {
        private final Map<Node, Set<Node>> groups;
        final Map<Node, Node> memo = new HashMap<>();
        private final Schedule schedule = new Schedule();

        Builder(Map<Node, Set<Node>> groups) {
            this.groups = groups;
        }

        /** The group's operands: values from outside it, except scalar constants (kernels inline those). */
        private List<Node> inputs(Set<Node> group) {
            var in = new LinkedHashSet<Node>();
            for (Node m : group)
                for (Node x : m.inputs())
                    if (!group.contains(x) && !inlined(x)) in.add(x);
            return new ArrayList<>(in);
        }

        private List<Node> deps(Node n) {
            Set<Node> g = groups.get(n);
            if (g != null) return inputs(g);
            return schedule.deps(n);
        }

        Node rebuild(Node root) {
            var seen = new HashSet<Node>();
            for (Node n : dev.txc.ir.Graphs.postOrder(List.of(root), this::deps, n -> !memo.containsKey(n) && seen.add(n)))
                if (!memo.containsKey(n)) memo.put(n, build(n));
            return memo.get(root);
        }

        private Node build(Node n) {
            Set<Node> g = groups.get(n);
            if (g != null) return fused(n, g);
            if (n.op().kind() == Op.Kind.LEAF) return n;
            var ins = n.inputs().stream().map(memo::get).toList();
            Attrs attrs = n.attrs();
            Region r = n.region();
            if (r != null) {
                var results = r.results().stream().map(this::rebuild).toList();
                attrs = attrs.with("body", new Region(r.level(), r.params(), results));
            }
            return n.withInputs(ins, attrs);
        }

        private Node fused(Node root, Set<Node> group) {
            List<Node> inputs = inputs(group);
            List<Node> operands = inputs.stream().map(memo::get).toList();
            int level = Region.levelAbove(operands);
            var sub = new HashMap<Node, Node>();
            var params = new ArrayList<Node>();
            for (int k = 0; k < inputs.size(); k++) {
                // Params take the rebuilt operands' types, which may know more (or less) than the originals'.
                Node p = Ir.regionParam(level, k, operands.get(k).tt());
                params.add(p);
                sub.put(inputs.get(k), p);
            }
            for (Node m : inGroupOrder(root, group)) {
                sub.put(m, m.withInputs(m.inputs().stream().map(x -> sub.getOrDefault(x, x)).toList()));
            }
            var body = new Region(level, params, List.of(sub.get(root)));
            return Node.make(Op.FUSED, operands, Attrs.of("body", body));
        }
    }
}
