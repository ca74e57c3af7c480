package dev.txc.frontend;

import dev.txc.frontend.ast.Expr.BinaryOp;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * The built-in functions of LANGUAGE.md section 6, lowered to IR ops (or to small compositions of them): a table
 * with one entry per built-in, saying its parameters and how it builds IR from the bound arguments.
 */
final class Builtins {
    private Builtins() {}

    /** How a built-in lowers: the call's arguments, bound to the entry's parameters, to a value. */
    @FunctionalInterface
    private interface Rule {
        Value lower(Lowerer l, Args a, Map<String, Value> m);
    }

    /**
     * One built-in: its name, its parameters as {@link Args#bind} takes them (a trailing '?' marks an optional one;
     * null when the rule binds the arguments itself) and its lowering rule.
     */
    private record Builtin(String name, String[] params, Rule rule) {}

    private static Builtin b(String name, String[] params, Rule rule) {
        return new Builtin(name, params, rule);
    }

    private static String[] p(String... params) {
        return params;
    }

    private static final String[] X = {"x"};
    private static final String[] XY = {"x", "y"};
    private static final String[] REDUCE = {"x", "axis?", "keepdims?"};

    private static final Map<String, Builtin> TABLE = table(
            // Elementwise functions of floats (integers and bools become floatX).
            floatUnary("exp", Op.EXP), floatUnary("exp2", Op.EXP2), floatUnary("expm1", Op.EXPM1), floatUnary("log", Op.LOG),
            floatUnary("log2", Op.LOG2), floatUnary("log10", Op.LOG10), floatUnary("log1p", Op.LOG1P), floatUnary("sqrt", Op.SQRT),
            floatUnary("sin", Op.SIN), floatUnary("cos", Op.COS), floatUnary("tan", Op.TAN), floatUnary("asin", Op.ASIN),
            floatUnary("acos", Op.ACOS), floatUnary("atan", Op.ATAN), floatUnary("sinh", Op.SINH), floatUnary("cosh", Op.COSH),
            floatUnary("tanh", Op.TANH), floatUnary("asinh", Op.ASINH), floatUnary("acosh", Op.ACOSH), floatUnary("atanh", Op.ATANH),
            floatUnary("sigmoid", Op.SIGMOID), floatUnary("softplus", Op.SOFTPLUS), floatUnary("erf", Op.ERF), floatUnary("erfc", Op.ERFC),
            floatUnary("isnan", Op.ISNAN), floatUnary("isinf", Op.ISINF),
            // Elementwise functions of numbers (bools become i64).
            numericUnary("abs", Op.ABS), numericUnary("sign", Op.SIGN), numericUnary("relu", Op.RELU),
            numericUnary("floor", Op.FLOOR), numericUnary("ceil", Op.CEIL), numericUnary("round", Op.ROUND),
            b("square", X, (l, a, m) -> {
                Value.T x = numeric(l, t(l, m, "x", a));
                return new Value.T(Ir.mul(x.node(), x.node()), x.weak());
            }),
            b("reciprocal", X, (l, a, m) -> {
                Value.T x = l.floating(t(l, m, "x", a));
                return new Value.T(Ir.div(Ir.scalarLike(1, x.node()), x.node()), x.weak());
            }),
            b("stop_gradient", X, (l, a, m) -> {
                Value.T x = t(l, m, "x", a);
                return new Value.T(Ir.op(Op.STOP_GRADIENT, x.node()), x.weak());
            }),
            b("pow", XY, (l, a, m) -> Operators.binary(l, BinaryOp.POW, m.get("x"), m.get("y"), a.span())),
            b("maximum", XY, (l, a, m) -> extreme(l, a, m, Op.OR, Op.MAXIMUM)),
            b("minimum", XY, (l, a, m) -> extreme(l, a, m, Op.AND, Op.MINIMUM)),
            b("atan2", p("y", "x"), (l, a, m) -> {
                var q = Operators.numeric(l, t(l, m, "y", a), t(l, m, "x", a));
                Node y = q.dtype().isFloat() ? q.a() : Ir.cast(q.a(), l.floatX()), x = q.dtype().isFloat() ? q.b() : Ir.cast(q.b(), l.floatX());
                return new Value.T(Ir.op(Op.ATAN2, y, x), q.weak());
            }),
            b("xor", XY, (l, a, m) -> {
                Value.T x = t(l, m, "x", a), y = t(l, m, "y", a);
                if (x.dtype() != DType.BOOL || y.dtype() != DType.BOOL)
                    throw new FrontendError(a.span(), "xor needs bool operands, got " + x.node().type() + " and " + y.node().type());
                return new Value.T(Ir.op(Op.XOR, x.node(), y.node()), x.weak() && y.weak());
            }),
            b("where", p("cond", "x", "y"), (l, a, m) -> {
                Value.T c = t(l, m, "cond", a);
                Node cond = c.dtype() == DType.BOOL ? c.node() : Ir.op(Op.NE, c.node(), Ir.scalarLike(0, c.node()));
                var q = Operators.unify(l, t(l, m, "x", a), t(l, m, "y", a));
                return new Value.T(Ir.where(cond, q.a(), q.b()), q.weak() && c.weak());
            }),
            b("clip", p("x", "lo", "hi"), (l, a, m) -> {
                List<Node> ns = unifyAll(l, List.of(t(l, m, "x", a), t(l, m, "lo", a), t(l, m, "hi", a)));
                return new Value.T(Ir.op(Op.CLIP, ns.get(0), ns.get(1), ns.get(2)), false);
            }),
            // Reductions.
            // Reductions, each with its operand's conversion: sums and products of integers and bools in i64 (as
            // NumPy), extremes of bools in i64 and back to bool, means in floats, any and all of numbers compared with zero.
            reduction("sum", Op.SUM, Builtins::wideInteger), reduction("prod", Op.PROD, Builtins::wideInteger),
            reduction("max", Op.MAX, Builtins::numericNode), reduction("min", Op.MIN, Builtins::numericNode),
            reduction("argmax", Op.ARGMAX, Builtins::numericNode), reduction("argmin", Op.ARGMIN, Builtins::numericNode),
            reduction("mean", Op.MEAN, Builtins::floatNode), reduction("logsumexp", Op.LOGSUMEXP, Builtins::floatNode),
            reduction("any", Op.ANY, Builtins::truthNode), reduction("all", Op.ALL, Builtins::truthNode),
            b("var", REDUCE, Builtins::moments), b("std", REDUCE, Builtins::moments), b("norm", REDUCE, Builtins::moments),
            // Linear algebra.
            b("dot", XY, Builtins::dot),
            b("outer", XY, (l, a, m) -> {
                var q = Operators.numeric(l, t(l, m, "x", a), t(l, m, "y", a));
                Node x = Ir.reshape(q.a(), Ir.longs(-1)), y = Ir.reshape(q.b(), Ir.longs(-1));
                return new Value.T(Ir.mul(Ir.expandDims(x, Ir.axes(1)), Ir.expandDims(y, Ir.axes(0))), false);
            }),
            b("transpose", p("x", "perm?"), Builtins::transpose),
            b("trace", X, (l, a, m) -> {
                Node x = node(l, m, "x", a);
                if (x.rank() != 2) throw new FrontendError(a.spanOf("x"), "trace needs a matrix, got " + x.type());
                return strong(Ir.sum(Ir.op(Op.DIAGONAL, x)));
            }),
            b("diag", X, (l, a, m) -> {
                Node x = node(l, m, "x", a);
                return strong(switch (x.rank()) {
                    case 1 -> diagMatrix(x);
                    case 2 -> Ir.op(Op.DIAGONAL, x);
                    default -> throw new FrontendError(a.spanOf("x"), "diag needs a vector or a matrix, got " + x.type());
                });
            }),
            // Shapes.
            b("reshape", p("x", "shape"), (l, a, m) -> strong(Ir.reshape(node(l, m, "x", a), shape(l, m.get("shape"), a.spanOf("shape"))))),
            b("flatten", X, (l, a, m) -> strong(Ir.reshape(node(l, m, "x", a), Ir.longs(-1)))),
            b("dimshuffle", p("x", "pattern"), Builtins::dimshuffle),
            b("expand_dims", p("x", "axis"), (l, a, m) -> {
                Node x = node(l, m, "x", a);
                List<Long> axes = axes(l, m.get("axis"), x.rank() + count(m.get("axis")), a.spanOf("axis"));
                return strong(Ir.expandDims(x, axes));
            }),
            b("squeeze", p("x", "axis?"), Builtins::squeeze),
            b("concatenate", p("arrays", "axis?"), (l, a, m) -> {
                List<Node> xs = unifyAll(l, list(l, m.get("arrays"), a.spanOf("arrays"), "concatenate"));
                int axis = axis(l, m.get("axis"), xs.getFirst().rank(), a.spanOf("axis"), 0);
                return strong(Ir.concat(xs, axis));
            }),
            b("stack", p("arrays", "axis?"), (l, a, m) -> {
                List<Node> xs = unifyAll(l, list(l, m.get("arrays"), a.spanOf("arrays"), "stack"));
                sameShapes(xs, a.spanOf("arrays"));
                int axis = axis(l, m.get("axis"), xs.getFirst().rank() + 1, a.spanOf("axis"), 0);
                return strong(Ir.concat(xs.stream().map(x -> Ir.expandDims(x, Ir.axes(axis))).toList(), axis));
            }),
            b("broadcast_to", p("x", "shape"), (l, a, m) -> {
                Value.T x = t(l, m, "x", a);
                Node n = x.weak() ? Conversions.convert(x, x.dtype()) : x.node();
                return strong(Ir.op(Op.BROADCAST_TO, n, shape(l, m.get("shape"), a.spanOf("shape"))));
            }),
            b("shape", X, (l, a, m) -> strong(Ir.shapeOf(node(l, m, "x", a)))),
            b("size", X, (l, a, m) -> {
                Node x = node(l, m, "x", a);
                long s = x.tt().staticSize();
                return strong(s >= 0 ? Ir.scalarLong(s, DType.I64) : Ir.reduce(Op.PROD, Ir.shape(x), Ir.axes(0), false));
            }),
            // Constructors.
            b("arange", p("start", "stop?", "step?"), Builtins::arange),
            b("zeros", p("shape?"), (l, a, m) -> filled(l, m.get("shape"), new Value.T(Ir.scalarLong(0, DType.I64), true), l.floatX(), a)),
            b("ones", p("shape?"), (l, a, m) -> filled(l, m.get("shape"), new Value.T(Ir.scalarLong(1, DType.I64), true), l.floatX(), a)),
            // full(value) inside a parameter default, full(shape, value) elsewhere.
            b("full", null, (l, a, unbound) -> {
                var m = a.pos() == 1 ? a.bind("value") : a.bind("shape", "value");
                Value.T v = t(l, m, "value", a);
                return filled(l, m.get("shape"), v, v.weak() && v.dtype().isFloat() ? l.floatX() : v.dtype(), a);
            }),
            b("eye", p("n"), (l, a, m) -> {
                Value.T n = t(l, m, "n", a);
                if (n.node().rank() != 0 || !n.dtype().isInteger())
                    throw new FrontendError(a.spanOf("n"), "eye: n must be an integer scalar, got " + n.node().type());
                Node len = Ir.expandDims(Conversions.convert(n, DType.I64), Ir.axes(0));
                return strong(diagMatrix(Ir.op(Op.BROADCAST_TO, Ir.scalar(1, l.floatX()), Folding.fold(len))));
            }),
            b("zeros_like", X, (l, a, m) -> strong(Ir.fillLike(node(l, m, "x", a), 0))),
            b("ones_like", X, (l, a, m) -> strong(Ir.fillLike(node(l, m, "x", a), 1))),
            b("fill", p("x", "value"), (l, a, m) -> {
                var q = Operators.unify(l, t(l, m, "x", a), t(l, m, "value", a));
                return strong(q.a().rank() == 0 ? q.b() : Ir.op(Op.BROADCAST_TO, q.b(), Ir.shapeOf(q.a())));
            }),
            b("cast", p("x", "dtype"), (l, a, m) -> {
                Value.T x = t(l, m, "x", a);
                if (!(m.get("dtype") instanceof Value.DT(DType d)))
                    throw new FrontendError(a.spanOf("dtype"), "cast needs a dtype such as f32, got " + Value.describe(m.get("dtype")));
                return new Value.T(Conversions.convert(x, d), false);
            }),
            // Neural-network functions.
            b("softmax", p("x", "axis?"), (l, a, m) -> softmax(l, a, m, Op.SOFTMAX)),
            b("log_softmax", p("x", "axis?"), (l, a, m) -> softmax(l, a, m, Op.LOG_SOFTMAX)),
            b("binary_crossentropy", p("p", "t"), (l, a, m) -> {
                Value.T p = l.floating(t(l, m, "p", a));
                var u = Operators.unify(l, p, t(l, m, "t", a));
                Node one = Ir.scalarLike(1, u.a());
                Node ll = Ir.add(Ir.mul(u.b(), Ir.op(Op.LOG, u.a())), Ir.mul(Ir.sub(one, u.b()), Ir.op(Op.LOG, Ir.sub(one, u.a()))));
                return strong(Ir.neg(ll));
            }),
            b("categorical_crossentropy", p("p", "t"), Builtins::categorical),
            // Differentiation.
            b("grad", p("cost", "wrt", "disconnected?"), (l, a, m) -> DiffCalls.grad(l, a, m, Op.GRAD, "cost")),
            b("jacobian", p("y", "wrt", "disconnected?"), (l, a, m) -> DiffCalls.grad(l, a, m, Op.JACOBIAN, "y")),
            b("hessian", p("cost", "wrt", "disconnected?"), (l, a, m) -> DiffCalls.grad(l, a, m, Op.HESSIAN, "cost")),
            b("rop", p("y", "x", "v", "disconnected?"), DiffCalls::rop),
            b("lop", p("y", "x", "u", "disconnected?"), DiffCalls::lop),
            // Initial values of shared variables only (SharedInit lowers them there).
            sharedInitOnly("randn"), sharedInitOnly("uniform"), sharedInitOnly("load"));

    private static Map<String, Builtin> table(Builtin... entries) {
        var out = new LinkedHashMap<String, Builtin>();
        for (Builtin e : entries)
            if (out.put(e.name(), e) != null) throw new IllegalStateException("built-in " + e.name() + " defined twice");
        return Collections.unmodifiableMap(out);
    }

    private static Builtin floatUnary(String name, Op op) {
        return b(name, X, (l, a, m) -> {
            Value.T x = l.floating(t(l, m, "x", a));
            return new Value.T(Ir.op(op, x.node()), x.weak());
        });
    }

    private static Builtin numericUnary(String name, Op op) {
        return b(name, X, (l, a, m) -> {
            Value.T x = numeric(l, t(l, m, "x", a));
            return new Value.T(Ir.op(op, x.node()), x.weak());
        });
    }

    private static Builtin reduction(String name, Op op, BiFunction<Lowerer, Value.T, Node> operand) {
        return b(name, REDUCE, (l, a, m) -> reduction(l, a, m, op, operand));
    }

    private static Builtin sharedInitOnly(String name) {
        return b(name, null, (l, a, m) -> {
            throw new FrontendError(a.span(), name + "(...) can only give the initial value of a shared variable");
        });
    }

    /** Every built-in's name. */
    static SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(TABLE.keySet()));
    }

    static boolean exists(String name) {
        return TABLE.containsKey(name);
    }

    static Value call(Lowerer l, String name, Args a) {
        Builtin b = TABLE.get(name);
        if (b == null) throw new IllegalStateException("builtin " + name);
        return b.rule().lower(l, a, b.params() == null ? Map.of() : a.bind(b.params()));
    }

    /** maximum and minimum: of bools, bools (logical or, and) as NumPy 2. */
    private static Value extreme(Lowerer l, Args a, Map<String, Value> m, Op onBools, Op op) {
        Value.T x = t(l, m, "x", a), y = t(l, m, "y", a);
        var u = Operators.unify(l, x, y);
        if (u.dtype() == DType.BOOL && !u.weak()) return new Value.T(Ir.op(onBools, u.a(), u.b()), false);
        var q = Operators.numeric(l, x, y);
        return new Value.T(Ir.op(op, q.a(), q.b()), q.weak());
    }

    private static Value softmax(Lowerer l, Args a, Map<String, Value> m, Op op) {
        Node x = l.floating(t(l, m, "x", a)).node();
        int axis = axis(l, m.get("axis"), x.rank(), a.spanOf("axis"), -1);
        return strong(Node.make(op, List.of(x), dev.txc.ir.Attrs.of("axis", (long) axis)));
    }

    /** A square matrix with v on its diagonal: v embedded in a broadcast zero of shape [n, n]. */
    private static Node diagMatrix(Node v) {
        Node n = Folding.fold(Ir.shapeOf(v));
        Node nn = Folding.fold(Ir.concat(List.of(n, n), 0));
        return Ir.op(Op.DIAG_EMBED, v, Ir.op(Op.BROADCAST_TO, Ir.scalarLike(0, v), nn));
    }

    // ---- argument helpers ----

    static Value.T strong(Node n) {
        return new Value.T(n, false);
    }

    static Value.T t(Lowerer l, Map<String, Value> m, String name, Args a) {
        return l.tensor(m.get(name), a.spanOf(name), a.name() + "(): argument '" + name + "'");
    }

    /** A strong node for the argument (a weak literal takes its default dtype). */
    static Node node(Lowerer l, Map<String, Value> m, String name, Args a) {
        return t(l, m, name, a).node();
    }

    private static Value.T numeric(Lowerer l, Value.T x) {
        return x.dtype() == DType.BOOL ? new Value.T(Ir.cast(x.node(), DType.I64), x.weak()) : x;
    }

    /** Converts tensors to one dtype, the weak ones yielding to the strong ones. */
    // stack's operands must have one shape (NumPy's rule); sizes known at compile time are compared here, the others
    // by the concatenation at run time
    private static void sameShapes(List<Node> xs, SourceSpan at) {
        var first = xs.getFirst().tt();
        for (Node x : xs) {
            var t = x.tt();
            boolean differ = t.rank() != first.rank();
            for (int d = 0; !differ && d < t.rank(); d++) {
                differ = t.dim(d) instanceof Dim.Known(long p) && first.dim(d) instanceof Dim.Known(long q) && p != q;
            }
            if (differ) {
                throw new FrontendError(at, "stack: all input arrays must have the same shape, got " + first + " and " + t);
            }
        }
    }

    static List<Node> unifyAll(Lowerer l, List<Value.T> xs) {
        Value.T acc = xs.getFirst();
        for (int k = 1; k < xs.size(); k++) {
            var p = Operators.unify(l, acc, xs.get(k));
            acc = new Value.T(p.a(), p.weak());
        }
        DType d = acc.dtype();
        return xs.stream().map(x -> Conversions.convert(x, d)).toList();
    }

    private static List<Value.T> list(Lowerer l, Value v, SourceSpan at, String what) {
        List<Value> items = switch (v) {
            case Value.Lst ls -> ls.items();
            case Value.Tup tp -> tp.items();
            case Value.T _, Value.Str _, Value.DT _, Value.Poison _ ->
                    throw new FrontendError(at, what + " needs a list of arrays such as [a, b], got " + Value.describe(v));
        };
        if (items.isEmpty()) throw new FrontendError(at, what + " needs at least one array");
        return items.stream().map(x -> l.tensor(x, at, what + " element")).toList();
    }

    private static int count(Value v) {
        return v instanceof Value.Lst ls ? ls.items().size() : 1;
    }

    /** A constant integer from a value (an axis, a seed). */
    static long constInt(Value v, SourceSpan at, String what) {
        if (v instanceof Value.T t) {
            Node n = Folding.fold(t.node());
            if (n.isConst() && n.tt().isScalar() && (n.dtype().isInteger())) return n.constValue().getLong(0);
        }
        if (v instanceof Value.Poison) throw new Lowerer.PoisonSignal();
        throw new FrontendError(at, what + " must be a constant integer, got " + Value.describe(v));
    }

    static boolean constBool(Value v, SourceSpan at, String what) {
        if (v instanceof Value.T t && t.node().isConst() && t.node().tt().isScalar() && t.dtype() == DType.BOOL)
            return t.node().constValue().getLong(0) != 0;
        throw new FrontendError(at, what + " must be true or false, got " + Value.describe(v));
    }

    static int axis(Lowerer l, Value v, int rank, SourceSpan at, int dflt) {
        long ax = v == null ? dflt : constInt(v, at, "axis");
        if (ax < -rank || ax >= rank) throw new FrontendError(at, "axis " + ax + " is out of bounds for an array of rank " + rank);
        return (int) (ax < 0 ? ax + rank : ax);
    }

    /** Normalized, sorted, unique axes from an int or a list; null means every axis. */
    static List<Long> axes(Lowerer l, Value v, int rank, SourceSpan at) {
        if (v == null) return Ir.allAxes(rank);
        List<Value> items = v instanceof Value.Lst ls ? ls.items() : List.of(v);
        var out = new ArrayList<Long>();
        for (Value item : items) {
            long ax = axis(l, item, rank, at, 0);
            if (out.contains(ax)) throw new FrontendError(at, "repeated axis " + ax);
            out.add(ax);
        }
        out.sort(null);
        return out;
    }

    /** A shape argument as an i64 vector: a list of sizes, an i64 vector value, or a single size. */
    static Node shape(Lowerer l, Value v, SourceSpan at) {
        return switch (v) {
            case Value.Lst ls -> {
                var parts = new ArrayList<Node>();
                for (Value item : ls.items()) {
                    Value.T s = l.tensor(item, at, "a shape entry");
                    if (!s.node().tt().isScalar() || !s.dtype().isInteger())
                        throw new FrontendError(at, "a shape entry must be an integer, got " + Value.describe(item));
                    parts.add(Folding.fold(Conversions.convert(s, DType.I64)));
                }
                yield Folding.stackScalars(parts);
            }
            case Value.T s when s.node().tt().isScalar() && s.dtype().isInteger() -> Folding.stackScalars(List.of(Conversions.convert(s, DType.I64)));
            case Value.T s when s.node().rank() == 1 && s.dtype().isInteger() && s.node().tt().dim(0).isKnown() -> Conversions.convert(s, DType.I64);
            case Value.Poison p -> throw new Lowerer.PoisonSignal();
            case Value.T _, Value.Tup _, Value.Str _, Value.DT _ ->
                    throw new FrontendError(at, "a shape must be a list of sizes such as [2, 3], got " + Value.describe(v));
        };
    }

    // ---- families ----

    private static Value reduction(Lowerer l, Args a, Map<String, Value> m, Op op, BiFunction<Lowerer, Value.T, Node> operand) {
        String name = a.name();
        Value.T x = t(l, m, "x", a);
        Node n = operand.apply(l, x);
        if ((op == Op.ARGMAX || op == Op.ARGMIN) && m.get("axis") instanceof Value.Lst)
            throw new FrontendError(a.spanOf("axis"), name + " takes a single axis");
        List<Long> axes = axes(l, m.get("axis"), n.rank(), a.spanOf("axis"));
        boolean keep = m.containsKey("keepdims") && constBool(m.get("keepdims"), a.spanOf("keepdims"), "keepdims");
        Node r = Ir.reduce(op, n, axes, keep);
        // max and min of bools are bools, as NumPy's (computed in i64, so an empty one is the same error as for numbers)
        boolean extreme = op == Op.MAX || op == Op.MIN;
        return strong(extreme && x.dtype() == DType.BOOL ? Ir.cast(r, DType.BOOL) : r);
    }

    private static Node wideInteger(Lowerer l, Value.T x) {
        return x.dtype().isFloat() ? x.node() : Conversions.convert(x, DType.I64);
    }

    private static Node numericNode(Lowerer l, Value.T x) {
        return numeric(l, x).node();
    }

    private static Node floatNode(Lowerer l, Value.T x) {
        return l.floating(x).node();
    }

    private static Node truthNode(Lowerer l, Value.T x) {
        return x.dtype() == DType.BOOL ? x.node() : Ir.op(Op.NE, x.node(), Ir.scalarLike(0, x.node()));
    }

    /** var, std and norm. */
    private static Value moments(Lowerer l, Args a, Map<String, Value> m) {
        String name = a.name();
        Node x = l.floating(t(l, m, "x", a)).node();
        List<Long> axes = axes(l, m.get("axis"), x.rank(), a.spanOf("axis"));
        boolean keep = m.containsKey("keepdims") && constBool(m.get("keepdims"), a.spanOf("keepdims"), "keepdims");
        if (name.equals("norm")) {
            // sqrt(sum(x^2)) whose gradient is 0 where the norm is 0, as PyTorch's and as abs'(0) = 0: the inner where
            // keeps sqrt's infinite slope at 0 out of the gradient (DECISIONS, "norm at zero").
            Node ss = Ir.reduce(Op.SUM, Ir.mul(x, x), axes, keep);
            Node zero = Ir.op(Op.EQ, ss, Ir.scalarLike(0, ss));
            return strong(Ir.where(zero, Ir.scalarLike(0, ss), Ir.op(Op.SQRT, Ir.where(zero, Ir.scalarLike(1, ss), ss))));
        }
        // var = mean((y - mean(y))^2) with ddof 0, as NumPy; std = sqrt(var). y = x - x[first] along the axes: the
        // shift makes equal values give exactly 0 whatever order a backend sums in (see DECISIONS, "var of equal values").
        // y is halved (x/2 - x[first]/2, and the mean of squares times 4) so that the shift cannot overflow where
        // NumPy's x - mean(x) does not; halving is exact, so the result is the same bits otherwise.
        Node half = Ir.scalarLike(0.5, x);
        Node y = Ir.sub(Ir.mul(x, half), Ir.broadcastLike(Ir.mul(first(x, axes), half), x));
        Node d = Ir.sub(y, Ir.reduce(Op.MEAN, y, axes, true));
        Node v = Ir.mul(Ir.reduce(Op.MEAN, Ir.mul(d, d), axes, keep), Ir.scalarLike(4, x));
        return strong(name.equals("std") ? Ir.op(Op.SQRT, v) : v);
    }

    /** x[0:1] along each of the axes (empty where the axis is). */
    private static Node first(Node x, List<Long> axes) {
        var none = new ArrayList<>(Collections.nCopies(x.rank(), Op.NONE));
        var starts = new ArrayList<>(none);
        var stops = new ArrayList<>(none);
        for (long a : axes) { starts.set((int) a, 0L); stops.set((int) a, 1L); }
        return Ir.slice(x, starts, stops, new ArrayList<>(Collections.nCopies(x.rank(), 1L)));
    }

    private static Value dot(Lowerer l, Args a, Map<String, Value> m) {
        var p = Operators.numeric(l, t(l, m, "x", a), t(l, m, "y", a));
        if (p.a().rank() == 0 || p.b().rank() == 0) return new Value.T(Ir.mul(p.a(), p.b()), p.weak());
        if (p.a().rank() > 2 || p.b().rank() > 2)
            throw new FrontendError(a.span(), "dot supports vectors and matrices, got " + p.a().type() + " and " + p.b().type() + "; use @ for batched products");
        return strong(Ir.matmul(p.a(), p.b()));
    }

    private static Value transpose(Lowerer l, Args a, Map<String, Value> m) {
        Node x = node(l, m, "x", a);
        if (!m.containsKey("perm")) return strong(x.rank() < 2 ? x : Ir.transpose(x, Operators.reversed(x.rank())));
        if (!(m.get("perm") instanceof Value.Lst ls) || ls.items().size() != x.rank())
            throw new FrontendError(a.spanOf("perm"), "transpose needs a permutation of the " + x.rank() + " axes of " + x.type() + ", such as "
                    + java.util.stream.IntStream.range(0, x.rank()).map(d -> x.rank() - 1 - d).boxed().toList());
        int[] perm = new int[x.rank()];
        var seen = new boolean[x.rank()];
        for (int k = 0; k < perm.length; k++) {
            perm[k] = axis(l, ls.items().get(k), x.rank(), a.spanOf("perm"), 0);
            if (seen[perm[k]]) throw new FrontendError(a.spanOf("perm"), "transpose: axis " + perm[k] + " repeated in the permutation");
            seen[perm[k]] = true;
        }
        return strong(Ir.transpose(x, perm));
    }

    /** Theano's dimshuffle: a pattern of input axes and "x" (new broadcastable axes); unlisted axes must have size 1. */
    private static Value dimshuffle(Lowerer l, Args a, Map<String, Value> m) {
        Node x = node(l, m, "x", a);
        SourceSpan at = a.spanOf("pattern");
        if (!(m.get("pattern") instanceof Value.Lst ls)) throw new FrontendError(at, "dimshuffle needs a pattern such as [1, \"x\", 0]");
        var order = new ArrayList<Integer>();
        var newAxes = new ArrayList<Long>();
        for (int k = 0; k < ls.items().size(); k++) {
            Value item = ls.items().get(k);
            if (item instanceof Value.Str(String s) && s.equals("x")) newAxes.add((long) k);
            else {
                int ax = axis(l, item, x.rank(), at, 0);
                if (order.contains(ax)) throw new FrontendError(at, "dimshuffle: axis " + ax + " repeated");
                order.add(ax);
            }
        }
        var dropped = new ArrayList<Long>();
        for (int d = 0; d < x.rank(); d++) {
            if (order.contains(d)) continue;
            if (!x.tt().dim(d).isOne()) throw new FrontendError(at, "dimshuffle drops axis " + d + " of " + x.type() + ", which does not have size 1");
            dropped.add((long) d);
        }
        Node y = Ir.squeeze(x, dropped);
        int[] perm = order.stream().mapToInt(ax -> ax - (int) dropped.stream().filter(d -> d < ax).count()).toArray();
        boolean identity = true;
        for (int k = 0; k < perm.length; k++) identity &= perm[k] == k;
        if (!identity) y = Ir.transpose(y, perm);
        return strong(Ir.expandDims(y, newAxes));
    }

    private static Value squeeze(Lowerer l, Args a, Map<String, Value> m) {
        Node x = node(l, m, "x", a);
        if (m.containsKey("axis")) return strong(Ir.squeeze(x, axes(l, m.get("axis"), x.rank(), a.spanOf("axis"))));
        var ones = new ArrayList<Long>();
        for (int d = 0; d < x.rank(); d++) if (x.tt().dim(d).isOne()) ones.add((long) d);
        return strong(Ir.squeeze(x, ones));
    }

    private static Value arange(Lowerer l, Args a, Map<String, Value> m) {
        Value.T start = t(l, m, "start", a), stop, step;
        if (!m.containsKey("stop")) {
            stop = start;
            start = new Value.T(Ir.scalarLong(0, DType.I64), true);
        } else stop = t(l, m, "stop", a);
        step = m.containsKey("step") ? t(l, m, "step", a) : new Value.T(Ir.scalarLong(1, DType.I64), true);
        for (Value.T v : List.of(start, stop, step))
            if (!v.node().tt().isScalar()) throw new FrontendError(a.span(), "arange bounds must be scalars, got " + v.node().type());
        List<Node> ns = unifyAll(l, List.of(start, stop, step));
        DType d = ns.getFirst().dtype();
        if (d == DType.BOOL) ns = ns.stream().map(n -> Ir.cast(n, DType.I64)).toList();
        if (d.isInteger() && d != DType.I64 && ns.stream().allMatch(Node::isConst)) ns = ns.stream().map(n -> Ir.cast(n, DType.I64)).map(Folding::fold).toList();
        return strong(Ir.op(Op.ARANGE, ns.get(0), ns.get(1), ns.get(2)));
    }

    /** zeros/ones/full: a value broadcast to a shape; without a shape, the type of the parameter being defaulted. */
    private static Value filled(Lowerer l, Value shapeArg, Value.T value, DType dflt, Args a) {
        TensorType target = l.expected;
        DType d = target != null ? target.dtype() : dflt;
        Node v = value.weak() ? Conversions.convert(value, d) : value.node();
        if (!v.tt().isScalar()) throw new FrontendError(a.spanOf("value"), a.name() + " needs a scalar fill value, got " + v.type());
        Node s;
        if (shapeArg != null) s = shape(l, shapeArg, a.spanOf("shape"));
        else if (target != null) s = l.shapeOfType(target, a.span());
        else throw new FrontendError(a.span(), a.name() + "() needs a shape here, such as " + a.name() + "([2, 3])");
        return strong(Ir.op(Op.BROADCAST_TO, v, s));
    }

    private static Value categorical(Lowerer l, Args a, Map<String, Value> m) {
        Node p = l.floating(t(l, m, "p", a)).node();
        Value.T t = t(l, m, "t", a);
        if (p.rank() < 1) throw new FrontendError(a.spanOf("p"), "categorical_crossentropy needs probabilities with a class axis, got " + p.type());
        Node target;
        if (t.dtype().isInteger() && t.node().rank() == p.rank() - 1) {
            // Integer class labels become one-hot rows: label[..., None] == arange(classes).
            Node classes = Folding.fold(Ir.index(Ir.shapeOf(p), Ir.scalarLong(p.rank() - 1, DType.I64), 0));
            Node ar = Ir.op(Op.ARANGE, Ir.scalarLong(0, DType.I64), classes, Ir.scalarLong(1, DType.I64));
            Node labels = Conversions.convert(t, DType.I64);
            Node hot = Ir.op(Op.EQ, Ir.expandDims(labels, Ir.axes(t.node().rank())), ar);
            Node xent = Ir.neg(Ir.reduce(Op.SUM, Ir.mul(Ir.cast(hot, p.dtype()), Ir.op(Op.LOG, p)), Ir.axes(p.rank() - 1), false));
            return strong(Ir.sub(xent, labelCheck(labels, ar, p.dtype())));
        } else target = Conversions.convert(t, p.dtype());
        return strong(Ir.neg(Ir.reduce(Op.SUM, Ir.mul(target, Ir.op(Op.LOG, p)), Ir.axes(p.rank() - 1), false)));
    }

    /**
     * A zero that is a run-time error where a label is outside [0, classes) (a one-hot row of zeros would give a loss of
     * 0 silently; NumPy's and Theano's indexing raise): arange(classes)[l : l + 1] at the largest and the smallest label,
     * whose error names the label ("window [3, 4) is out of bounds for axis 0 with size 3"). A 0 label joins the labels
     * so that neither reduction is empty. Subtracted from the loss, it keeps -0.0 losses as they are.
     */
    private static Node labelCheck(Node labels, Node arange, DType dtype) {
        Node all = Ir.concat(List.of(Ir.reshape(labels, Ir.longs(-1)), Ir.longs(0)), 0);
        Node width = Ir.longs(0); // any one-element vector: the window's length
        Node hi = Node.make(Op.WINDOW, List.of(arange, Ir.reduce(Op.MAX, all, Ir.axes(0), false), width), dev.txc.ir.Attrs.of("axis", 0L));
        Node lo = Node.make(Op.WINDOW, List.of(arange, Ir.reduce(Op.MIN, all, Ir.axes(0), false), width), dev.txc.ir.Attrs.of("axis", 0L));
        Node zero = Ir.mul(Ir.scalarLong(0, DType.I64), Ir.add(hi, lo));
        return Ir.cast(Ir.reduce(Op.SUM, zero, Ir.axes(0), false), dtype);
    }
}
