package dev.txc.frontend;

import dev.txc.frontend.api.LoweringException;
import dev.txc.frontend.api.Operand;
import dev.txc.frontend.api.Slice;
import dev.txc.frontend.ast.Expr;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The frontend's lowering rules applied to values that are already lowered, for {@link dev.txc.frontend.api.Lowering}
 * (which is the class to use): the same code paths as a {@code .tx} call, operator or subscript, so both build the
 * same IR. Each call uses a fresh lowerer, so concurrent calls share nothing.
 */
public final class Embedding {
    private Embedding() {}

    /** How many scan bodies this thread is building (the region level of a scan built now). */
    private static final ThreadLocal<int[]> SCAN_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private static Lowerer lowerer(DType floatX) {
        return Lowerer.detached(Frontend.forEmbedding(new Frontend.Options(floatX)), SCAN_DEPTH.get()[0]);
    }

    /**
     * {@code scan} (LANGUAGE.md section 8): {@code step} gets each step's sequence elements and previous carries and
     * gives the new carries then the extra outputs; the result is each of them stacked over the steps, as the
     * {@code .tx} scan lowers (the same IR). {@code step} may be called more than once (weak initial carries are
     * settled on a trial run), so it must only build values.
     */
    public static List<Operand> scan(DType floatX, List<?> sequences, List<?> inits, boolean reverse, int checkpoint,
                                     dev.txc.frontend.api.Lowering.Step step, SourceSpan at) {
        return guard(at, () -> {
            if (checkpoint < 1) throw new FrontendError(at, "checkpoint must be a positive integer, got " + checkpoint);
            Lowerer l = lowerer(floatX);
            var seqs = new ArrayList<ScanLowering.Seq>();
            for (Object o : sequences) seqs.add(ScanLowering.sequence(l.tensor(value(l, o, at, "scan"), at, "a scan sequence"), "a sequence", at, reverse));
            var given = new ArrayList<Value.T>();
            var names = new ArrayList<String>();
            for (Object o : inits) {
                given.add(l.tensor(value(l, o, at, "scan"), at, "an initial carry"));
                names.add("#" + names.size());
            }
            var spans = java.util.Collections.nCopies(given.size(), at);
            ScanLowering.Step s = (outer, elements, carries) -> {
                int[] depth = SCAN_DEPTH.get();
                depth[0] = outer.scanDepth + 1;
                try {
                    List<Operand> out = step.apply(elements.stream().map(Embedding::operandOf).toList(), carries.stream().map(Embedding::operandOf).toList());
                    if (out == null || out.isEmpty()) throw new FrontendError(at, "a scan step must give at least one value");
                    var items = new ArrayList<Value>();
                    for (Operand o : out) items.add(t(o));
                    return items.size() == 1 ? items.getFirst() : new Value.Tup(items);
                } finally {
                    depth[0] = outer.scanDepth;
                }
            };
            Value v = ScanLowering.scan(l, seqs, given, new ScanLowering.Names(names, spans, at, at), s, reverse, checkpoint);
            Object r = result(v, at, "scan");
            return r instanceof Operand o ? List.of(o) : castList(r);
        });
    }

    @SuppressWarnings("unchecked")
    private static List<Operand> castList(Object r) {
        return (List<Operand>) r;
    }

    private static Operand operandOf(Value.T t) {
        return new Operand(t.node(), t.weak(), t.exact());
    }

    /** Runs lowering work, turning the frontend's errors into LoweringExceptions located at {@code at}. */
    private static <R> R guard(SourceSpan at, Supplier<R> work) {
        try {
            return work.get();
        } catch (FrontendError e) {
            throw new LoweringException(e.diagnostic);
        } catch (IrTypeException e) {
            throw new LoweringException(Diagnostic.error(at, e.getMessage()));
        } catch (Lowerer.PoisonSignal e) {
            throw new IllegalStateException("an invalid value reached the embedding API", e);
        }
    }

    public static boolean isBuiltin(String name) {
        return Builtins.exists(name);
    }

    public static java.util.SortedSet<String> builtins() {
        return Builtins.names();
    }

    /**
     * Calls built-in {@code name} with positional and keyword arguments: {@link Operand}s, numbers and booleans (weak
     * literals), strings, {@link DType}s, and lists or arrays of these (axes, shapes, the arrays of concatenate, the
     * wrt of grad, array literals). Returns an Operand, or a list of them where the built-in gives a tuple.
     */
    public static Object call(DType floatX, String name, List<?> positional, Map<String, ?> keywords, SourceSpan at) {
        return guard(at, () -> {
            if (!Builtins.exists(name)) throw new FrontendError(at, "unknown built-in '" + name + "'");
            Lowerer l = lowerer(floatX);
            var pos = new ArrayList<Value>();
            for (Object o : positional) pos.add(value(l, o, at, name));
            var kw = new LinkedHashMap<String, Value>();
            keywords.forEach((k, v) -> kw.put(k, value(l, v, at, name)));
            return result(Builtins.call(l, name, Args.of(name, at, pos, kw)), at, name);
        });
    }

    /** {@code a OP b} for an operator spelled as in {@code .tx}: {@code + - * / // % ** @ == != < <= > >= and or}. */
    public static Operand binary(DType floatX, String symbol, Operand a, Operand b, SourceSpan at) {
        Expr.BinaryOp op = null;
        for (Expr.BinaryOp o : Expr.BinaryOp.values()) if (o.symbol().equals(symbol)) op = o;
        if (op == null) throw new IllegalArgumentException("no binary operator '" + symbol + "'");
        Expr.BinaryOp found = op;
        return guard(at, () -> operand(Operators.binary(lowerer(floatX), found, t(a), t(b), at), at, symbol));
    }

    /** {@code -x} ({@code "-"}) or {@code not x} ({@code "not"}). */
    public static Operand unary(String symbol, Operand x, SourceSpan at) {
        Expr.UnaryOp op = null;
        for (Expr.UnaryOp o : Expr.UnaryOp.values()) if (o.symbol().equals(symbol)) op = o;
        if (op == null) throw new IllegalArgumentException("no unary operator '" + symbol + "'");
        Expr.UnaryOp found = op;
        return guard(at, () -> operand(Operators.unary(found, t(x), at), at, symbol));
    }

    /** {@code x.T}, {@code x.shape} or {@code x.ndim}. */
    public static Operand attr(Operand x, String name, SourceSpan at) {
        return guard(at, () -> operand(Operators.attr(t(x), name, at), at, name));
    }

    /** {@code x[items]}: each item a {@link Slice}, an integer Operand or a Java integer. */
    public static Operand index(DType floatX, Operand x, List<?> items, SourceSpan at) {
        return guard(at, () -> {
            Lowerer l = lowerer(floatX);
            var subs = new ArrayList<Indexing.Subscript>();
            for (Object item : items) {
                subs.add(switch (item) {
                    case Slice(Long start, Long stop, Long step) -> new Indexing.Subscript.Range(start == null ? Op.NONE : start,
                            stop == null ? Op.NONE : stop, step == null ? 1 : step, start != null || stop != null || step != null);
                    case null -> throw new FrontendError(at, "an index cannot be null (use Slice.ALL for ':')");
                    default -> new Indexing.Subscript.At(l.tensor(value(l, item, at, "indexing"), at, "an index"), at);
                });
            }
            return operand(Indexing.index(t(x), subs, at), at, "indexing");
        });
    }

    /** A literal: a number, a boolean, or a rectangular nested list or array of them (weak, like a {@code .tx} literal). */
    public static Operand literal(DType floatX, Object value, SourceSpan at) {
        return guard(at, () -> {
            Lowerer l = lowerer(floatX);
            return operand(l.tensor(value(l, value, at, "a literal"), at, "a literal"), at, "a literal");
        });
    }

    /** An argument or default for a parameter of type {@code t}: weak literals adapt, strong values upcast only safely. */
    public static Node argument(Operand v, TensorType t, String what, SourceSpan at) {
        return guard(at, () -> Conversions.convertArg(t(v), t, what, at));
    }

    /** The value of an update of shared variable {@code name} of type {@code t}, checked as {@code name := v} is. */
    public static Node update(String name, TensorType t, Operand v, SourceSpan at) {
        return guard(at, () -> Statements.updateValue(name, t, t(v), at));
    }

    private static Value.T t(Operand o) {
        return new Value.T(o.node(), o.weak(), o.exact());
    }

    private static Operand operand(Value v, SourceSpan at, String what) {
        if (v instanceof Value.T t) return new Operand(t.node(), t.weak(), t.exact());
        throw new FrontendError(at, what + " gave " + Value.describe(v) + ", not a tensor");
    }

    private static Object result(Value v, SourceSpan at, String what) {
        if (v instanceof Value.Tup tup) {
            var out = new ArrayList<Operand>();
            for (Value item : tup.items()) out.add(operand(item, at, what));
            return List.copyOf(out);
        }
        return operand(v, at, what);
    }

    /** A Java float number: a weak literal in floatX, keeping its exact double for when it meets an f64 tensor. */
    private static Value.T floatLiteral(Lowerer l, double d) {
        return new Value.T(dev.txc.ir.Ir.scalar(d, l.floatX()), true, l.floatX() == DType.F64 ? null : dev.txc.ir.Ir.scalar(d, DType.F64));
    }

    /** A Java value as a lowering value: numbers are weak literals, lists and arrays are list literals. */
    private static Value value(Lowerer l, Object o, SourceSpan at, String what) {
        return switch (o) {
            case null -> throw new FrontendError(at, what + ": an argument is null");
            case Operand op -> t(op);
            case Double d -> floatLiteral(l, d);
            case Float f -> floatLiteral(l, f);
            case Long n -> new Value.T(dev.txc.ir.Ir.scalarLong(n, DType.I64), true);
            case Integer n -> new Value.T(dev.txc.ir.Ir.scalarLong(n, DType.I64), true);
            case Short n -> new Value.T(dev.txc.ir.Ir.scalarLong(n, DType.I64), true);
            case Byte n -> new Value.T(dev.txc.ir.Ir.scalarLong(n, DType.I64), true);
            case Boolean b -> new Value.T(dev.txc.ir.Ir.scalarLong(b ? 1 : 0, DType.BOOL), true);
            case String s -> new Value.Str(s);
            case DType d -> new Value.DT(d);
            case List<?> list -> new Value.Lst(list.stream().map(x -> value(l, x, at, what)).toList());
            default -> {
                if (!o.getClass().isArray())
                    throw new FrontendError(at, what + ": cannot use a " + o.getClass().getSimpleName() + " here (expected a tensor, a number, a list or an array)");
                var items = new ArrayList<Value>();
                for (int k = 0, n = Array.getLength(o); k < n; k++) items.add(value(l, Array.get(o, k), at, what));
                yield new Value.Lst(items);
            }
        };
    }
}
