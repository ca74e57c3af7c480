package dev.txc.driver.api;

import dev.txc.frontend.api.LoweringException;
import dev.txc.frontend.api.Lowering;
import dev.txc.frontend.api.Operand;
import dev.txc.frontend.api.Slice;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.ir.Ir;
import dev.txc.ir.SourceSpan;
import dev.txc.types.TensorType;
import dev.txc.jvm.Tensors;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The embedding API in one namespace, Theano's {@code theano.tensor} plus {@code theano.function} and
 * {@code theano.shared}: symbolic variables, every built-in of LANGUAGE.md section 6 (snake_case names in camelCase),
 * differentiation, shared variables, compiled functions, {@code pp} and IR dumps. Import it statically:
 * {@code import static dev.txc.driver.api.Tx.*;} (Kotlin: {@code import dev.txc.driver.api.Tx.*}).
 *
 * <p>Graphs are built by the {@code .tx} frontend's own rules ({@link Lowering}): numbers are weak literals, tensors
 * promote as NumPy, and a graph built here is the IR the same {@code .tx} source lowers to. Arguments typed
 * {@code Object} take an {@link Expr}, a number or boolean (a weak literal), a Java array or list (an array literal) or
 * an {@link NDArray} (a constant of its dtype). Every method is thread-safe; errors are unchecked {@link TxException}s
 * naming the caller's line.
 */
public final class Tx {
    private Tx() {}

    /** The bare slice {@code :} for {@link Expr#get}: {@code x.get(ALL, 0)} is {@code x[:, 0]}. */
    public static final Slice ALL = Slice.ALL;

    private static final Lowering F64 = Lowering.of(DType.F64), F32 = Lowering.of(DType.F32);
    private static volatile DType floatX = DType.F64;
    private static final AtomicInteger UNNAMED = new AtomicInteger();
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The dtype of float literals and of float functions of integers (default f64), Theano's {@code config.floatX}. */
    public static DType floatX() {
        return floatX;
    }

    /** Sets floatX for graphs built from now on (set it once, at startup: graphs already built keep their dtypes). */
    public static void setFloatX(DType d) {
        if (!d.isFloat()) throw new IllegalArgumentException("floatX must be f32 or f64, got " + d.spelling());
        floatX = d;
    }

    static Lowering lowering() {
        return floatX == DType.F32 ? F32 : F64;
    }

    // ================================================================ variables

    /**
     * A symbolic input of dtype {@code d} with the given dims: an integer size, a dim variable name ({@code "N"}: sizes
     * with one name must agree in a call) or {@code "?"}. Variables are identified by name and type: two calls with
     * the same name and type give the same variable.
     */
    public static Expr tensor(String name, DType d, Object... dims) {
        identifier(name, "a variable name");
        var ds = new ArrayList<Dim>();
        for (Object o : dims) {
            ds.add(switch (o) {
                case Integer n when n >= 0 -> Dim.of(n);
                case Long n when n >= 0 -> Dim.of(n);
                case String s when s.equals("?") -> Dim.ANY;
                case String s when IDENT.matcher(s).matches() -> new Dim.Sym(s);
                default -> throw new TxException("a dim is a size, a dim variable such as \"N\", or \"?\"; got " + o);
            });
        }
        return new Expr(Operand.of(Ir.param(name, new TensorType(d, ds))), Set.of());
    }

    /** An unnamed input (named {@code _1}, {@code _2}, ... in dumps). */
    public static Expr tensor(DType d, Object... dims) {
        return tensor("_" + UNNAMED.incrementAndGet(), d, dims);
    }

    public static Expr scalar(String name) {
        return tensor(name, floatX);
    }

    public static Expr scalar(String name, DType d) {
        return tensor(name, d);
    }

    public static Expr vector(String name) {
        return tensor(name, floatX, "?");
    }

    public static Expr vector(String name, DType d) {
        return tensor(name, d, "?");
    }

    public static Expr matrix(String name) {
        return tensor(name, floatX, "?", "?");
    }

    public static Expr matrix(String name, DType d) {
        return tensor(name, d, "?", "?");
    }

    /** A matrix of one broadcastable row, {@code [1, ?]}. */
    public static Expr row(String name) {
        return tensor(name, floatX, 1, "?");
    }

    /** A matrix of one broadcastable column, {@code [?, 1]}. */
    public static Expr col(String name) {
        return tensor(name, floatX, "?", 1);
    }

    public static Expr tensor3(String name) {
        return tensor(name, floatX, "?", "?", "?");
    }

    public static Expr tensor3(String name, DType d) {
        return tensor(name, d, "?", "?", "?");
    }

    public static Expr tensor4(String name) {
        return tensor(name, floatX, "?", "?", "?", "?");
    }

    public static Expr tensor4(String name, DType d) {
        return tensor(name, d, "?", "?", "?", "?");
    }

    // Theano's typed shortcuts: d = f64, f = f32, i = i32, l = i64.
    public static Expr dscalar(String name) { return scalar(name, DType.F64); }
    public static Expr dvector(String name) { return vector(name, DType.F64); }
    public static Expr dmatrix(String name) { return matrix(name, DType.F64); }
    public static Expr dtensor3(String name) { return tensor3(name, DType.F64); }
    public static Expr fscalar(String name) { return scalar(name, DType.F32); }
    public static Expr fvector(String name) { return vector(name, DType.F32); }
    public static Expr fmatrix(String name) { return matrix(name, DType.F32); }
    public static Expr ftensor3(String name) { return tensor3(name, DType.F32); }
    public static Expr iscalar(String name) { return scalar(name, DType.I32); }
    public static Expr ivector(String name) { return vector(name, DType.I32); }
    public static Expr imatrix(String name) { return matrix(name, DType.I32); }
    public static Expr lscalar(String name) { return scalar(name, DType.I64); }
    public static Expr lvector(String name) { return vector(name, DType.I64); }
    public static Expr lmatrix(String name) { return matrix(name, DType.I64); }

    // ================================================================ constants and shared variables

    /**
     * A constant: a number, boolean, or nested array or list is a weak literal, exactly as if written in {@code .tx}
     * ({@code constant(1.0).div(x)} is {@code 1.0 / x}); an NDArray is a constant of its own dtype.
     */
    public static Expr constant(Object value) {
        SourceSpan at = CallSite.here();
        return wrap(operand(value, at), Set.of(), at);
    }

    /** A strong constant of dtype {@code d}. */
    public static Expr constant(Object value, DType d) {
        SourceSpan at = CallSite.here();
        NDArray a = value instanceof NDArray nd ? nd : Values.literal(value, "constant");
        return wrap(Operand.of(Ir.constant(Tensors.fromNd(a.astype(d)))), Set.of(), at);
    }

    /**
     * A shared variable holding {@code value}, Theano's {@code shared}: an NDArray keeps its dtype; a number, array or
     * list takes the literal's dtype (integers i64, booleans bool, floats floatX). The type is the value's exact shape.
     */
    public static Shared shared(Object value, String name) {
        identifier(name, "a shared variable name");
        NDArray a;
        if (value instanceof NDArray nd) a = nd;
        else {
            a = Values.literal(value, "shared " + name);
            if (a.dtype().isFloat()) a = a.astype(floatX);
        }
        return Shared.create(name, a);
    }

    /** An unnamed shared variable (named {@code shared_1}, {@code shared_2}, ...). */
    public static Shared shared(Object value) {
        return shared(value, "shared_" + UNNAMED.incrementAndGet());
    }

    /** A shared variable of dtype {@code d}. */
    public static Shared shared(Object value, String name, DType d) {
        NDArray a = value instanceof NDArray nd ? nd : Values.literal(value, "shared " + name);
        return shared(a.astype(d), name);
    }

    // ================================================================ functions

    /** An input with a default value, Theano's {@code In(x, value=...)}: an NDArray, a literal, or an Expr of earlier inputs. */
    public record In(Expr variable, Object value) {}

    public static In in(Expr variable, Object defaultValue) {
        return new In(variable, defaultValue);
    }

    /**
     * Compiles a function, Theano's {@code function(inputs, outputs)}: {@code inputs} holds variables (or {@link In}s
     * with defaults), {@code outputs} is an Expr, a list of them, or null (a function of updates only).
     */
    public static TxFunction function(List<?> inputs, Object outputs) {
        return function(inputs, outputs, Map.of(), Map.of());
    }

    /** With updates of shared variables, applied after all outputs are computed (the outputs see the old values). */
    public static TxFunction function(List<?> inputs, Object outputs, Map<Shared, ?> updates) {
        return function(inputs, outputs, updates, Map.of());
    }

    /** With updates and givens: each given variable is replaced by its expression (or constant) in the whole graph. */
    public static TxFunction function(List<?> inputs, Object outputs, Map<Shared, ?> updates, Map<? extends Expr, ?> givens) {
        SourceSpan at = CallSite.here();
        var scope = new FunctionScope(at);
        // A map without an order of its own (Map.of) is taken in the order the shared variables were created.
        var ups = new ArrayList<Map.Entry<Shared, ?>>(updates.entrySet());
        if (!(updates instanceof java.util.SequencedMap<?, ?>)) ups.sort((a, b) -> Long.compare(a.getKey().id, b.getKey().id));
        for (var e : ups) scope.update(e.getKey(), e.getValue());
        givens.forEach(scope::given);
        return scope.build(inputs, outputs);
    }

    /**
     * Compiles a function whose body names its outputs and declares updates, givens, defaults and options on a
     * {@link FunctionScope}: {@code function(List.of(x), fn -> { fn.update(w, w.plus(x)); return w; })}.
     */
    public static TxFunction function(List<?> inputs, FunctionBody body) {
        return function("f", inputs, body);
    }

    public static TxFunction function(String name, List<?> inputs, FunctionBody body) {
        var scope = new FunctionScope(CallSite.here());
        scope.name(name);
        return scope.build(inputs, body.define(scope));
    }

    // ================================================================ printing

    /**
     * Theano's {@code pp}: the expression with derivatives expanded and nothing simplified (as {@code txc pp --stage
     * source}): {@code pp(grad(x.pow(2), x))} shows the raw derivative graph.
     */
    public static String pp(Expr e) {
        return Evaluation.pp(e);
    }

    /** The outputs and updates of a compiled function after optimization, as {@code txc pp --stage optimized}. */
    public static String pp(TxFunction f) {
        return f.pp();
    }

    /** The IR text of an expression as built, as a function of its free variables (stage {@code parsed}). */
    public static String ir(Expr e) {
        return Evaluation.ir(e);
    }

    /** The IR text of a compiled function at a stage: parsed, ad, opt, fused or lowered. */
    public static String ir(TxFunction f, Pipeline.Stage stage) {
        return f.ir(stage);
    }

    // ================================================================ any built-in by name

    /** A keyword argument for {@link #call}. */
    public record Kw(String name, Object value) {}

    public static Kw kw(String name, Object value) {
        return new Kw(name, value);
    }

    /**
     * Any built-in by its {@code .tx} name, with positional arguments and {@link Kw keyword arguments}:
     * {@code call("sum", x, kw("axis", List.of(0, 1)), kw("keepdims", true))}. Returns an Expr, or a
     * {@code List<Expr>} where the built-in gives a tuple.
     */
    public static Object call(String builtin, Object... args) {
        SourceSpan at = CallSite.here();
        var pos = new ArrayList<Object>();
        var kws = new LinkedHashMap<String, Object>();
        for (Object a : args) {
            if (a instanceof Kw(String k, Object v)) kws.put(k, v);
            else pos.add(a);
        }
        return invoke(builtin, pos, kws, at);
    }

    // ================================================================ elementwise

    public static Expr abs(Expr x) { return fn("abs", x); }
    public static Expr sign(Expr x) { return fn("sign", x); }
    public static Expr exp(Expr x) { return fn("exp", x); }
    public static Expr exp2(Expr x) { return fn("exp2", x); }
    public static Expr expm1(Expr x) { return fn("expm1", x); }
    public static Expr log(Expr x) { return fn("log", x); }
    public static Expr log2(Expr x) { return fn("log2", x); }
    public static Expr log10(Expr x) { return fn("log10", x); }
    public static Expr log1p(Expr x) { return fn("log1p", x); }
    public static Expr sqrt(Expr x) { return fn("sqrt", x); }
    public static Expr square(Expr x) { return fn("square", x); }
    public static Expr reciprocal(Expr x) { return fn("reciprocal", x); }
    public static Expr sin(Expr x) { return fn("sin", x); }
    public static Expr cos(Expr x) { return fn("cos", x); }
    public static Expr tan(Expr x) { return fn("tan", x); }
    public static Expr asin(Expr x) { return fn("asin", x); }
    public static Expr acos(Expr x) { return fn("acos", x); }
    public static Expr atan(Expr x) { return fn("atan", x); }
    public static Expr sinh(Expr x) { return fn("sinh", x); }
    public static Expr cosh(Expr x) { return fn("cosh", x); }
    public static Expr tanh(Expr x) { return fn("tanh", x); }
    public static Expr asinh(Expr x) { return fn("asinh", x); }
    public static Expr acosh(Expr x) { return fn("acosh", x); }
    public static Expr atanh(Expr x) { return fn("atanh", x); }
    public static Expr sigmoid(Expr x) { return fn("sigmoid", x); }
    public static Expr softplus(Expr x) { return fn("softplus", x); }
    public static Expr relu(Expr x) { return fn("relu", x); }
    public static Expr erf(Expr x) { return fn("erf", x); }
    public static Expr erfc(Expr x) { return fn("erfc", x); }
    public static Expr floor(Expr x) { return fn("floor", x); }
    public static Expr ceil(Expr x) { return fn("ceil", x); }
    public static Expr round(Expr x) { return fn("round", x); }
    public static Expr isnan(Expr x) { return fn("isnan", x); }
    public static Expr isinf(Expr x) { return fn("isinf", x); }

    /** {@code -x}. */
    public static Expr neg(Expr x) {
        SourceSpan at = CallSite.here();
        return wrap(lowered(() -> lowering().unary("-", x.op, at)), x.sharedSet(), at);
    }

    /** {@code not x} of a bool tensor. */
    public static Expr not(Expr x) {
        SourceSpan at = CallSite.here();
        return wrap(lowered(() -> lowering().unary("not", x.op, at)), x.sharedSet(), at);
    }

    /** {@code x ** y}. */
    public static Expr pow(Object x, Object y) { return fn("pow", x, y); }
    public static Expr maximum(Object x, Object y) { return fn("maximum", x, y); }
    public static Expr minimum(Object x, Object y) { return fn("minimum", x, y); }
    public static Expr atan2(Object y, Object x) { return fn("atan2", y, x); }
    public static Expr xor(Object x, Object y) { return fn("xor", x, y); }
    public static Expr and(Object x, Object y) { return binary("and", x, y); }
    public static Expr or(Object x, Object y) { return binary("or", x, y); }

    /** Theano's {@code switch}: {@code a} where {@code cond}, else {@code b}. */
    public static Expr where(Object cond, Object a, Object b) { return fn("where", cond, a, b); }
    public static Expr clip(Object x, Object lo, Object hi) { return fn("clip", x, lo, hi); }

    // ================================================================ reductions

    public static Expr sum(Expr x) { return reduce("sum", x, null, false); }
    public static Expr sum(Expr x, int axis) { return reduce("sum", x, axis, false); }
    public static Expr sum(Expr x, int axis, boolean keepdims) { return reduce("sum", x, axis, keepdims); }
    public static Expr sum(Expr x, int[] axes, boolean keepdims) { return reduce("sum", x, axes, keepdims); }
    public static Expr mean(Expr x) { return reduce("mean", x, null, false); }
    public static Expr mean(Expr x, int axis) { return reduce("mean", x, axis, false); }
    public static Expr mean(Expr x, int axis, boolean keepdims) { return reduce("mean", x, axis, keepdims); }
    public static Expr mean(Expr x, int[] axes, boolean keepdims) { return reduce("mean", x, axes, keepdims); }
    public static Expr prod(Expr x) { return reduce("prod", x, null, false); }
    public static Expr prod(Expr x, int axis) { return reduce("prod", x, axis, false); }
    public static Expr prod(Expr x, int axis, boolean keepdims) { return reduce("prod", x, axis, keepdims); }
    public static Expr prod(Expr x, int[] axes, boolean keepdims) { return reduce("prod", x, axes, keepdims); }
    public static Expr max(Expr x) { return reduce("max", x, null, false); }
    public static Expr max(Expr x, int axis) { return reduce("max", x, axis, false); }
    public static Expr max(Expr x, int axis, boolean keepdims) { return reduce("max", x, axis, keepdims); }
    public static Expr max(Expr x, int[] axes, boolean keepdims) { return reduce("max", x, axes, keepdims); }
    public static Expr min(Expr x) { return reduce("min", x, null, false); }
    public static Expr min(Expr x, int axis) { return reduce("min", x, axis, false); }
    public static Expr min(Expr x, int axis, boolean keepdims) { return reduce("min", x, axis, keepdims); }
    public static Expr min(Expr x, int[] axes, boolean keepdims) { return reduce("min", x, axes, keepdims); }
    /** The flat index of the first maximum; i64. */
    public static Expr argmax(Expr x) { return reduce("argmax", x, null, false); }
    public static Expr argmax(Expr x, int axis) { return reduce("argmax", x, axis, false); }
    public static Expr argmax(Expr x, int axis, boolean keepdims) { return reduce("argmax", x, axis, keepdims); }
    public static Expr argmin(Expr x) { return reduce("argmin", x, null, false); }
    public static Expr argmin(Expr x, int axis) { return reduce("argmin", x, axis, false); }
    public static Expr argmin(Expr x, int axis, boolean keepdims) { return reduce("argmin", x, axis, keepdims); }
    public static Expr any(Expr x) { return reduce("any", x, null, false); }
    public static Expr any(Expr x, int axis) { return reduce("any", x, axis, false); }
    public static Expr any(Expr x, int axis, boolean keepdims) { return reduce("any", x, axis, keepdims); }
    public static Expr any(Expr x, int[] axes, boolean keepdims) { return reduce("any", x, axes, keepdims); }
    public static Expr all(Expr x) { return reduce("all", x, null, false); }
    public static Expr all(Expr x, int axis) { return reduce("all", x, axis, false); }
    public static Expr all(Expr x, int axis, boolean keepdims) { return reduce("all", x, axis, keepdims); }
    public static Expr all(Expr x, int[] axes, boolean keepdims) { return reduce("all", x, axes, keepdims); }
    /** Variance with ddof 0, as NumPy. */
    public static Expr var(Expr x) { return reduce("var", x, null, false); }
    public static Expr var(Expr x, int axis) { return reduce("var", x, axis, false); }
    public static Expr var(Expr x, int axis, boolean keepdims) { return reduce("var", x, axis, keepdims); }
    public static Expr var(Expr x, int[] axes, boolean keepdims) { return reduce("var", x, axes, keepdims); }
    public static Expr std(Expr x) { return reduce("std", x, null, false); }
    public static Expr std(Expr x, int axis) { return reduce("std", x, axis, false); }
    public static Expr std(Expr x, int axis, boolean keepdims) { return reduce("std", x, axis, keepdims); }
    public static Expr std(Expr x, int[] axes, boolean keepdims) { return reduce("std", x, axes, keepdims); }
    public static Expr logsumexp(Expr x) { return reduce("logsumexp", x, null, false); }
    public static Expr logsumexp(Expr x, int axis) { return reduce("logsumexp", x, axis, false); }
    public static Expr logsumexp(Expr x, int axis, boolean keepdims) { return reduce("logsumexp", x, axis, keepdims); }
    public static Expr logsumexp(Expr x, int[] axes, boolean keepdims) { return reduce("logsumexp", x, axes, keepdims); }
    /** The Euclidean (Frobenius) norm. */
    public static Expr norm(Expr x) { return reduce("norm", x, null, false); }
    public static Expr norm(Expr x, int axis) { return reduce("norm", x, axis, false); }
    public static Expr norm(Expr x, int axis, boolean keepdims) { return reduce("norm", x, axis, keepdims); }
    public static Expr norm(Expr x, int[] axes, boolean keepdims) { return reduce("norm", x, axes, keepdims); }

    private static Expr reduce(String name, Expr x, Object axes, boolean keepdims) {
        SourceSpan at = CallSite.here();
        var kws = new LinkedHashMap<String, Object>();
        if (axes != null) kws.put("axis", axes);
        if (keepdims) kws.put("keepdims", true);
        return single(invoke(name, List.of(x), kws, at), name);
    }

    // ================================================================ linear algebra

    /** NumPy/Theano {@code dot} for vectors and matrices. */
    public static Expr dot(Object x, Object y) { return fn("dot", x, y); }
    public static Expr outer(Object x, Object y) { return fn("outer", x, y); }
    /** All axes reversed, {@code x.T}. */
    public static Expr transpose(Expr x) { return fn("transpose", x); }
    public static Expr transpose(Expr x, int... perm) { return fn("transpose", x, perm); }
    public static Expr trace(Expr x) { return fn("trace", x); }
    /** The diagonal of a matrix, or the diagonal matrix of a vector. */
    public static Expr diag(Expr x) { return fn("diag", x); }

    // ================================================================ shapes and construction

    /** One size may be -1. */
    public static Expr reshape(Expr x, long... shape) { return fn("reshape", x, shape); }
    public static Expr reshape(Expr x, Expr shape) { return fn("reshape", x, shape); }
    public static Expr flatten(Expr x) { return fn("flatten", x); }
    /** Theano's dimshuffle: a pattern of axes and {@code "x"} (new broadcastable axes). */
    public static Expr dimshuffle(Expr x, Object... pattern) { return fn("dimshuffle", x, List.of(pattern)); }
    public static Expr expandDims(Expr x, int... axes) { return fn("expand_dims", x, axes.length == 1 ? axes[0] : axes); }
    /** Without axes, drops every axis of size 1. */
    public static Expr squeeze(Expr x, int... axes) {
        return axes.length == 0 ? fn("squeeze", x) : fn("squeeze", x, axes.length == 1 ? axes[0] : axes);
    }
    public static Expr concatenate(List<?> arrays) { return fn("concatenate", arrays); }
    public static Expr concatenate(List<?> arrays, int axis) { return fn("concatenate", arrays, axis); }
    public static Expr stack(List<?> arrays) { return fn("stack", arrays); }
    public static Expr stack(List<?> arrays, int axis) { return fn("stack", arrays, axis); }
    /** {@code shape}: sizes (a long[], a list) or an i64 vector Expr such as {@code y.shape()}. */
    public static Expr broadcastTo(Expr x, Object shape) { return fn("broadcast_to", x, shape); }
    public static Expr arange(Object stop) { return fn("arange", stop); }
    public static Expr arange(Object start, Object stop) { return fn("arange", start, stop); }
    public static Expr arange(Object start, Object stop, Object step) { return fn("arange", start, stop, step); }
    /** floatX zeros of a shape. */
    public static Expr zeros(long... shape) { return fn("zeros", shape); }
    public static Expr zeros(Expr shape) { return fn("zeros", shape); }
    public static Expr ones(long... shape) { return fn("ones", shape); }
    public static Expr ones(Expr shape) { return fn("ones", shape); }
    public static Expr full(long[] shape, Object value) { return fn("full", shape, value); }
    public static Expr full(Expr shape, Object value) { return fn("full", shape, value); }
    public static Expr eye(Object n) { return fn("eye", n); }
    public static Expr zerosLike(Expr x) { return fn("zeros_like", x); }
    public static Expr onesLike(Expr x) { return fn("ones_like", x); }
    /** A tensor shaped like {@code x} filled with {@code value}. */
    public static Expr fill(Expr x, Object value) { return fn("fill", x, value); }
    public static Expr cast(Expr x, DType dtype) { return fn("cast", x, dtype); }
    /** The shape as an i64 vector. */
    public static Expr shape(Expr x) { return fn("shape", x); }
    public static Expr size(Expr x) { return fn("size", x); }

    // ================================================================ neural-network helpers

    public static Expr softmax(Expr x) { return fn("softmax", x); }
    public static Expr softmax(Expr x, int axis) { return fn("softmax", x, axis); }
    public static Expr logSoftmax(Expr x) { return fn("log_softmax", x); }
    public static Expr logSoftmax(Expr x, int axis) { return fn("log_softmax", x, axis); }
    public static Expr binaryCrossentropy(Expr p, Object t) { return fn("binary_crossentropy", p, t); }
    /** {@code t} holds one-hot rows or integer class labels. */
    public static Expr categoricalCrossentropy(Expr p, Object t) { return fn("categorical_crossentropy", p, t); }

    // ================================================================ differentiation

    /** d cost / d wrt, shaped like wrt; cost must be a scalar. A wrt the cost does not reach is an error. */
    public static Expr grad(Expr cost, Expr wrt) { return fn("grad", cost, wrt); }

    /** {@code disconnected} is "raise" (the default) or "zero". */
    public static Expr grad(Expr cost, Expr wrt, String disconnected) { return fnKw("grad", List.of(cost, wrt), Map.of("disconnected", disconnected)); }

    /** The gradients with respect to each variable, in order, from one reverse sweep. */
    public static List<Expr> grad(Expr cost, List<? extends Expr> wrt) { return many("grad", List.of(cost, wrt), Map.of()); }

    public static List<Expr> grad(Expr cost, List<? extends Expr> wrt, String disconnected) {
        return many("grad", List.of(cost, wrt), Map.of("disconnected", disconnected));
    }

    /** Shape {@code y.shape + x.shape}. */
    public static Expr jacobian(Expr y, Expr x) { return fn("jacobian", y, x); }
    public static List<Expr> jacobian(Expr y, List<? extends Expr> xs) { return many("jacobian", List.of(y, xs), Map.of()); }
    /** Shape {@code x.shape + x.shape}. */
    public static Expr hessian(Expr cost, Expr x) { return fn("hessian", cost, x); }
    public static List<Expr> hessian(Expr cost, List<? extends Expr> xs) { return many("hessian", List.of(cost, xs), Map.of()); }

    /** The R-operator J·v: forward mode, {@code v} shaped like {@code x}, the result like {@code y}. */
    public static Expr rop(Expr y, Expr x, Object v) { return fn("rop", y, x, v); }
    /** rop over several variables: for each y, the sum over k of J_k·v_k. */
    public static List<Expr> rop(List<? extends Expr> ys, List<? extends Expr> xs, List<?> vs) { return many("rop", List.of(ys, xs, vs), Map.of()); }
    /** The L-operator uᵀ·J: reverse mode, {@code u} shaped like {@code y}, the result like {@code x}. */
    public static Expr lop(Expr y, Expr x, Object u) { return fn("lop", y, x, u); }
    public static List<Expr> lop(List<? extends Expr> ys, List<? extends Expr> xs, List<?> us) { return many("lop", List.of(ys, xs, us), Map.of()); }
    /** {@code x} with a zero gradient, Theano's {@code disconnected_grad}. */
    public static Expr stopGradient(Expr x) { return fn("stop_gradient", x); }

    /** {@code slice(a, b)} is {@code a:b}; a null bound is absent. */
    public static Slice slice(Integer start, Integer stop) {
        return new Slice(start == null ? null : (long) start, stop == null ? null : (long) stop, null);
    }

    /** {@code start:stop:step}. */
    public static Slice slice(Integer start, Integer stop, Integer step) {
        return new Slice(start == null ? null : (long) start, stop == null ? null : (long) stop, step == null ? null : (long) step);
    }

    // ================================================================ scan

    /** One step of {@link #scan}: the sequences' elements and the previous carries in; the new carries then the extra outputs out. */
    @FunctionalInterface
    public interface ScanStep {
        /** An Expr (or number) when the step gives one value, else a List of them: new carries first. */
        Object apply(List<Expr> elements, List<Expr> carries);
    }

    /**
     * {@code scan} (LANGUAGE.md section 8, Theano's {@code scan}): walks the leading axes of {@code sequences} (zipped,
     * equal lengths) from the carries' initial values {@code inits}; returns each new carry stacked over the steps,
     * then each extra output, the same IR as the {@code .tx} scan. Example, an RNN:
     * {@code scan(List.of(xs), List.of(h0), (x, h) -> tanh(W.matmul(h.get(0)).plus(U.matmul(x.get(0))))).get(0)}.
     * The step may be called more than once (a weak initial carry such as {@code 0} takes the dtype the step gives it).
     */
    public static List<Expr> scan(List<?> sequences, List<?> inits, ScanStep step) {
        return scan(sequences, inits, false, step);
    }

    /** {@link #scan(List, List, ScanStep)} walking the sequences from the end when {@code reverse} (results stay in sequence order). */
    public static List<Expr> scan(List<?> sequences, List<?> inits, boolean reverse, ScanStep step) {
        return scan(sequences, inits, reverse, 1, step);
    }

    /**
     * {@link #scan(List, List, boolean, ScanStep)} whose reverse mode stores every {@code checkpoint}-th carry and
     * recomputes the others ({@code scan(checkpoint=K)} in {@code .tx}; 1 stores every carry).
     */
    public static List<Expr> scan(List<?> sequences, List<?> inits, boolean reverse, int checkpoint, ScanStep step) {
        SourceSpan at = CallSite.here();
        Set<Shared> deps = new HashSet<>();
        var seqs = new ArrayList<Object>();
        for (Object s : sequences) seqs.add(operand(s, deps, at));
        var ins = new ArrayList<Object>();
        for (Object c : inits) ins.add(operand(c, deps, at));
        Lowering.Step body = (elements, carries) -> {
            Object r = step.apply(elements.stream().map(o -> wrap(o, Set.of(), at)).toList(), carries.stream().map(o -> wrap(o, Set.of(), at)).toList());
            var out = new ArrayList<Operand>();
            for (Object o : r instanceof List<?> l ? l : List.of(r)) out.add(operand(o, deps, at));
            return out;
        };
        List<Operand> r = lowered(() -> lowering().scan(seqs, ins, reverse, checkpoint, body, at));
        return r.stream().map(o -> wrap(o, deps, at)).toList();
    }

    // ================================================================ plumbing

    private static Expr fn(String name, Object... args) {
        SourceSpan at = CallSite.here();
        return single(invoke(name, List.of(args), Map.of(), at), name);
    }

    private static Expr fnKw(String name, List<Object> args, Map<String, Object> kws) {
        SourceSpan at = CallSite.here();
        return single(invoke(name, args, kws, at), name);
    }

    @SuppressWarnings("unchecked")
    private static List<Expr> many(String name, List<Object> args, Map<String, Object> kws) {
        SourceSpan at = CallSite.here();
        Object r = invoke(name, args, kws, at);
        return r instanceof List<?> l ? (List<Expr>) l : List.of((Expr) r);
    }

    private static Expr single(Object r, String name) {
        if (r instanceof Expr e) return e;
        throw new TxException(name + " gives several values here; use the form that returns a list");
    }

    /** Calls a built-in: lowers the arguments, collects the shared variables they read, wraps the result. */
    static Object invoke(String name, List<?> args, Map<String, ?> kws, SourceSpan at) {
        Set<Shared> deps = new HashSet<>();
        var pos = new ArrayList<Object>();
        for (Object a : args) pos.add(lowerArg(a, deps, at));
        var kw = new LinkedHashMap<String, Object>();
        kws.forEach((k, v) -> kw.put(k, lowerArg(v, deps, at)));
        Object r = lowered(() -> lowering().call(name, pos, kw, at));
        if (r instanceof List<?> l) return l.stream().map(o -> wrap((Operand) o, deps, at)).toList();
        return wrap((Operand) r, deps, at);
    }

    /** An argument for the frontend: Exprs and NDArrays become Operands (also inside lists and arrays); the rest passes as is. */
    private static Object lowerArg(Object a, Set<Shared> deps, SourceSpan at) {
        return switch (a) {
            case Expr e -> {
                deps.addAll(e.sharedSet());
                yield e.op;
            }
            case NDArray nd -> Operand.of(Ir.constant(Tensors.fromNd(nd)));
            case List<?> l -> l.stream().map(x -> lowerArg(x, deps, at)).toList();
            case Object[] arr -> java.util.Arrays.stream(arr).map(x -> lowerArg(x, deps, at)).toList();
            case null, default -> a;
        };
    }

    static Expr binary(String symbol, Object a, Object b) {
        SourceSpan at = CallSite.here();
        Set<Shared> deps = new HashSet<>();
        Operand x = operand(a, deps, at), y = operand(b, deps, at);
        return wrap(lowered(() -> lowering().binary(symbol, x, y, at)), deps, at);
    }

    static Expr attr(Expr x, String name) {
        SourceSpan at = CallSite.here();
        return wrap(lowered(() -> lowering().attr(x.op, name, at)), x.sharedSet(), at);
    }

    static Expr index(Expr x, List<Object> items) {
        SourceSpan at = CallSite.here();
        Set<Shared> deps = new HashSet<>(x.sharedSet());
        var lowered = new ArrayList<Object>();
        for (Object i : items) lowered.add(i instanceof Slice ? i : lowerArg(i, deps, at));
        return wrap(lowered(() -> lowering().index(x.op, lowered, at)), deps, at);
    }

    static Operand operand(Object o, SourceSpan at) {
        return operand(o, new HashSet<>(), at);
    }

    static Operand operand(Object o, Set<Shared> deps, SourceSpan at) {
        Object a = lowerArg(o, deps, at);
        if (a instanceof Operand op) return op;
        return lowered(() -> lowering().literal(a, at));
    }

    static Expr wrap(Operand o, Set<Shared> deps, SourceSpan at) {
        CallSite.record(o.node(), at);
        return new Expr(o, deps);
    }

    /** Runs frontend work, turning its errors into TxExceptions. */
    static <R> R lowered(java.util.function.Supplier<R> work) {
        try {
            return work.get();
        } catch (LoweringException e) {
            throw TxException.of(List.of(e.diagnostic()));
        }
    }

    static void identifier(String name, String what) {
        if (name == null || !IDENT.matcher(name).matches())
            throw new TxException(what + " must be an identifier such as w or x_1, got " + (name == null ? "null" : "'" + name + "'"));
    }
}
