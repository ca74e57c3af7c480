package dev.txc.opt;

import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Rewriter;
import dev.txc.ir.Schedule;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Differentiation through {@code scan}. Reverse mode is backpropagation through time: a second scan walks the steps
 * backwards, recomputing each step's body from the stored previous carries (the forward scan stacks every carry, so
 * nothing else is stored), and carries the carries' cotangents. Forward mode is one scan that carries each carry's
 * tangent beside it. Both are loops, so the graph does not grow with the number of steps.
 */
final class ScanDiff {
    private ScanDiff() {}

    /** The cotangents of the scan's operands (null where zero) and of the outer values its body captures. */
    record Vjp(List<Node> inputs, Map<Node, Node> captures) {}

    /** Captured values the body depends on that can carry a gradient or tangent. */
    static List<Node> captures(Node scan, Predicate<Node> relevant) {
        var out = new ArrayList<Node>();
        for (Node c : new Schedule().captures(scan.region()))
            if (!c.isConst() && DerivativeRules.differentiable(c) && relevant.test(c)) out.add(c);
        return out;
    }

    static Vjp vjp(Node scan, Node[] cots, Predicate<Node> relevant) {
        if (reduced(scan)) return vjpOfReduced(scan, cots, relevant);
        List<Node> z = captures(scan, relevant);
        if (checkpoint(scan) > 1) return segmented(scan, cots, relevant, z, checkpoint(scan));
        return backward(scan, cots, relevant, z, null, null);
    }

    /**
     * The backward scan of a plain (fully stacked) scan: it walks the steps from the last, reading the previous carries
     * and the body's results from the forward scan's stacks, and carries the carries' cotangents (starting at
     * {@code lamStart}, zeros when null) and the captured values' gradients ({@code accStart}, zeros when null).
     */
    private static Vjp backward(Node scan, Node[] cots, Predicate<Node> relevant, List<Node> z, List<Node> lamStart, List<Node> accStart) {
        Region r = scan.region();
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m, nres = r.results().size();
        // Sequences of the backward scan, walked from the last step: elements, previous carries, output cotangents.
        var seqs = new ArrayList<Node>();
        var subst = new HashMap<Node, Node>();
        var params = new ArrayList<Node>();
        for (int i = 0; i < m; i++) seqs.add(reversed(scan.input(i)));
        for (int j = 0; j < k; j++) {
            Node init = scan.input(m + j), ys = Ir.tupleGet(scan, j);
            Node withInit = Ir.concat(List.of(Ir.expandDims(init, Ir.axes(0)), ys), 0);
            seqs.add(reversed(sliceLeading(withInit, 0, -1)));
        }
        int cotAt = seqs.size();
        for (int j = 0; j < nres; j++) seqs.add(reversed(cots[j] != null ? cots[j] : Ir.zerosLike(Ir.tupleGet(scan, j))));
        // The body's results computed in the body are read from the forward scan's stacks rather than recomputed (the
        // stacks exist anyway: the carries' are the previous carries shifted by one step).
        int storedAt = seqs.size();
        var stored = new ArrayList<Integer>();
        for (int j = 0; j < nres; j++) {
            Node res = r.results().get(j);
            if (res.level() < r.level() || res.op() == Op.REGION_PARAM || !DerivativeRules.differentiable(res)) continue;
            stored.add(j);
            seqs.add(reversed(Ir.tupleGet(scan, j)));
        }
        // Carries: the cotangent of each float carry.
        var lamInits = new ArrayList<Node>();
        var lamIdx = new ArrayList<Integer>();
        for (int j = 0; j < k; j++) {
            if (!DerivativeRules.differentiable(scan.input(m + j))) continue;
            lamInits.add(lamStart != null ? lamStart.get(lamIdx.size()) : Ir.zerosLike(scan.input(m + j)));
            lamIdx.add(j);
        }
        // Accumulators of the captured values' gradients: carries whose final value alone is kept.
        var accInits = new ArrayList<Node>();
        for (int a = 0; a < z.size(); a++) accInits.add(accStart != null ? accStart.get(a) : Ir.zerosLike(z.get(a)));
        var starts = new ArrayList<>(lamInits);
        starts.addAll(accInits);
        int level = levelFor(r, seqs, starts, z);
        for (Node s : seqs) params.add(Ir.regionParam(level, params.size(), element(s)));
        for (int i = 0; i < m; i++) subst.put(r.params().get(i), params.get(i));
        List<Node> prev = List.copyOf(params.subList(m, m + k));
        for (int j = 0; j < k; j++) subst.put(r.params().get(m + j), prev.get(j));
        var lam = new ArrayList<Node>();
        for (Node li : lamInits) {
            Node p = Ir.regionParam(level, params.size(), li.tt());
            params.add(p);
            lam.add(p);
        }
        List<Node> results = relevel(r.results(), subst, r.level(), level - r.level());
        var us = new ArrayList<Node>();
        for (int j = 0; j < nres; j++) {
            Node g = params.get(cotAt + j);
            int at = lamIdx.indexOf(j);
            us.add(at >= 0 ? Ir.add(lam.get(at), g) : g);
        }
        var ys = new ArrayList<Node>();
        var ysUs = new ArrayList<Node>();
        for (int j = 0; j < nres; j++) {
            if (!DerivativeRules.differentiable(results.get(j))) continue;
            ys.add(results.get(j));
            ysUs.add(us.get(j));
        }
        var xs = new ArrayList<Node>();
        var seqIdx = new ArrayList<Integer>();
        for (int i = 0; i < m; i++) if (DerivativeRules.differentiable(params.get(i)) && relevant.test(scan.input(i))) {
            seqIdx.add(i);
            xs.add(params.get(i));
        }
        for (int j : lamIdx) xs.add(prev.get(j));
        xs.addAll(z);
        List<Node> gs = ys.isEmpty() ? xs.stream().map(Ir::zerosLike).toList() : Autodiff.lopCut(ys, ysUs, xs);
        var fromStack = new HashMap<Node, Node>();
        for (int a = 0; a < stored.size(); a++) fromStack.put(results.get(stored.get(a)), params.get(storedAt + a));
        gs = substitute(gs, fromStack);
        int ns = seqIdx.size(), nl = lamIdx.size(), nz = z.size();
        // A captured value's per-step gradient P_t @ Q_t^T with Q_t a sequence element (an RNN's dW and dU) is summed
        // over the steps by one product after the loop, of P stacked and Q's sequence, instead of one per step into an
        // accumulator; the other gradients accumulate in carries that keep their final value only.
        var outer = new ArrayList<Integer>();
        var accumulated = new ArrayList<Integer>();
        for (int a = 0; a < nz; a++) (outerFactor(gs.get(ns + nl + a), params, seqs.size(), level) >= 0 ? outer : accumulated).add(a);
        var body = new ArrayList<Node>();
        for (int a = 0; a < nl; a++) body.add(gs.get(ns + a));
        var carryInits = new ArrayList<>(lamInits);
        for (int a : accumulated) {
            Node p = Ir.regionParam(level, params.size(), accInits.get(a).tt());
            params.add(p);
            body.add(Ir.add(p, gs.get(ns + nl + a)));
            carryInits.add(accInits.get(a));
        }
        int nc = carryInits.size();
        for (int a = 0; a < ns; a++) body.add(gs.get(a));
        var factors = new ArrayList<Node>();
        for (int a : outer) if (!factors.contains(gs.get(ns + nl + a).input(0))) factors.add(gs.get(ns + nl + a).input(0));
        body.addAll(factors);
        var last = new ArrayList<Long>();
        for (int a = 0; a < nc; a++) last.add((long) a);
        Node back = Ir.scan(new Region(level, params, body), seqs, carryInits, last);
        var inputs = new ArrayList<Node>(Collections.nCopies(m + k, (Node) null));
        for (int a = 0; a < nl; a++) inputs.set(m + lamIdx.get(a), Ir.tupleGet(back, a));
        var caps = new LinkedHashMap<Node, Node>();
        for (int a = 0; a < nz; a++) {
            int at = accumulated.indexOf(a);
            if (at >= 0) {
                caps.put(z.get(a), Ir.tupleGet(back, nl + at));
                continue;
            }
            int o = factors.indexOf(gs.get(ns + nl + a).input(0));
            Node qs = seqs.get(outerFactor(gs.get(ns + nl + a), params, seqs.size(), level));
            caps.put(z.get(a), Ir.add(accInits.get(a), Ir.reshape(stepSum(Ir.tupleGet(back, nc + ns + o), qs), Ir.shape(z.get(a)))));
        }
        for (int a = 0; a < ns; a++) inputs.set(seqIdx.get(a), reversed(Ir.tupleGet(back, nc + a)));
        return new Vjp(inputs, caps);
    }

    /**
     * For a per-step value g = P @ Q^T (P a matrix computed in the step with no '?' size, Q a matrix element of
     * sequence q of a scan with {@code nseq} sequences at {@code level}), q; else -1.
     */
    private static int outerFactor(Node g, List<Node> params, int nseq, int level) {
        if (g.op() != Op.MATMUL || g.input(1).op() != Op.TRANSPOSE || !g.input(1).attrs().longs("perm").equals(List.of(1L, 0L))) return -1;
        Node p = g.input(0), q = g.input(1).input(0);
        int at = params.indexOf(q);
        // P's stack must have a known inner shape at zero steps (sizes or dim variables; a '?' keeps the accumulator).
        boolean shaped = !p.tt().dims().contains(dev.txc.types.Dim.ANY);
        return at >= 0 && at < nseq && p.level() == level && p.rank() == 2 && q.rank() == 2 && shaped ? at : -1;
    }

    /**
     * sum over t of ps[t] @ qs[t]^T for stacks ps [T, R, C] and qs [T, S, C]: one product of ps as [R, T * C] and qs
     * as [T * C, S].
     */
    private static Node stepSum(Node ps, Node qs) {
        Node rows = dim(ps, 1), cols = dim(qs, 1), n = Ir.expandDims(Ir.mul(dim(ps, 0), dim(ps, 2)), Ir.axes(0));
        Node pm = Ir.reshape(Ir.transpose(ps, 1, 0, 2), Ir.concat(List.of(Ir.expandDims(rows, Ir.axes(0)), n), 0));
        Node qm = Ir.reshape(Ir.transpose(qs, 0, 2, 1), Ir.concat(List.of(n, Ir.expandDims(cols, Ir.axes(0))), 0));
        return Ir.matmul(pm, qm);
    }

    /**
     * The run-time size of x's axis d, an i64 scalar: a constant when x's type knows it, so that the types built from it
     * are as precise at -O0 as the folder would make them (a rewrite may not change a scan's tuple type).
     */
    private static Node dim(Node x, int d) {
        if (x.tt().dim(d).isKnown()) return Ir.scalarLong(x.tt().dim(d).size(), dev.txc.types.DType.I64);
        return Ir.index(Ir.shape(x), Ir.scalarLong(d, dev.txc.types.DType.I64), 0);
    }

    /** The checkpoint interval of a scan ({@code scan(checkpoint=K)}, attribute {@code checkpoint}; 1 when absent). */
    static int checkpoint(Node scan) {
        return scan.attrs().has("checkpoint") ? scan.attrs().integer("checkpoint") : 1;
    }

    /** The number of steps of a scan, an i64 scalar: the leading dim of its first sequence. */
    private static Node steps(Node scan) {
        return dim(scan.input(0), 0);
    }

    /**
     * Per carry, its value before steps 0, K, 2K, ...: the initial value above the rows of a scan of the same body
     * that keeps only every K-th carry (attribute every); floor(steps / K) + 1 rows.
     */
    private static List<Node> checkpoints(Node scan, int every) {
        var attrs = new java.util.TreeMap<>(stacked(scan).attrs().asMap());
        attrs.put("every", (long) every);
        Node kept = Node.make(Op.SCAN, scan.inputs(), dev.txc.ir.Attrs.of(attrs));
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m;
        var out = new ArrayList<Node>();
        for (int j = 0; j < k; j++) out.add(Ir.concat(List.of(Ir.expandDims(scan.input(m + j), Ir.axes(0)), Ir.tupleGet(kept, j)), 0));
        return out;
    }

    /**
     * Reverse mode with checkpoints every K steps, segment by segment from the last: a scan over the segments
     * (max(ceil(steps / K), 1) of them, so that it never has zero steps) carries the carries' cotangents and the captured
     * values' gradients; its body recomputes the segment's steps once from the segment's checkpoint (a plain scan that
     * stacks the segment's carries) and runs that scan's backward scan ({@link #backward}). Each segment's sequence
     * cotangents are padded to K rows; the stacked blocks, in step order, are cut to the steps.
     */
    private static Vjp segmented(Node scan, Node[] cots, Predicate<Node> relevant, List<Node> z, int every) {
        Region r = scan.region();
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m;
        var i64 = dev.txc.types.DType.I64;
        Node kk = Ir.scalarLong(every, i64), steps = steps(scan);
        Node nseg = steps.isConst() ? Ir.scalarLong(Math.max((steps.constValue().getLong(0) + every - 1) / every, 1), i64)
                : Ir.op(Op.MAXIMUM, Ir.op(Op.FLOORDIV, Ir.add(steps, Ir.scalarLong(every - 1, i64)), kk), Ir.scalarLong(1, i64));
        Node segs = reversed(Ir.op(Op.ARANGE, Ir.scalarLong(0, i64), nseg, Ir.scalarLong(1, i64)));
        List<Node> checkpoints = checkpoints(scan, every);
        var lamIdx = new ArrayList<Integer>();
        var inits = new ArrayList<Node>();
        for (int j = 0; j < k; j++) if (DerivativeRules.differentiable(scan.input(m + j))) {
            lamIdx.add(j);
            inits.add(Ir.zerosLike(scan.input(m + j)));
        }
        for (Node c : z) inits.add(Ir.zerosLike(c));
        var captured = new ArrayList<Node>(z);
        captured.addAll(checkpoints);
        captured.addAll(scan.inputs());
        for (Node c : cots) if (c != null) captured.add(c);
        int level = levelFor(r, List.of(segs), inits, captured);
        var params = new ArrayList<Node>();
        Node s = Ir.regionParam(level, 0, TensorType.scalar(i64));
        params.add(s);
        for (Node init : inits) params.add(Ir.regionParam(level, params.size(), init.tt()));
        int nl = lamIdx.size(), nz = z.size();
        // The segment's steps from .. to, and the plain scan over them from the segment's checkpoint.
        Node from = Ir.mul(s, kk), to = Ir.op(Op.MINIMUM, Ir.add(from, kk), steps);
        var segIns = new ArrayList<Node>();
        var original = new HashMap<Node, Node>();
        for (int i = 0; i < m; i++) {
            Node part = rows(scan.input(i), from, to);
            segIns.add(part);
            original.put(part, scan.input(i));
        }
        for (int j = 0; j < k; j++) segIns.add(Ir.index(checkpoints.get(j), s, 0));
        Node seg = plainScanAt(scan, segIns, level + 1);
        Node[] segCots = new Node[cots.length];
        for (int j = 0; j < cots.length; j++) segCots[j] = cots[j] == null ? null : rows(cots[j], from, to);
        Predicate<Node> segRelevant = x -> relevant.test(original.getOrDefault(x, x));
        Vjp v = backward(seg, segCots, segRelevant, z, params.subList(1, 1 + nl), params.subList(1 + nl, 1 + nl + nz));
        var body = new ArrayList<Node>();
        for (int j : lamIdx) body.add(v.inputs().get(m + j));
        for (Node c : z) body.add(v.captures().get(c));
        var seqIdx = new ArrayList<Integer>();
        for (int i = 0; i < m; i++) if (v.inputs().get(i) != null) {
            seqIdx.add(i);
            body.add(padRows(v.inputs().get(i), every, Ir.sub(to, from)));
        }
        var last = new ArrayList<Long>();
        for (int a = 0; a < nl + nz; a++) last.add((long) a);
        Node outer = Ir.scan(new Region(level, params, body), List.of(segs), inits, last);
        var inputs = new ArrayList<Node>(Collections.nCopies(m + k, (Node) null));
        for (int a = 0; a < nl; a++) inputs.set(m + lamIdx.get(a), Ir.tupleGet(outer, a));
        var caps = new LinkedHashMap<Node, Node>();
        for (int a = 0; a < nz; a++) caps.put(z.get(a), Ir.tupleGet(outer, nl + a));
        for (int b = 0; b < seqIdx.size(); b++) {
            Node xs = scan.input(seqIdx.get(b)), blocks = reversed(Ir.tupleGet(outer, nl + nz + b));
            Node merged = Ir.reshape(blocks, Ir.concat(List.of(Ir.longs(-1), sliceLeading(Ir.shape(xs), 1, Op.NONE)), 0));
            inputs.set(seqIdx.get(b), Ir.reshape(rows(merged, Ir.scalarLong(0, i64), steps), Ir.shape(xs)));
        }
        return new Vjp(inputs, caps);
    }

    /** x[from:to] along the leading axis, for run-time bounds. */
    private static Node rows(Node x, Node from, Node to) {
        return Node.make(Op.DYN_SLICE, List.of(x, from, to), dev.txc.ir.Attrs.of("axis", 0L, "step", 1L));
    }

    /** A block of n rows followed by zero rows up to k rows. */
    private static Node padRows(Node block, int k, Node n) {
        Node inner = sliceLeading(Ir.shape(block), 1, Op.NONE);
        Node count = Ir.expandDims(Ir.sub(Ir.scalarLong(k, dev.txc.types.DType.I64), n), Ir.axes(0));
        Node zeros = Ir.op(Op.BROADCAST_TO, Ir.scalar(0, block.dtype()), Ir.concat(List.of(count, inner), 0));
        return Ir.concat(List.of(block, zeros), 0);
    }

    /** The scan's body as a plain scan (no checkpoint, every or last) over {@code ins}, its body moved to {@code level}. */
    private static Node plainScanAt(Node scan, List<Node> ins, int level) {
        Region r = scan.region();
        var params = new ArrayList<Node>();
        var subst = new HashMap<Node, Node>();
        int nseq = scan.attrs().integer("nseq");
        for (Node p : r.params()) {
            // a carry starts from a checkpoint row, whose dims may be more precise than the initial value's (4 for D4)
            int i = params.size();
            Node q = Ir.regionParam(level, i, i < nseq ? p.tt() : ins.get(i).tt());
            params.add(q);
            subst.put(p, q);
        }
        List<Node> results = relevel(r.results(), subst, r.level(), level - r.level());
        var attrs = new java.util.TreeMap<>(stacked(scan).attrs().asMap());
        attrs.remove("checkpoint");
        attrs.put("body", new Region(level, params, results));
        return Node.make(Op.SCAN, ins, dev.txc.ir.Attrs.of(attrs));
    }

    /**
     * The tangents of the scan's stacked results (null where zero), given the tangents of its operands and of the
     * captured values ({@code capTan}, by captured node).
     */
    static Node[] jvp(Node scan, List<Node> ts, Map<Node, Node> capTan) {
        if (reduced(scan)) {
            // A carry's final value is the last row of its stack (its initial value when there are no steps); with
            // every=K its result is every K-th row of the stack.
            Node full = stacked(scan);
            Node[] out = jvp(full, ts, capTan);
            int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m;
            for (int j = 0; j < k; j++) {
                if (out[j] == null) continue;
                Node t0 = ts.get(m + j) != null ? ts.get(m + j) : Ir.zerosLike(scan.input(m + j));
                out[j] = carryResult(scan, j, t0, out[j]);
            }
            return out;
        }
        Region r = scan.region();
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m, nres = r.results().size();
        var seqs = new ArrayList<Node>();
        var inits = new ArrayList<Node>();
        var params = new ArrayList<Node>();
        var subst = new HashMap<Node, Node>();
        var xs = new ArrayList<Node>();
        var vs = new ArrayList<Node>();
        for (int i = 0; i < m; i++) seqs.add(scan.input(i));
        var tanSeq = new ArrayList<Integer>();
        for (int i = 0; i < m; i++) if (ts.get(i) != null && DerivativeRules.differentiable(scan.input(i))) {
            tanSeq.add(i);
            seqs.add(ts.get(i));
        }
        var tanCarry = new ArrayList<Integer>();
        for (int j = 0; j < k; j++) inits.add(scan.input(m + j));
        for (int j = 0; j < k; j++) if (DerivativeRules.differentiable(scan.input(m + j))) {
            tanCarry.add(j);
            Node t = ts.get(m + j);
            inits.add(t != null ? t : Ir.zerosLike(scan.input(m + j)));
        }
        int level = levelFor(r, seqs, inits, capTan.values());
        for (Node s : seqs) params.add(Ir.regionParam(level, params.size(), element(s)));
        for (int i = 0; i < m; i++) subst.put(r.params().get(i), params.get(i));
        for (int a = 0; a < tanSeq.size(); a++) {
            xs.add(params.get(tanSeq.get(a)));
            vs.add(params.get(m + a));
        }
        int base = params.size();
        for (int j = 0; j < inits.size(); j++) params.add(Ir.regionParam(level, base + j, inits.get(j).tt()));
        for (int j = 0; j < k; j++) subst.put(r.params().get(m + j), params.get(base + j));
        for (int a = 0; a < tanCarry.size(); a++) {
            xs.add(params.get(base + tanCarry.get(a)));
            vs.add(params.get(base + k + a));
        }
        capTan.forEach((c, t) -> {
            xs.add(c);
            vs.add(t);
        });
        List<Node> results = relevel(r.results(), subst, r.level(), level - r.level());
        var body = new ArrayList<Node>();
        for (int j = 0; j < k; j++) body.add(results.get(j));
        for (int j : tanCarry) body.add(tangent(results.get(j), xs, vs));
        var outTan = new ArrayList<Integer>();
        for (int j = k; j < nres; j++) body.add(results.get(j));
        for (int j = k; j < nres; j++) if (DerivativeRules.differentiable(results.get(j))) {
            outTan.add(j);
            body.add(tangent(results.get(j), xs, vs));
        }
        Node fwd = Ir.scan(new Region(level, params, body), seqs, inits);
        Node[] out = new Node[nres];
        for (int a = 0; a < tanCarry.size(); a++) out[tanCarry.get(a)] = Ir.tupleGet(fwd, k + a);
        int first = k + tanCarry.size() + (nres - k);
        for (int a = 0; a < outTan.size(); a++) out[outTan.get(a)] = Ir.tupleGet(fwd, first + a);
        return out;
    }

    /**
     * The level of a new scan's body: above the forward body's and above every value the new scan is applied to or
     * captures, which may come from a loop built around the forward scan (a jacobian's), so that the new body never
     * shares a level with a loop it runs in.
     */
    private static int levelFor(Region r, List<Node> seqs, List<Node> inits, java.util.Collection<Node> captured) {
        var all = new ArrayList<Node>(seqs);
        all.addAll(inits);
        all.addAll(captured);
        return Math.max(r.level(), Region.levelAbove(all));
    }

    /** Whether some carry of the scan does not give its whole stack (attributes {@code last} or {@code every}). */
    private static boolean reduced(Node scan) {
        return !Ir.lastCarries(scan).isEmpty() || Ir.every(scan) > 1;
    }

    /** The scan with every result stacked (no {@code last} or {@code every} attribute). */
    private static Node stacked(Node scan) {
        var attrs = new java.util.TreeMap<>(scan.attrs().asMap());
        attrs.remove("last");
        attrs.remove("every");
        return Node.make(Op.SCAN, scan.inputs(), dev.txc.ir.Attrs.of(attrs));
    }

    /** Carry j's result of the reduced scan in terms of its initial value and its whole stack of rows. */
    private static Node carryResult(Node scan, int j, Node init, Node rows) {
        if (Ir.lastCarries(scan).contains((long) j)) return lastRow(init, rows);
        int every = Ir.every(scan);
        if (every == 1) return rows;
        var starts = new ArrayList<Long>(Collections.nCopies(rows.rank(), Op.NONE));
        var steps = new ArrayList<Long>(Collections.nCopies(rows.rank(), 1L));
        starts.set(0, (long) every - 1);
        steps.set(0, (long) every);
        return Ir.slice(rows, starts, new ArrayList<>(Collections.nCopies(rows.rank(), Op.NONE)), steps);
    }

    /** init stacked above the rows, then the last row: the carry after the last step. */
    private static Node lastRow(Node init, Node rows) {
        Node all = Ir.concat(List.of(Ir.expandDims(init, Ir.axes(0)), rows), 0);
        return Ir.index(all, Ir.scalarLong(-1, dev.txc.types.DType.I64), 0);
    }

    /** Differentiates a scan that keeps only the final value or every K-th row of some carries as the same scan keeping their stacks. */
    private static Vjp vjpOfReduced(Node scan, Node[] cots, Predicate<Node> relevant) {
        Node full = stacked(scan);
        int m = scan.attrs().integer("nseq"), k = scan.inputs().size() - m;
        Node[] fullCots = cots.clone();
        var extra = new HashMap<Integer, Node>();
        for (int j = 0; j < k; j++) {
            if (cots[j] == null) continue;
            Node init = scan.input(m + j), rows = Ir.tupleGet(full, j);
            Node res = carryResult(scan, j, init, rows);
            if (res == rows) continue;
            List<Node> gs = Autodiff.lopCut(List.of(res), List.of(cots[j]), List.of(rows, init));
            fullCots[j] = gs.get(0);
            extra.put(m + j, gs.get(1));
        }
        Vjp v = vjp(full, fullCots, relevant);
        var inputs = new ArrayList<>(v.inputs());
        extra.forEach((at, g) -> {
            if (!DerivativeRules.differentiable(scan.input(at))) return;
            inputs.set(at, inputs.get(at) == null ? g : Ir.add(inputs.get(at), g));
        });
        return new Vjp(inputs, v.captures());
    }

    private static Node tangent(Node y, List<Node> xs, List<Node> vs) {
        return xs.isEmpty() ? Ir.zerosLike(y) : Autodiff.rop(y, xs, vs, true);
    }

    private static List<Node> substitute(List<Node> nodes, Map<Node, Node> subst) {
        var rw = new Rewriter(n -> subst.getOrDefault(n, n));
        return nodes.stream().map(rw::apply).toList();
    }

    /**
     * The body rebuilt on new params ({@code subst} maps the region's old params) with the regions nested in it moved
     * up by {@code shift} levels; nodes below {@code level} (captured values) stay as they are.
     */
    static List<Node> relevel(List<Node> roots, Map<Node, Node> subst, int level, int shift) {
        if (shift == 0) return substitute(roots, subst);
        var memo = new HashMap<Node, Node>();
        var seen = new java.util.HashSet<Node>();
        for (Node n : dev.txc.ir.Graphs.postOrder(roots, dev.txc.ir.Graphs::withBodies, n -> n.level() >= level && seen.add(n))) memo.put(n, moved(n, memo, subst, shift));
        return roots.stream().map(n -> memo.getOrDefault(n, n)).toList();
    }

    private static Node moved(Node n, Map<Node, Node> memo, Map<Node, Node> subst, int shift) {
        if (n.op() == Op.REGION_PARAM) {
            Node s = subst.get(n);
            return s != null ? s : Ir.regionParam(n.attrs().integer("level") + shift, n.attrs().integer("index"), n.tt());
        }
        if (n.op().kind() == Op.Kind.LEAF) return n;
        var ins = n.inputs().stream().map(i -> memo.getOrDefault(i, i)).toList();
        dev.txc.ir.Attrs attrs = n.attrs();
        for (var e : attrs.asMap().entrySet())
            if (e.getValue() instanceof Region nr)
                attrs = attrs.with(e.getKey(), new Region(nr.level() + shift, nr.params().stream().map(memo::get).toList(),
                        nr.results().stream().map(x -> memo.getOrDefault(x, x)).toList()));
        return n.withInputs(ins, attrs);
    }

    private static TensorType element(Node seq) {
        TensorType t = seq.tt();
        return t.withDims(t.dims().subList(1, t.rank()));
    }

    /** x[::-1] along the leading axis. */
    static Node reversed(Node x) {
        var none = new ArrayList<Long>(Collections.nCopies(x.rank(), Op.NONE));
        var steps = new ArrayList<Long>(Collections.nCopies(x.rank(), 1L));
        steps.set(0, -1L);
        return Ir.slice(x, none, none, steps);
    }

    /** x[start:stop] along the leading axis. */
    private static Node sliceLeading(Node x, long start, long stop) {
        var starts = new ArrayList<Long>(Collections.nCopies(x.rank(), Op.NONE));
        var stops = new ArrayList<Long>(Collections.nCopies(x.rank(), Op.NONE));
        starts.set(0, start);
        stops.set(0, stop);
        return Ir.slice(x, starts, stops, new ArrayList<>(Collections.nCopies(x.rank(), 1L)));
    }
}
