package dev.txc.ir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The op table: every IR operation, its spelling in IR text, its kind, the dtypes its operands accept,
 * its result dtype rule and its attribute names. Semantics live in exhaustive switches over this enum
 * ({@link TypeRules}, {@link Interpreter}, the differentiation rules, the backends), so adding an op
 * does not compile until every part exists.
 */
public enum Op {
    // Leaves.
    PARAM("param", Kind.LEAF, 0, Accepts.ANY, Result.EXPLICIT, "name"),
    SHARED("shared", Kind.LEAF, 0, Accepts.ANY, Result.EXPLICIT, "name"),
    CONST("const", Kind.LEAF, 0, Accepts.ANY, Result.EXPLICIT, "value"),
    REGION_PARAM("region_param", Kind.LEAF, 0, Accepts.ANY, Result.EXPLICIT, "level", "index"),

    // Elementwise unary.
    NEG("neg", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    ABS("abs", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    SIGN("sign", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    RELU("relu", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    FLOOR("floor", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    CEIL("ceil", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    ROUND("round", Kind.ELEMENTWISE, 1, Accepts.NUMERIC, Result.SAME),
    EXP("exp", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    EXP2("exp2", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    EXPM1("expm1", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    LOG("log", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    LOG2("log2", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    LOG10("log10", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    LOG1P("log1p", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    SQRT("sqrt", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    SIN("sin", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    COS("cos", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    TAN("tan", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ASIN("asin", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ACOS("acos", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ATAN("atan", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    SINH("sinh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    COSH("cosh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    TANH("tanh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ASINH("asinh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ACOSH("acosh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ATANH("atanh", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    SIGMOID("sigmoid", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    SOFTPLUS("softplus", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ERF("erf", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ERFC("erfc", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.SAME),
    ISNAN("isnan", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.BOOL),
    ISINF("isinf", Kind.ELEMENTWISE, 1, Accepts.FLOAT, Result.BOOL),
    NOT("not", Kind.ELEMENTWISE, 1, Accepts.BOOL, Result.BOOL),
    CAST("cast", Kind.ELEMENTWISE, 1, Accepts.ANY, Result.ATTR, "dtype"),
    /** The identity whose gradient is zero. */
    STOP_GRADIENT("stop_gradient", Kind.ELEMENTWISE, 1, Accepts.ANY, Result.SAME),

    // Elementwise binary: operands of one dtype, NumPy broadcasting.
    ADD("add", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    SUB("sub", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    MUL("mul", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    DIV("div", Kind.ELEMENTWISE, 2, Accepts.FLOAT, Result.SAME),
    FLOORDIV("floordiv", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    MOD("mod", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    POW("pow", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    MAXIMUM("maximum", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    MINIMUM("minimum", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.SAME),
    ATAN2("atan2", Kind.ELEMENTWISE, 2, Accepts.FLOAT, Result.SAME),
    EQ("eq", Kind.ELEMENTWISE, 2, Accepts.ANY, Result.BOOL),
    NE("ne", Kind.ELEMENTWISE, 2, Accepts.ANY, Result.BOOL),
    LT("lt", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.BOOL),
    LE("le", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.BOOL),
    GT("gt", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.BOOL),
    GE("ge", Kind.ELEMENTWISE, 2, Accepts.NUMERIC, Result.BOOL),
    AND("and", Kind.ELEMENTWISE, 2, Accepts.BOOL, Result.BOOL),
    OR("or", Kind.ELEMENTWISE, 2, Accepts.BOOL, Result.BOOL),
    XOR("xor", Kind.ELEMENTWISE, 2, Accepts.BOOL, Result.BOOL),

    // Elementwise ternary. where(cond: bool, a, b); clip(x, lo, hi).
    WHERE("where", Kind.ELEMENTWISE, 3, Accepts.ANY, Result.SAME),
    CLIP("clip", Kind.ELEMENTWISE, 3, Accepts.NUMERIC, Result.SAME),

    // Reductions over normalized, sorted axes.
    SUM("sum", Kind.REDUCE, 1, Accepts.NUMERIC, Result.SAME, "axes", "keepdims"),
    PROD("prod", Kind.REDUCE, 1, Accepts.NUMERIC, Result.SAME, "axes", "keepdims"),
    MAX("max", Kind.REDUCE, 1, Accepts.NUMERIC, Result.SAME, "axes", "keepdims"),
    MIN("min", Kind.REDUCE, 1, Accepts.NUMERIC, Result.SAME, "axes", "keepdims"),
    MEAN("mean", Kind.REDUCE, 1, Accepts.FLOAT, Result.SAME, "axes", "keepdims"),
    ANY("any", Kind.REDUCE, 1, Accepts.BOOL, Result.BOOL, "axes", "keepdims"),
    ALL("all", Kind.REDUCE, 1, Accepts.BOOL, Result.BOOL, "axes", "keepdims"),
    /** Flat C-order index within the reduced sub-block of the first maximal element. */
    ARGMAX("argmax", Kind.REDUCE, 1, Accepts.NUMERIC, Result.I64, "axes", "keepdims"),
    ARGMIN("argmin", Kind.REDUCE, 1, Accepts.NUMERIC, Result.I64, "axes", "keepdims"),
    LOGSUMEXP("logsumexp", Kind.REDUCE, 1, Accepts.FLOAT, Result.SAME, "axes", "keepdims"),

    // Runtime kernels.
    SOFTMAX("softmax", Kind.KERNEL, 1, Accepts.FLOAT, Result.SAME, "axis"),
    LOG_SOFTMAX("log_softmax", Kind.KERNEL, 1, Accepts.FLOAT, Result.SAME, "axis"),
    /** True at the first maximal (max=true) or minimal element of each reduced slice: routes max/min gradients. */
    ARG_MASK("arg_mask", Kind.KERNEL, 1, Accepts.NUMERIC, Result.BOOL, "axes", "max"),
    MATMUL("matmul", Kind.KERNEL, 2, Accepts.NUMERIC, Result.SAME),
    CONCAT("concat", Kind.KERNEL, -1, Accepts.ANY, Result.SAME, "axis"),
    DIAGONAL("diagonal", Kind.KERNEL, 1, Accepts.ANY, Result.SAME),
    /** diag_embed(v, like): zeros shaped like the matrix {@code like} with v on the diagonal; the adjoint of diagonal. */
    DIAG_EMBED("diag_embed", Kind.KERNEL, 2, Accepts.ANY, Result.SAME),
    /** arange(start, stop, step), all scalars of the result dtype. */
    ARANGE("arange", Kind.KERNEL, 3, Accepts.NUMERIC, Result.SAME),
    /** sum_to(g, like): g summed over its broadcast dims down to like's run-time shape (un-broadcasting). */
    SUM_TO("sum_to", Kind.KERNEL, 2, Accepts.ANY, Result.SAME),
    /** unslice(g, like): zeros shaped like {@code like} with g written into the slice; the adjoint of slice. */
    UNSLICE("unslice", Kind.KERNEL, 2, Accepts.ANY, Result.SAME, "starts", "stops", "steps"),
    /** unindex(g, i, like): zeros shaped like {@code like} with g written at index i of axis; the adjoint of index. */
    UNINDEX("unindex", Kind.KERNEL, 3, Accepts.ANY, Result.SAME, "axis"),

    // Views and shape ops.
    TRANSPOSE("transpose", Kind.VIEW, 1, Accepts.ANY, Result.SAME, "perm"),
    EXPAND_DIMS("expand_dims", Kind.VIEW, 1, Accepts.ANY, Result.SAME, "axes"),
    SQUEEZE("squeeze", Kind.VIEW, 1, Accepts.ANY, Result.SAME, "axes"),
    /** reshape(x, shape: i64[k]); one -1 allowed in shape. */
    RESHAPE("reshape", Kind.VIEW, 2, Accepts.ANY, Result.SAME),
    /** broadcast_to(x, shape: i64[k]). */
    BROADCAST_TO("broadcast_to", Kind.VIEW, 2, Accepts.ANY, Result.SAME),
    /** Python slice bounds per dim; {@link #NONE} marks an absent bound. */
    SLICE("slice", Kind.VIEW, 1, Accepts.ANY, Result.SAME, "starts", "stops", "steps"),
    /** index(x, i): drops {@code axis}, range-checked at run time. */
    INDEX("index", Kind.VIEW, 2, Accepts.ANY, Result.SAME, "axis"),
    SHAPE("shape", Kind.VIEW, 1, Accepts.ANY, Result.I64),
    /** window(x, start, like): x[start : start + n] along {@code axis}, n being like's size there; range-checked. */
    WINDOW("window", Kind.VIEW, 3, Accepts.ANY, Result.SAME, "axis"),
    /** unwindow(g, start, like): zeros shaped like {@code like} with g written from {@code start} along axis; the adjoint of window. */
    UNWINDOW("unwindow", Kind.KERNEL, 3, Accepts.ANY, Result.SAME, "axis"),
    /**
     * dyn_slice(x, start, stop): x[start:stop:step] along {@code axis} with run-time i64 bounds, clamped as Python's
     * slice.indices; {@code Long.MIN_VALUE}/{@code Long.MAX_VALUE} stand for an absent bound (they clamp to the ends).
     */
    DYN_SLICE("dyn_slice", Kind.VIEW, 3, Accepts.ANY, Result.SAME, "axis", "step"),
    /** dyn_unslice(g, start, stop, like): zeros shaped like {@code like} with g written into the dyn_slice; its adjoint. */
    DYN_UNSLICE("dyn_unslice", Kind.KERNEL, 4, Accepts.ANY, Result.SAME, "axis", "step"),

    // Differentiation, expanded by the grad pass.
    /** grad(cost, wrt). */
    GRAD("grad", Kind.DIFF, 2, Accepts.ANY, Result.SAME, "disconnected"),
    /** lop(wrt, y1, u1, y2, u2, ...) = sum of u_k^T J_k. */
    LOP("lop", Kind.DIFF, -1, Accepts.ANY, Result.SAME, "disconnected"),
    /** rop(y, x1, v1, x2, v2, ...) = sum of J_k v_k. */
    ROP("rop", Kind.DIFF, -1, Accepts.ANY, Result.SAME, "disconnected"),
    JACOBIAN("jacobian", Kind.DIFF, 2, Accepts.ANY, Result.SAME, "disconnected"),
    HESSIAN("hessian", Kind.DIFF, 2, Accepts.ANY, Result.SAME, "disconnected"),

    // Control.
    /**
     * scan(seqs..., inits...) with a body region (seq elements..., carries...) -> (new carries..., outputs...), each
     * stacked over the steps; an optional attribute {@code last} lists carries whose result is instead their value
     * after the last step (the initial value when there are none), so no stack is kept for them.
     */
    SCAN("scan", Kind.CONTROL, -1, Accepts.ANY, Result.TUPLE, "body", "nseq"),
    /**
     * One elementwise kernel: a body of elementwise ops (and broadcasts of its inputs) over params standing for the
     * operands, yielding one value; made by the fusion pass, run as one loop by the backends.
     */
    FUSED("fused", Kind.CONTROL, -1, Accepts.ANY, Result.SAME, "body"),
    TUPLE_GET("tuple_get", Kind.CONTROL, 1, Accepts.ANY, Result.SAME, "index");

    /** Marks an absent slice bound. */
    public static final long NONE = Long.MIN_VALUE;

    /** What an op is, for the passes and backends that treat ops by family. */
    public enum Kind { LEAF, ELEMENTWISE, REDUCE, KERNEL, VIEW, DIFF, CONTROL }

    /** The operand dtypes an op accepts. */
    public enum Accepts { ANY, NUMERIC, FLOAT, BOOL }

    /** How the result dtype follows from the operands. */
    public enum Result { SAME, BOOL, I64, ATTR, EXPLICIT, TUPLE }

    private final String spelling;
    private final Kind kind;
    private final int arity;
    private final Accepts accepts;
    private final Result result;
    private final List<String> attrNames;

    Op(String spelling, Kind kind, int arity, Accepts accepts, Result result, String... attrNames) {
        this.spelling = spelling;
        this.kind = kind;
        this.arity = arity;
        this.accepts = accepts;
        this.result = result;
        this.attrNames = List.of(attrNames);
    }

    public String spelling() {
        return spelling;
    }

    public Kind kind() {
        return kind;
    }

    /** The number of operands, or -1 for variadic. */
    public int arity() {
        return arity;
    }

    public Accepts accepts() {
        return accepts;
    }

    public Result result() {
        return result;
    }

    public List<String> attrNames() {
        return attrNames;
    }

    public boolean isElementwise() {
        return kind == Kind.ELEMENTWISE;
    }

    private static final Map<String, Op> BY_SPELLING = new HashMap<>();

    static {
        for (Op op : values()) BY_SPELLING.put(op.spelling, op);
    }

    /** The op spelled {@code s} in IR text, or null. */
    public static Op bySpelling(String s) {
        return BY_SPELLING.get(s);
    }
}
