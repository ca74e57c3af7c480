package dev.txc.driver.api;

import dev.txc.frontend.api.Operand;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A symbolic tensor, Theano's {@code TensorVariable}: an immutable IR node (plus the weak flag of a literal) built by
 * the same rules as {@code .tx} source. Operator methods follow Kotlin's operator conventions ({@code plus},
 * {@code minus}, {@code times}, {@code div}, {@code rem}, {@code unaryMinus}, {@code not}, {@code get}); the right
 * operand may be another Expr, a number (a weak literal), a boolean, a Java array or list (an array literal) or an
 * {@link NDArray} (a constant of its dtype). Instances are immutable and safe to share between threads.
 */
public class Expr {
    final Operand op;
    /** The shared variables this expression reads, so that a function built from it knows their values. */
    private final Set<Shared> shared;

    Expr(Operand op, Set<Shared> shared) {
        this.op = op;
        this.shared = shared == null ? Set.of() : Set.copyOf(shared);
    }

    Set<Shared> sharedSet() {
        return shared;
    }

    /** The IR node (structurally interned: equal expressions give the same node). */
    public Node node() {
        return op.node();
    }

    /** The lowered value: the node and whether it is a weak literal. */
    public Operand operand() {
        return op;
    }

    public TensorType type() {
        return op.type();
    }

    public DType dtype() {
        return op.dtype();
    }

    /** The number of axes, Theano's {@code ndim}. */
    public int ndim() {
        return op.type().rank();
    }

    /** Whether this is a symbolic input variable (made by {@code scalar}, {@code matrix}, {@code tensor}, ...). */
    public boolean isVariable() {
        return node().op() == Op.PARAM;
    }

    /** The name of a variable or shared variable; null for other expressions. */
    public String name() {
        Op o = node().op();
        return o == Op.PARAM || o == Op.SHARED ? node().attrs().str("name") : null;
    }

    // ---- arithmetic, NumPy semantics ----

    public Expr plus(Object other) {
        return Tx.binary("+", this, other);
    }

    public Expr plus(double other) {
        return Tx.binary("+", this, other);
    }

    public Expr plus(long other) {
        return Tx.binary("+", this, other);
    }

    public Expr plus(int other) {
        return Tx.binary("+", this, (long) other);
    }

    public Expr minus(Object other) {
        return Tx.binary("-", this, other);
    }

    public Expr minus(double other) {
        return Tx.binary("-", this, other);
    }

    public Expr minus(long other) {
        return Tx.binary("-", this, other);
    }

    public Expr minus(int other) {
        return Tx.binary("-", this, (long) other);
    }

    public Expr times(Object other) {
        return Tx.binary("*", this, other);
    }

    public Expr times(double other) {
        return Tx.binary("*", this, other);
    }

    public Expr times(long other) {
        return Tx.binary("*", this, other);
    }

    public Expr times(int other) {
        return Tx.binary("*", this, (long) other);
    }

    /** True division: integers divide to floatX. */
    public Expr div(Object other) {
        return Tx.binary("/", this, other);
    }

    public Expr div(double other) {
        return Tx.binary("/", this, other);
    }

    public Expr div(long other) {
        return Tx.binary("/", this, other);
    }

    public Expr div(int other) {
        return Tx.binary("/", this, (long) other);
    }

    /** {@code %}: the sign of the divisor, as NumPy. */
    public Expr rem(Object other) {
        return Tx.binary("%", this, other);
    }

    public Expr rem(double other) {
        return Tx.binary("%", this, other);
    }

    public Expr rem(long other) {
        return Tx.binary("%", this, other);
    }

    public Expr rem(int other) {
        return Tx.binary("%", this, (long) other);
    }

    /** {@code //}: floor division. */
    public Expr floorDiv(Object other) {
        return Tx.binary("//", this, other);
    }

    /** {@code **}. */
    public Expr pow(Object other) {
        return Tx.binary("**", this, other);
    }

    public Expr pow(double other) {
        return Tx.binary("**", this, other);
    }

    public Expr pow(long other) {
        return Tx.binary("**", this, other);
    }

    public Expr pow(int other) {
        return Tx.binary("**", this, (long) other);
    }

    /** {@code @}: matrix product, batched for rank above 2. */
    public Expr matmul(Object other) {
        return Tx.binary("@", this, other);
    }

    /** NumPy/Theano {@code dot} for vectors and matrices. */
    public Expr dot(Object other) {
        return Tx.dot(this, other);
    }

    public Expr unaryMinus() {
        return Tx.neg(this);
    }

    /** Logical {@code not} of a bool tensor (Kotlin's {@code !x}). */
    public Expr not() {
        return Tx.not(this);
    }

    public Expr and(Object other) {
        return Tx.binary("and", this, other);
    }

    public Expr or(Object other) {
        return Tx.binary("or", this, other);
    }

    // ---- comparisons (Kotlin's == and < cannot return a tensor, so these are named) ----

    public Expr eq(Object other) {
        return Tx.binary("==", this, other);
    }

    public Expr ne(Object other) {
        return Tx.binary("!=", this, other);
    }

    public Expr lt(Object other) {
        return Tx.binary("<", this, other);
    }

    public Expr le(Object other) {
        return Tx.binary("<=", this, other);
    }

    public Expr gt(Object other) {
        return Tx.binary(">", this, other);
    }

    public Expr ge(Object other) {
        return Tx.binary(">=", this, other);
    }

    // ---- attributes and indexing ----

    /** {@code x.T}: all axes reversed. */
    public Expr T() {
        return Tx.attr(this, "T");
    }

    /** {@code x.shape}: an i64 vector. */
    public Expr shape() {
        return Tx.attr(this, "shape");
    }

    /**
     * NumPy basic indexing, {@code x[i, 1:3, :]}: each index an integer, an integer Expr, or a slice from
     * {@link Tx#slice} ({@link Tx#ALL} for {@code :}).
     */
    public Expr get(Object... index) {
        return Tx.index(this, List.of(index));
    }

    // ---- Theano-style method forms of common built-ins ----

    public Expr sum() {
        return Tx.sum(this);
    }

    public Expr sum(int axis) {
        return Tx.sum(this, axis);
    }

    public Expr mean() {
        return Tx.mean(this);
    }

    public Expr mean(int axis) {
        return Tx.mean(this, axis);
    }

    public Expr max() {
        return Tx.max(this);
    }

    public Expr min() {
        return Tx.min(this);
    }

    public Expr prod() {
        return Tx.prod(this);
    }

    public Expr reshape(long... shape) {
        return Tx.reshape(this, shape);
    }

    public Expr flatten() {
        return Tx.flatten(this);
    }

    public Expr dimshuffle(Object... pattern) {
        return Tx.dimshuffle(this, pattern);
    }

    public Expr astype(DType dtype) {
        return Tx.cast(this, dtype);
    }

    // ---- evaluation ----

    /** Evaluates an expression that has no free variables (it may read shared variables), like Theano's {@code eval()}. */
    public NDArray eval() {
        return eval(Map.of());
    }

    /**
     * Evaluates with values for the free variables, Theano's {@code x.eval({x: 3})}: compiles once per set of bound
     * variables (cached on this expression) and runs on the JVM backend.
     */
    public NDArray eval(Map<? extends Expr, ?> bindings) {
        return Evaluation.eval(this, new LinkedHashMap<>(bindings));
    }

    /** Equal when the nodes are (nodes are interned, so this is structural equality) and both are weak or strong. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Expr e && !(o instanceof Shared) && e.op.equals(op);
    }

    @Override
    public int hashCode() {
        return op.hashCode();
    }

    /** Theano's {@code pp} of the expression as built (derivatives unexpanded), or its type when that is too long. */
    @Override
    public String toString() {
        try {
            return dev.txc.ir.PrettyPrinter.expr(node());
        } catch (RuntimeException e) {
            return "<" + type() + ">";
        }
    }

    /** The compiled evaluators of {@link #eval}, keyed by the bound variables; written only by Evaluation. */
    volatile Map<List<Node>, TxFunction> evalCache = Map.of();
}
