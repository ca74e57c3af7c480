package dev.txc.frontend;

import dev.txc.ir.Node;
import dev.txc.types.DType;
import java.util.List;

/** What an expression evaluates to during lowering: a tensor node, a tuple, a list literal, a string, a dtype, or poison after an error. */
sealed interface Value {
    /**
     * A tensor; {@code weak} marks a Python-style literal whose dtype yields to the tensor it meets. For a weak float
     * under {@code --floatX f32}, {@code exact} is the same value computed in f64 (Python's double), used when the
     * literal meets an f64 tensor; null when {@code node} is already exact.
     */
    record T(Node node, boolean weak, Node exact) implements Value {
        T(Node node, boolean weak) {
            this(node, weak, null);
        }

        DType dtype() {
            return node.dtype();
        }
    }

    /** Several values: a function's results, a destructurable tuple. */
    record Tup(List<Value> items) implements Value {
        public Tup {
            items = List.copyOf(items);
        }
    }

    /** A list literal {@code [a, b]}: axes, shapes, the arrays of concatenate, the wrt of grad. */
    record Lst(List<Value> items) implements Value {
        public Lst {
            items = List.copyOf(items);
        }
    }

    record Str(String value) implements Value {}

    /** A dtype named in an expression, as in {@code cast(x, f32)}. */
    record DT(DType dtype) implements Value {}

    /** The value of an expression that had an error; uses of it report nothing more. */
    record Poison() implements Value {}

    Poison POISON = new Poison();

    static String describe(Value v) {
        return switch (v) {
            case T t -> t.weak() ? "a number" : "a tensor " + t.node().type();
            case Tup t -> "a tuple of " + t.items().size();
            case Lst l -> "a list";
            case Str s -> "a string";
            case DT d -> "the dtype " + d.dtype().spelling();
            case Poison p -> "an invalid value";
        };
    }
}
