package dev.txc.frontend.api;

import dev.txc.frontend.Embedding;
import dev.txc.ir.Node;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;

/**
 * The {@code .tx} lowering rules for values built in Java: weak literals, NumPy dtype promotion, every built-in of
 * LANGUAGE.md section 6 and differentiation, applied to {@link Operand}s by the same code that lowers {@code .tx}
 * source, so a graph built here is the graph the source would give. Immutable and thread-safe; {@code floatX} is the
 * dtype of float literals and of float functions of integers. Errors are {@link LoweringException}s located at the
 * span the caller passes (the embedding API passes the user's call site, or null).
 */
public final class Lowering {
    private final DType floatX;

    private Lowering(DType floatX) {
        if (!floatX.isFloat()) throw new IllegalArgumentException("floatX must be f32 or f64, got " + floatX.spelling());
        this.floatX = floatX;
    }

    public static Lowering of(DType floatX) {
        return new Lowering(floatX);
    }

    public DType floatX() {
        return floatX;
    }

    /** The names of the built-in functions, sorted (including randn, uniform and load, which only initialize shared variables). */
    public static java.util.SortedSet<String> builtins() {
        return Embedding.builtins();
    }

    /** Whether {@code name} is a built-in function of the language. */
    public static boolean isBuiltin(String name) {
        return Embedding.isBuiltin(name);
    }

    /**
     * Built-in {@code name} applied to positional and keyword arguments: Operands, numbers and booleans (weak literals),
     * strings, DTypes, and lists or arrays of these. Returns an Operand, or a {@code List<Operand>} for a tuple (grad
     * with a list of variables, rop/lop with lists).
     */
    public Object call(String name, List<?> positional, Map<String, ?> keywords, SourceSpan at) {
        return Embedding.call(floatX, name, positional, keywords, at);
    }

    /** One step of a {@link #scan}: the sequence elements and previous carries in, the new carries then extra outputs out. */
    public interface Step {
        List<Operand> apply(List<Operand> elements, List<Operand> carries);
    }

    /**
     * {@code scan} (LANGUAGE.md section 8) over the leading axes of {@code sequences} (zipped) from {@code inits}: the
     * stacked new carries then the stacked extra outputs, as the {@code .tx} scan gives them.
     */
    public List<Operand> scan(List<?> sequences, List<?> inits, boolean reverse, int checkpoint, Step step, SourceSpan at) {
        return Embedding.scan(floatX, sequences, inits, reverse, checkpoint, step, at);
    }

    /** {@code call} for a built-in that gives one tensor. */
    public Operand call1(String name, List<?> positional, Map<String, ?> keywords, SourceSpan at) {
        Object r = call(name, positional, keywords, at);
        if (r instanceof Operand o) return o;
        throw new IllegalArgumentException(name + " gives several values here; use call");
    }

    /** A binary operator spelled as in {@code .tx}: {@code + - * / // % ** @ == != < <= > >= and or}. */
    public Operand binary(String symbol, Operand a, Operand b, SourceSpan at) {
        return Embedding.binary(floatX, symbol, a, b, at);
    }

    /** {@code -x} for {@code "-"}, {@code not x} for {@code "not"}. */
    public Operand unary(String symbol, Operand x, SourceSpan at) {
        return Embedding.unary(symbol, x, at);
    }

    /** {@code x.T}, {@code x.shape} or {@code x.ndim}. */
    public Operand attr(Operand x, String name, SourceSpan at) {
        return Embedding.attr(x, name, at);
    }

    /** NumPy basic indexing: each item a {@link Slice}, an integer Operand or a Java integer. */
    public Operand index(Operand x, List<?> items, SourceSpan at) {
        return Embedding.index(floatX, x, items, at);
    }

    /** A literal number, boolean, or rectangular nested list or array of them: a weak constant, as in {@code .tx}. */
    public Operand literal(Object value, SourceSpan at) {
        return Embedding.literal(floatX, value, at);
    }

    /** A value passed for a parameter of type {@code t} (an argument or a default): weak literals adapt, strong values upcast safely. */
    public Node argument(Operand v, TensorType t, String what, SourceSpan at) {
        return Embedding.argument(v, t, what, at);
    }

    /** The checked value of {@code shared := v} for a shared variable of type {@code t}. */
    public Node update(String shared, TensorType t, Operand v, SourceSpan at) {
        return Embedding.update(shared, t, v, at);
    }
}
