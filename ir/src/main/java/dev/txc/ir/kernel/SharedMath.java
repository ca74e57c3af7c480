package dev.txc.ir.kernel;

import dev.txc.ir.Op;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the work of sigmoids and softplus that differ only in their argument's sign: where a kernel computes two of
 * them on x and -x (the logistic loss has softplus(z) and softplus(-z), its gradient sigmoid(z) and sigmoid(-z)), each
 * is spelled out in the ops that define it in runtime.Exp and equal values are merged, so exp(-|x|) (and its log1p, and
 * 1 / (1 + e)) is evaluated once. -x is a neg of x or of a neg of x, and b - a is -(a - b). The bits are those of the ops: Exp.sigmoid and Exp.softplus (f64) are exactly these
 * compositions, and |-x| = |x|. An f32 softplus is not spelled out: it is its f64 value rounded once.
 */
public final class SharedMath {
    private SharedMath() {}

    /** The kernel with shared sigmoids and softplus spelled out and equal values merged; {@code k} where none share. */
    public static Kernel apply(Kernel k) {
        var body = k.body();
        Object[] key = new Object[body.size()];
        Map<Object, Integer> first = new HashMap<>(), users = new HashMap<>();
        for (int id = 0; id < body.size(); id++) {
            key[id] = key(body.get(id), id, key);
            first.putIfAbsent(key[id], id);
            if (spelled(body.get(id))) users.merge(key[arg(body.get(id))], 1, Integer::sum);
        }
        if (users.values().stream().noneMatch(n -> n > 1)) return k;
        var b = new Builder();
        int[] map = new int[body.size()];
        for (int id = 0; id < body.size(); id++) {
            Instr in = body.get(id);
            if (in instanceof Instr.Store) continue;
            if (!spelled(in) || users.get(key[arg(in)]) < 2) {
                map[id] = b.add(remap(in, map));
                continue;
            }
            // |x| is the same for every value of x's class: abs of the class's first member
            Instr.Apply a = (Instr.Apply) in;
            int x = map[arg(in)], r = map[first.get(key[arg(in)])];
            DType t = a.dtype();
            int e = b.apply(Op.EXP, t, b.apply(Op.NEG, t, b.apply(Op.ABS, t, r)));
            map[id] = a.op() == Op.SOFTPLUS
                    ? b.apply(Op.ADD, t, b.apply(Op.MAXIMUM, t, x, b.lit(t, 0)), b.apply(Op.LOG1P, t, e))
                    : sigmoid(b, t, x, e);
        }
        for (Instr in : body) if (in instanceof Instr.Store s) b.instrs.add(new Instr.Store(s.operand(), map[s.arg()]));
        return new Kernel(k.operands(), k.shapes(), b.instrs, k.reduction());
    }

    /**
     * Values with the same key have the same magnitude: x and -x (neg), a - b and b - a (IEEE subtraction rounds
     * symmetrically, so b - a = -(a - b) exactly, signed zeros aside, which |.| does not see).
     */
    private static Object key(Instr in, int id, Object[] key) {
        if (in instanceof Instr.Apply a && a.op() == Op.NEG) return key[a.args().getFirst()];
        if (in instanceof Instr.Apply a && a.op() == Op.SUB) {
            int p = a.args().get(0), q = a.args().get(1);
            return List.of("sub", Math.min(p, q), Math.max(p, q));
        }
        return id;
    }

    private static int arg(Instr in) {
        return ((Instr.Apply) in).args().getFirst();
    }

    /** Exp.sigmoid given e = exp(-|x|): r = 1 / (1 + e); x < 0 ? r e : r. */
    private static int sigmoid(Builder b, DType t, int x, int e) {
        int one = b.lit(t, 1);
        int r = b.apply(Op.DIV, t, one, b.apply(Op.ADD, t, one, e));
        return b.apply(Op.WHERE, t, b.apply(Op.LT, DType.BOOL, x, b.lit(t, 0)), b.apply(Op.MUL, t, r, e), r);
    }

    private static boolean spelled(Instr in) {
        return in instanceof Instr.Apply a && (a.op() == Op.SIGMOID || a.op() == Op.SOFTPLUS && a.dtype() == DType.F64);
    }

    private static Instr remap(Instr in, int[] map) {
        return switch (in) {
            case Instr.Apply a -> new Instr.Apply(a.op(), a.dtype(), a.args().stream().map(arg -> map[arg]).toList());
            case Instr.Load l -> l;
            case Instr.Lit c -> c;
            case Instr.Store s -> throw new IllegalArgumentException("stores are added last");
        };
    }

    /** A body under construction in which each distinct value (op, dtype and arguments, or literal) appears once. */
    private static final class Builder {
        final List<Instr> instrs = new ArrayList<>();
        final Map<Instr, Integer> ids = new HashMap<>();

        int add(Instr in) {
            return ids.computeIfAbsent(in, x -> {
                instrs.add(x);
                return instrs.size() - 1;
            });
        }

        int apply(Op op, DType t, int... args) {
            return add(new Instr.Apply(op, t, java.util.Arrays.stream(args).boxed().toList()));
        }

        int lit(DType t, double v) {
            return add(new Instr.Lit(t, v, (long) v));
        }
    }
}
