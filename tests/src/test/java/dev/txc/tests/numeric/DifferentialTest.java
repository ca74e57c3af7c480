package dev.txc.tests.numeric;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential testing: seeded random programs built from a grammar of elementwise ops, broadcasting, reductions,
 * matmul, slicing and indexing, where/clip, reshape/transpose, softmax, concatenate/stack, and grad/rop of scalar
 * reductions, with random shapes and inputs. Each program must give the same results from the interpreter, the JVM
 * backend and the JVM backend on the optimized module. Failures print the seed and the source; rerun one program
 * with -Dtxc.diff.seed=SEED (and more with -Dtxc.diff.count=N).
 */
class DifferentialTest {
    static final long BASE_SEED = Long.getLong("txc.diff.seed", 20261122L);
    static final int COUNT = Integer.getInteger("txc.diff.count", 500);

    /** An expression's source and static shape. */
    record E(String src, int[] shape) {}

    /** A parameter of the generated function. */
    record P(String name, int[] shape) {}

    /** A generated program: its source, parameters of f (and of r: the same followed by tangents), and the dtype. */
    record Program(String src, List<P> params, DType dtype, boolean hasGrad, boolean hasRop) {}

    /** Generates programs over one dtype. Floats use only total ops on bounded values, so results stay finite. */
    static final class Gen {
        final Random r;
        final DType dtype;
        final boolean fl;
        final List<P> params = new ArrayList<>();
        int budget;
        /** Whether gen may write {@code scan} expressions ({@link ScanDifferentialTest}), and how deep they nest now. */
        boolean scans;
        int scanDepth, scanNames;

        Gen(Random r, DType dtype) {
            this.r = r;
            this.dtype = dtype;
            this.fl = dtype.isFloat();
        }

        int dim() {
            return 1 + r.nextInt(4);
        }

        static int size(int[] s) {
            int n = 1;
            for (int d : s) n *= d;
            return n;
        }

        static String list(int[] s) {
            var sb = new StringBuilder("[");
            for (int k = 0; k < s.length; k++) sb.append(k > 0 ? ", " : "").append(s[k]);
            return sb.append(']').toString();
        }

        static int[] insert(int[] s, int at, int d) {
            int[] o = new int[s.length + 1];
            for (int k = 0, j = 0; k < o.length; k++) o[k] = k == at ? d : s[j++];
            return o;
        }

        static int[] remove(int[] s, int at) {
            int[] o = new int[s.length - 1];
            for (int k = 0, j = 0; k < s.length; k++) if (k != at) o[j++] = s[k];
            return o;
        }

        /** A shape that broadcasts to s: s itself, a suffix, some dims set to 1, or a scalar. */
        int[] broadcastable(int[] s) {
            return DifferentialTest.broadcastable(r, s);
        }

        E leaf(int[] s) {
            var exact = params.stream().filter(p -> Arrays.equals(p.shape(), s)).toList();
            if (!exact.isEmpty() && r.nextInt(5) > 0) return new E(exact.get(r.nextInt(exact.size())).name(), s);
            if (s.length == 0) {
                var others = params.stream().filter(p -> p.shape().length > 0).toList();
                if (!others.isEmpty() && r.nextBoolean()) {
                    P p = others.get(r.nextInt(others.size()));
                    String red = fl ? (r.nextBoolean() ? "mean" : "max") : (r.nextBoolean() ? "sum" : "min");
                    return new E(red + "(" + p.name() + ")", s);
                }
                return new E("s", s);
            }
            var bcast = params.stream().filter(p -> p.shape().length > 0 && broadcastsTo(p.shape(), s)).toList();
            if (!bcast.isEmpty() && r.nextInt(3) > 0) return new E("broadcast_to(" + bcast.get(r.nextInt(bcast.size())).name() + ", " + list(s) + ")", s);
            if (s.length == 2) {
                var tr = params.stream().filter(p -> Arrays.equals(p.shape(), new int[] {s[1], s[0]})).toList();
                if (!tr.isEmpty() && r.nextBoolean()) return new E(tr.get(r.nextInt(tr.size())).name() + ".T", s);
            }
            if (s.length == 1) {
                // A row or a column of a matrix parameter.
                for (P p : params) {
                    if (p.shape().length != 2 || !r.nextBoolean()) continue;
                    if (p.shape()[1] == s[0]) return new E(p.name() + "[" + (r.nextInt(2 * p.shape()[0]) - p.shape()[0]) + "]", s);
                    if (p.shape()[0] == s[0]) return new E(p.name() + "[:, " + (r.nextInt(2 * p.shape()[1]) - p.shape()[1]) + "]", s);
                }
            }
            // A fresh tensor of any shape that still depends on a parameter (so gradients flow through it).
            if (fl) return new E("reshape(sin(arange(" + size(s) + ") * 0.7 + s), " + list(s) + ")", s);
            return new E("reshape(arange(" + size(s) + ") % 5 - 2 + s, " + list(s) + ")", s);
        }

        E gen(int[] s, int depth) {
            if (depth <= 0 || budget <= 0) return leaf(s);
            budget--;
            int rank = s.length;
            for (int attempt = 0; attempt < 20; attempt++) {
                if (scans && rank >= 1 && scanDepth < 2 && r.nextInt(5) == 0) return scan(s, depth);
                int c = r.nextInt(100);
                if (c < 12) return leaf(s);
                if (c < 30) return unary(gen(s, depth - 1));
                if (c < 50) {
                    E a = gen(s, depth - 1), b = gen(broadcastable(s), depth - 1);
                    return r.nextBoolean() ? binary(a, b, s) : binary(b, a, s);
                }
                if (c < 56) {
                    E x = gen(s, depth - 1), y = gen(broadcastable(s), depth - 1);
                    E p = gen(broadcastable(s), depth - 1), q = gen(broadcastable(s), depth - 1);
                    String cmp = new String[] {">", "<", ">=", "!="}[r.nextInt(4)];
                    return new E("where(" + p.src() + " " + cmp + " " + q.src() + ", " + x.src() + ", " + y.src() + ")", s);
                }
                if (c < 60) {
                    E x = gen(s, depth - 1);
                    if (r.nextBoolean()) return new E("clip(" + x.src() + ", -1, 2)", s);
                    E lo = gen(broadcastable(s), depth - 1);
                    return new E("clip(" + x.src() + ", " + lo.src() + ", " + lo.src() + " + 1)", s);
                }
                if (c < 70) {
                    E red = reduction(s, depth);
                    if (red != null) return red;
                    continue;
                }
                if (c < 77) {
                    E mm = matmul(s, depth);
                    if (mm != null) return mm;
                    continue;
                }
                if (c < 81 && rank >= 2) {
                    if (rank == 2 && r.nextBoolean()) return new E("(" + gen(new int[] {s[1], s[0]}, depth - 1).src() + ").T", s);
                    int[] perm = permutation(rank);
                    int[] src = new int[rank];
                    for (int k = 0; k < rank; k++) src[perm[k]] = s[k];
                    return new E("transpose(" + gen(src, depth - 1).src() + ", " + list(perm) + ")", s);
                }
                if (c < 84 && rank >= 1) {
                    int[] src = reshapeSource(s);
                    String target = list(s);
                    if (rank >= 2 && r.nextBoolean()) {
                        int[] t = s.clone();
                        t[r.nextInt(rank)] = -1;
                        target = list(t);
                    }
                    return new E("reshape(" + gen(src, depth - 1).src() + ", " + target + ")", s);
                }
                if (c < 90 && rank >= 1) return slice(s, depth);
                if (c < 93 && rank <= 2) {
                    int axis = r.nextInt(rank + 1), n = 1 + r.nextInt(4), i = r.nextInt(2 * n) - n;
                    E x = gen(insert(s, axis, n), depth - 1);
                    String idx = axis == 0 ? "[" + i + "]" : axis == 1 ? "[:, " + i + "]" : "[:, :, " + i + "]";
                    return new E("(" + x.src() + ")" + idx, s);
                }
                if (c < 95 && rank >= 1 && s[0] >= 2) {
                    int a1 = 1 + r.nextInt(s[0] - 1);
                    int[] s1 = s.clone(), s2 = s.clone();
                    s1[0] = a1;
                    s2[0] = s[0] - a1;
                    return new E("concatenate([" + gen(s1, depth - 1).src() + ", " + gen(s2, depth - 1).src() + "], axis=0)", s);
                }
                if (c < 97 && rank >= 1 && s[0] == 2) {
                    int[] rest = Arrays.copyOfRange(s, 1, rank);
                    return new E("stack([" + gen(rest, depth - 1).src() + ", " + gen(rest, depth - 1).src() + "])", s);
                }
                if (c < 99 && rank >= 1 && fl) {
                    String fn = r.nextBoolean() ? "softmax" : "log_softmax";
                    return new E(fn + "(" + gen(s, depth - 1).src() + ", axis=" + (r.nextInt(2 * rank) - rank) + ")", s);
                }
                if (rank >= 1) {
                    int at = r.nextInt(rank + 1);
                    if (rank < 3 && r.nextBoolean()) return new E("squeeze(" + gen(insert(s, at, 1), depth - 1).src() + ", " + at + ")", s);
                    for (int k = 0; k < rank; k++)
                        if (s[k] == 1) return new E("expand_dims(" + gen(remove(s, k), depth - 1).src() + ", " + k + ")", s);
                }
            }
            return leaf(s);
        }

        /**
         * A scan of shape s (steps = s[0]): a map over a range (its body reads the index and rows p[i] of parameters
         * with s[0] rows), a map over the leading axis of an expression, or a recurrence carrying h; forwards,
         * reversed or checkpointed. The body's variables are parameters of the generator while it is written.
         */
        E scan(int[] s, int depth) {
            int steps = s[0], id = ++scanNames;
            int[] inner = Arrays.copyOfRange(s, 1, s.length);
            String opts = switch (r.nextInt(4)) {
                case 0 -> "(reverse=true)";
                case 1 -> "(checkpoint=" + (1 + r.nextInt(3)) + ")";
                default -> "";
            };
            String i = "i" + id, v = "v" + id, h = "h" + id;
            var scope = new ArrayList<P>();
            scanDepth++;
            try {
                switch (r.nextInt(3)) {
                    case 0 -> {
                        scope.add(new P(dtype == DType.I64 ? i : "cast(" + i + ", " + dtype.spelling() + ")", new int[0]));
                        for (P q : params)
                            if (q.shape().length > 0 && q.shape()[0] == steps && q.name().matches("[a-z]+"))
                                scope.add(new P(q.name() + "[" + i + "]", Arrays.copyOfRange(q.shape(), 1, q.shape().length)));
                        String body = scoped(scope, inner, depth);
                        return new E("(scan" + opts + " " + i + " in 0.." + steps + " { " + body + " })", s);
                    }
                    case 1 -> {
                        String seq = gen(s, depth - 1).src();
                        scope.add(new P(v, inner));
                        return new E("(scan" + opts + " " + v + " in " + seq + " { " + scoped(scope, inner, depth) + " })", s);
                    }
                    default -> {
                        String seq = gen(s, depth - 1).src(), h0 = gen(inner, depth - 1).src();
                        scope.add(new P(v, inner));
                        scope.add(new P(h, inner));
                        String body = scoped(scope, inner, depth);
                        String[] steps2 = fl ? new String[] {"tanh(%1$s * 0.5 + (%2$s))", "0.5 * (%1$s + (%2$s))", "maximum(%1$s, %2$s)", "%1$s * sigmoid(%2$s)"}
                                : new String[] {"(%1$s + (%2$s))", "maximum(%1$s, %2$s)", "(minimum(%1$s, %2$s) - 1)"};
                        String next = String.format(steps2[r.nextInt(steps2.length)], h, body);
                        // an integer sum in the body promotes to i64; a carry keeps its type
                        if (!fl) {
                            next = "cast(" + next + ", " + dtype.spelling() + ")";
                            h0 = "cast(" + h0 + ", " + dtype.spelling() + ")";
                        }
                        return new E("(scan" + opts + " " + v + " in " + seq + " carry " + h + " = " + h0 + " { " + next + " })", s);
                    }
                }
            } finally {
                scanDepth--;
            }
        }

        /** A body of shape s written while the scope's variables are parameters. */
        private String scoped(List<P> scope, int[] s, int depth) {
            params.addAll(scope);
            try {
                return gen(s, depth - 1).src();
            } finally {
                params.removeAll(scope);
            }
        }

        static boolean broadcastsTo(int[] from, int[] to) {
            if (from.length > to.length) return false;
            for (int k = 0; k < from.length; k++) {
                int f = from[from.length - 1 - k], t = to[to.length - 1 - k];
                if (f != 1 && f != t) return false;
            }
            return true;
        }

        int[] permutation(int n) {
            int[] p = new int[n];
            for (int k = 0; k < n; k++) p[k] = k;
            for (int k = n - 1; k > 0; k--) {
                int j = r.nextInt(k + 1), t = p[k];
                p[k] = p[j];
                p[j] = t;
            }
            return p;
        }

        int[] reshapeSource(int[] s) {
            int n = size(s);
            if (r.nextBoolean()) {
                int[] o = s.clone();
                for (int k = 0; k < o.length / 2; k++) {
                    int t = o[k];
                    o[k] = o[o.length - 1 - k];
                    o[o.length - 1 - k] = t;
                }
                return o;
            }
            for (int f = 2; f <= n; f++) if (n % f == 0 && r.nextBoolean()) return new int[] {f, n / f};
            return new int[] {n};
        }

        E slice(int[] s, int depth) {
            int axis = r.nextInt(s.length), a = s[axis];
            int[] src = s.clone();
            String sl;
            switch (r.nextInt(6)) {
                case 0 -> sl = "::-1";
                case 1 -> {
                    src[axis] = a + 1;
                    sl = "1:";
                }
                case 2 -> {
                    src[axis] = 2 * a - (r.nextBoolean() ? 1 : 0);
                    sl = "::2";
                }
                case 3 -> {
                    src[axis] = a + 2;
                    sl = "-" + a + ":";
                }
                case 4 -> {
                    src[axis] = a + 3;
                    sl = "1:" + (a + 1);
                }
                default -> {
                    src[axis] = 2 * a - 1;
                    sl = "::-2";
                }
            }
            var idx = new StringBuilder("[");
            for (int k = 0; k < axis; k++) idx.append(":, ");
            idx.append(sl).append(']');
            return new E("(" + gen(src, depth - 1).src() + ")" + idx, s);
        }

        E reduction(int[] s, int depth) {
            String[] ops = fl ? new String[] {"sum", "mean", "max", "min", "logsumexp", "var", "std", "prod", "norm"} : new String[] {"sum", "max", "min", "prod"};
            String op = ops[r.nextInt(ops.length)];
            int rank = s.length;
            if (rank == 0 && r.nextBoolean()) {
                int[] x = new int[1 + r.nextInt(3)];
                for (int k = 0; k < x.length; k++) x[k] = dim();
                if ((op.equals("std") || op.equals("norm")) && size(x) < 2) return null;
                return new E(op + "(" + gen(x, depth - 1).src() + ")", s);
            }
            // Integer sums and products promote to i64; keep the program in its dtype with min/max only there.
            if (!fl && !dtype.equals(DType.I64) && (op.equals("sum") || op.equals("prod"))) op = "max";
            if (rank >= 3) return null;
            int at = r.nextInt(rank + 1), d = dim();
            if ((op.equals("std") || op.equals("norm") || op.equals("var")) && d < 2) d = 2;
            boolean keep = rank > 0 && s[Math.min(at, rank - 1)] == 1 && r.nextBoolean();
            if (keep) {
                at = Math.min(at, rank - 1);
                int[] x = s.clone();
                x[at] = d;
                return new E(op + "(" + gen(x, depth - 1).src() + ", axis=" + at + ", keepdims=true)", s);
            }
            int[] x = insert(s, at, d);
            String axis = r.nextBoolean() ? String.valueOf(at) : String.valueOf(at - x.length);
            if (rank == 0 && r.nextBoolean()) {
                int[] x2 = {d, dim()};
                return new E(op + "(" + gen(x2, depth - 1).src() + ", axis=[0, -1])", s);
            }
            return new E(op + "(" + gen(x, depth - 1).src() + ", axis=" + axis + ")", s);
        }

        E matmul(int[] s, int depth) {
            int d = dim();
            return switch (s.length) {
                case 0 -> new E("dot(" + gen(new int[] {d}, depth - 1).src() + ", " + gen(new int[] {d}, depth - 1).src() + ")", s);
                case 1 -> r.nextBoolean()
                        ? new E("(" + gen(new int[] {s[0], d}, depth - 1).src() + " @ " + gen(new int[] {d}, depth - 1).src() + ")", s)
                        : new E("dot(" + gen(new int[] {d}, depth - 1).src() + ", " + gen(new int[] {d, s[0]}, depth - 1).src() + ")", s);
                case 2 -> r.nextInt(3) == 0
                        ? new E("outer(" + gen(new int[] {s[0]}, depth - 1).src() + ", " + gen(new int[] {s[1]}, depth - 1).src() + ")", s)
                        : new E("(" + gen(new int[] {s[0], d}, depth - 1).src() + " @ " + gen(new int[] {d, s[1]}, depth - 1).src() + ")", s);
                default -> r.nextBoolean()
                        ? new E("(" + gen(new int[] {s[0], s[1], d}, depth - 1).src() + " @ " + gen(new int[] {d, s[2]}, depth - 1).src() + ")", s)
                        : new E("(" + gen(new int[] {s[0], s[1], d}, depth - 1).src() + " @ " + gen(new int[] {1, d, s[2]}, depth - 1).src() + ")", s);
            };
        }

        E unary(E x) {
            String v = x.src();
            if (!fl) {
                String[] ops = {"abs(%s)", "-(%s)", "relu(%s)", "sign(%s)", "(%s) ** 2", "maximum(%s, 1)", "((%s) * 3 - 1)"};
                return new E(String.format(ops[r.nextInt(ops.length)], v), x.shape());
            }
            String[] ops = {"sin(%s)", "cos(%s)", "tanh(%s)", "sigmoid(%s)", "softplus(%s)", "atan(%s)", "abs(%s)", "relu(%s)", "erf(%s)",
                "asinh(%s)", "-(%s)", "exp(-abs(%s))", "log1p(abs(%s))", "sqrt(1 + (%s) ** 2)", "(%s) ** 2", "square(tanh(%s))", "exp2(sin(%s))",
                "erfc(%s)", "log(2 + cos(%s))", "expm1(tanh(%s))", "reciprocal(2 + sin(%s))", "cosh(tanh(%s))", "sinh(tanh(%s))"};
            return new E(String.format(ops[r.nextInt(ops.length)], v), x.shape());
        }

        E binary(E a, E b, int[] s) {
            String x = a.src(), y = b.src();
            if (!fl) {
                String[] ops = {"(%s + %s)", "(%s - %s)", "(%s * %s)", "maximum(%s, %s)", "minimum(%s, %s)", "(%s // (abs(%s) + 1))", "(%s %% (abs(%s) + 1))"};
                return new E(String.format(ops[r.nextInt(ops.length)], x, y), s);
            }
            String[] ops = {"(%s + %s)", "(%s - %s)", "(%s * %s)", "(%s / (1 + abs(%s)))", "maximum(%s, %s)", "minimum(%s, %s)", "atan2(%s, %s)",
                "(%s * tanh(%s))", "(%s - 0.5 * %s)"};
            return new E(String.format(ops[r.nextInt(ops.length)], x, y), s);
        }
    }

    static String type(DType d, int[] s) {
        return BuiltinSemanticsTest.type(d, s);
    }

    /** A parameter type with dim variables named by size (D3 for 3); size 1 stays a literal, broadcastable dim. */
    static String symType(DType d, int[] s) {
        if (s.length == 0) return d.spelling();
        var sb = new StringBuilder(d.spelling()).append('[');
        for (int k = 0; k < s.length; k++) sb.append(k > 0 ? ", " : "").append(s[k] == 1 ? "1" : "D" + s[k]);
        return sb.append(']').toString();
    }

    static Program program(long seed) {
        return program(seed, false);
    }

    static Program program(long seed, boolean scans) {
        var r = new Random(seed);
        int kind = r.nextInt(10);
        DType dtype = kind < 7 ? DType.F64 : kind < 8 ? DType.F32 : kind < 9 ? DType.I64 : DType.I32;
        var g = new Gen(r, dtype);
        g.scans = scans;
        int n = g.dim(), m = g.dim(), k = g.dim();
        g.params.add(new P("s", new int[0]));
        int[][] shapes = {{n, m}, {m}, {n, 1}, {m, k}, {2, n, m}, {k}};
        String[] names = {"a", "b", "c", "d", "t", "u"};
        for (int q = 0; q < shapes.length; q++) if (r.nextInt(3) > 0) g.params.add(new P(names[q], shapes[q]));
        var src = new StringBuilder();
        // A third of the programs declare dim variables instead of static sizes.
        boolean sym = r.nextInt(3) == 0;
        java.util.function.Function<int[], String> ty = sh -> sym ? symType(dtype, sh) : type(dtype, sh);
        String ps = String.join(", ", g.params.stream().map(p -> p.name() + ": " + ty.apply(p.shape())).toList());
        int outs = 1 + r.nextInt(2);
        var exprs = new ArrayList<String>();
        for (int o = 0; o < outs; o++) {
            int[] s = randomShape(g, n, m, k);
            g.budget = 12;
            exprs.add(g.gen(s, 2 + r.nextInt(3)).src());
        }
        src.append("fn f(").append(ps).append(") = ").append(outs == 1 ? exprs.getFirst() : "(" + String.join(", ", exprs) + ")").append('\n');
        boolean grad = dtype.isFloat(), rop = grad && r.nextBoolean();
        var fparams = g.params.stream().filter(p -> !p.name().equals("s")).map(P::name).toList();
        var wrt = new ArrayList<String>(fparams);
        wrt.add("s");
        if (grad) {
            g.budget = 12;
            String red = new String[] {"sum", "mean", "max", "logsumexp", "norm"}[r.nextInt(5)];
            String cost = red + "(" + g.gen(randomShape(g, n, m, k), 2 + r.nextInt(3)).src() + ")";
            if (red.equals("norm")) cost = "sum(" + cost + " + s)";
            src.append("fn c(").append(ps).append(") = ").append(cost).append('\n');
            src.append("fn g(").append(ps).append(") = grad(").append(cost).append(", [").append(String.join(", ", wrt)).append("], disconnected=\"zero\")\n");
        }
        if (rop) {
            g.budget = 12;
            String y = g.gen(randomShape(g, n, m, k), 2 + r.nextInt(2)).src();
            String vs = String.join(", ", wrt.stream().map(w -> "v" + w + ": " + ty.apply(g.params.stream().filter(p -> p.name().equals(w)).findFirst().orElseThrow().shape())).toList());
            src.append("fn r(").append(ps).append(", ").append(vs).append(") = rop(").append(y).append(", [").append(String.join(", ", wrt))
                    .append("], [").append(String.join(", ", wrt.stream().map(w -> "v" + w).toList())).append("], disconnected=\"zero\")\n");
        }
        var ordered = new ArrayList<P>(g.params);
        // r's tangents follow its parameters in wrt order.
        return new Program(src.toString(), ordered, dtype, grad, rop);
    }

    static int[] randomShape(Gen g, int n, int m, int k) {
        if (g.r.nextBoolean()) return g.params.get(g.r.nextInt(g.params.size())).shape().clone();
        int[][] options = {{}, {n}, {m}, {n, m}, {m, k}, {n, 1}, {2, n, m}, {k, n}, {g.dim(), g.dim()}, {g.dim()}, {2, g.dim(), g.dim()}};
        return options[g.r.nextInt(options.length)];
    }

    /** A shape that broadcasts to s: s itself, a suffix, some dims set to 1, or a scalar. */
    static int[] broadcastable(Random r, int[] s) {
        return switch (r.nextInt(4)) {
            case 0 -> s.clone();
            case 1 -> Arrays.copyOfRange(s, r.nextInt(s.length + 1), s.length);
            case 2 -> {
                int[] o = s.clone();
                for (int k = 0; k < o.length; k++) if (r.nextBoolean()) o[k] = 1;
                yield o;
            }
            default -> new int[0];
        };
    }

    static Tensor value(Random r, DType d, int[] shape) {
        int n = Harness.size(shape);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = d.isFloat() ? r.nextGaussian() : r.nextInt(11) - 5;
        return Tensor.fromDoubles(d, shape, v);
    }

    /** Agreement relative to the output's largest magnitude: kernels may order sums differently. */
    static String disagreement(Tensor ref, Tensor got, double tol) {
        if (ref.dtype() != got.dtype()) return "dtype " + ref.dtype() + " vs " + got.dtype();
        if (!Arrays.equals(ref.shape(), got.shape())) return "shape " + Arrays.toString(ref.shape()) + " vs " + Arrays.toString(got.shape());
        if (!ref.dtype().isFloat()) return Arrays.equals(ref.toLongs(), got.toLongs()) ? null : "values " + ref + " vs " + got;
        double[] a = ref.toDoubles(), b = got.toDoubles();
        double scale = 1;
        for (double v : a) if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        for (int k = 0; k < a.length; k++) {
            boolean ok = Double.isNaN(a[k]) ? Double.isNaN(b[k]) : Double.isInfinite(a[k]) ? a[k] == b[k] : Math.abs(a[k] - b[k]) <= tol * scale;
            if (!ok) return "element " + k + ": " + a[k] + " vs " + b[k] + "\n  interpreter: " + ref + "\n  JVM:         " + got;
        }
        return null;
    }

    /** Runs one program; null when all backends agree, otherwise a report. */
    static String check(long seed) {
        return check(seed, program(seed), false);
    }

    /**
     * Runs program p; null when all backends agree, otherwise a report. With {@code fd}, an f64 program's gradient (the
     * interpreter's) must also match central differences of its cost {@code c}.
     */
    static String check(long seed, Program p, boolean fd) {
        String head = "seed " + seed + " (-Dtxc.diff.seed=" + seed + " -Dtxc.diff.count=1)\n" + p.src();
        try {
            var c = Harness.compile(p.src(), p.dtype() == DType.F32 ? DType.F32 : DType.F64);
            var r = new Random(seed * 31 + 7);
            Tensor[] args = p.params().stream().map(q -> value(r, p.dtype(), q.shape())).toArray(Tensor[]::new);
            double tol = p.dtype() == DType.F32 ? 1e-5 : 1e-10;
            var fns = new ArrayList<String>(List.of("f"));
            if (p.hasGrad()) fns.add("g");
            if (p.hasRop()) fns.add("r");
            for (String fn : fns) {
                Tensor[] a = args;
                if (fn.equals("r")) {
                    // Tangents for every parameter but s, then for s (the wrt order).
                    var l = new ArrayList<Tensor>(Arrays.asList(args));
                    for (P q : p.params()) if (!q.name().equals("s")) l.add(value(r, p.dtype(), q.shape()));
                    l.add(value(r, p.dtype(), new int[0]));
                    a = l.toArray(Tensor[]::new);
                }
                List<Tensor> ref = Harness.interp(c, fn, a);
                List<Tensor> jvm = Harness.jvm(c, fn, a);
                List<Tensor> opt = c.optimized() != null ? Harness.jvm(c.optFn(fn), a) : jvm;
                for (int k = 0; k < ref.size(); k++) {
                    String d1 = disagreement(ref.get(k), jvm.get(k), tol);
                    if (d1 != null) return head + "function " + fn + " output " + k + " (interpreter vs JVM): " + d1 + "\nargs: " + Harness.describe(a);
                    String d2 = disagreement(ref.get(k), opt.get(k), tol);
                    if (d2 != null) return head + "function " + fn + " output " + k + " (interpreter vs optimized JVM): " + d2 + "\nargs: " + Harness.describe(a);
                }
            }
            if (fd && p.hasGrad() && p.dtype() == DType.F64) {
                String d = finiteDifferences(c, args);
                if (d != null) return head + "function g vs central differences of c: " + d + "\nargs: " + Harness.describe(args);
            }
            return null;
        } catch (Throwable e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return head + "threw " + e + (cause != e ? "\n  caused by " + cause : "");
        }
    }

    /**
     * The interpreter's g (the gradient of c with respect to every parameter but s, then s) against central differences
     * of c (h = 1e-6 times the element's magnitude, at least 1e-6); within 1e-5 of the gradient's largest magnitude.
     * Random inputs are almost never at a kink of abs, max or where; a difference that straddles one shows as a report,
     * unless the one-sided differences show the jump: a condition that compares two roundings of one value
     * ({@code mean(broadcast_to(u, [48])) > mean(u)}, seed 25800334) sits at its kink for every input, and h flips it.
     */
    static String finiteDifferences(Harness.Compiled c, Tensor[] args) {
        List<Tensor> g = Harness.interp(c, "g", args);
        // NaN where differences see a number: std at equal values (by design: DECISIONS, "var of equal values") and
        // atan2 at (0, 0), both singular points where PyTorch's gradient is NaN too
        String cost = c.source().split("fn c\\(")[1].split("\n")[0];
        boolean singular = cost.contains("std(") || cost.contains("atan2(");
        var order = new ArrayList<Integer>();
        for (int q = 1; q < args.length; q++) order.add(q);
        order.add(0);
        double at = Harness.interp(c, "c", args).getFirst().toDoubles()[0];
        for (int k = 0; k < order.size(); k++) {
            int q = order.get(k);
            double[] x = args[q].toDoubles(), grad = g.get(k).toDoubles(), num = new double[x.length];
            for (int e = 0; e < x.length; e++) {
                double h = 1e-6 * Math.max(1, Math.abs(x[e]));
                double up = cost(c, args, q, x, e, x[e] + h), down = cost(c, args, q, x, e, x[e] - h);
                num[e] = (up - down) / (2 * h);
                // the quotient's own rounding: each cost is rounded to its ulp, which h magnifies (a cost near 1e8
                // makes differences in steps of 0.005); within that, the difference is no disagreement
                double rounding = (Math.ulp(up) + Math.ulp(down)) / (2 * h);
                if (Math.abs(num[e] - grad[e]) <= rounding) num[e] = grad[e];
                // a jump between x - h and x + h: the one-sided differences disagree far beyond curvature (h f'' is
                // about 1e-6) and rounding; the cost has no derivative to check there
                double ahead = (up - at) / h, behind = (at - down) / h;
                if (Math.abs(ahead - behind) > 1e-2 * Math.max(1, Math.max(Math.abs(ahead), Math.abs(behind))) + 4 * rounding) num[e] = grad[e];
            }
            if (singular) for (int e = 0; e < x.length; e++) if (Double.isNaN(grad[e])) num[e] = Double.NaN;
            Tensor fdT = Tensor.fromDoubles(DType.F64, args[q].shape(), num);
            String d = disagreement(fdT, g.get(k), 1e-5);
            if (d != null) return "parameter " + q + ": " + d;
        }
        return null;
    }

    @Test
    void centralDifferencesThatStraddleAJumpAreNoDisagreement() {
        // at a = 0.5 exactly, where(a > 0.5, ...) jumps by 1 between a - h and a + h: central differences say 5e5
        Tensor[] args = {Tensor.fromDoubles(DType.F64, new int[0], new double[] {0.3}),
                Tensor.fromDoubles(DType.F64, new int[] {2}, new double[] {0.5, -0.7})};
        String cost = "fn c(s: f64, a: f64[2]) = sum(where(a > 0.5, 1.0, 0.0)) + s * sum(a)\n";
        assertNull(finiteDifferences(Harness.compile(cost + "fn g(s: f64, a: f64[2]) = grad(sum(where(a > 0.5, 1.0, 0.0)) + s * sum(a), [a, s])\n", DType.F64), args));
        // away from the jump, a wrong gradient is still found
        String wrong = finiteDifferences(Harness.compile(cost + "fn g(s: f64, a: f64[2]) = grad(sum(where(a > 0.5, 1.0, 0.0)) + 1.1 * s * sum(a), [a, s])\n", DType.F64), args);
        assertNotNull(wrong);
        assertTrue(wrong.startsWith("parameter 1: element 1"), wrong);
    }

    @Test
    void centralDifferencesOfALargeCostAllowForTheirOwnRounding() {
        // a cost near 1e8: its ulp is 1.5e-8, so difference quotients with h = 1e-6 come in steps of about 0.0075
        Tensor[] args = {Tensor.fromDoubles(DType.F64, new int[0], new double[] {0.3}),
                Tensor.fromDoubles(DType.F64, new int[] {4}, new double[] {0.1, -0.7, 1.3, 2.2})};
        String cost = "fn c(s: f64, a: f64[4]) = sum(a) + 1e8 + s\n";
        assertNull(finiteDifferences(Harness.compile(cost + "fn g(s: f64, a: f64[4]) = grad(sum(a) + 1e8 + s, [a, s])\n", DType.F64), args));
        // a gradient 10% off is still found
        String wrong = finiteDifferences(Harness.compile(cost + "fn g(s: f64, a: f64[4]) = grad(sum(a * 1.1) + 1e8 + s, [a, s])\n", DType.F64), args);
        assertNotNull(wrong);
        assertTrue(wrong.startsWith("parameter 1"), wrong);
    }

    private static double cost(Harness.Compiled c, Tensor[] args, int q, double[] x, int e, double xe) {
        double[] y = x.clone();
        y[e] = xe;
        Tensor[] a = args.clone();
        a[q] = Tensor.fromDoubles(DType.F64, args[q].shape(), y);
        return Harness.interp(c, "c", a).getFirst().toDoubles()[0];
    }

    @Test
    void randomProgramsAgreeAcrossBackends() {
        var failures = new ArrayList<String>();
        for (int i = 0; i < COUNT; i++) {
            String f = check(BASE_SEED + i);
            if (f != null) {
                failures.add(f);
                System.err.println("---- differential failure " + failures.size() + "\n" + f);
            }
        }
        if (!failures.isEmpty())
            fail(failures.size() + " of " + COUNT + " random programs disagree; the first:\n" + failures.getFirst());
    }
}
