package dev.txc.ir.kernel;

import dev.txc.types.DType;
import dev.txc.ir.Op;
import java.util.List;

/** One kernel instruction; its value is named by its index in the kernel's body ({@code %id}). */
public sealed interface Instr {
    /** The element of input {@code operand} at the current index (once, before the loops, for a scalar operand). */
    record Load(int operand) implements Instr {}

    /** A literal: {@code f} for floats, {@code i} for integers and bool (0 or 1); the other field is 0. */
    record Lit(DType dtype, double f, long i) implements Instr {
        public Lit {
            if (dtype.isFloat()) i = 0;
            else f = 0;
        }
    }

    /** An elementwise op of {@link ElementwiseOps} on earlier values. */
    record Apply(Op op, DType dtype, List<Integer> args) implements Instr {
        public Apply {
            args = List.copyOf(args);
        }
    }

    /** Writes value {@code arg} to output {@code operand} at the current index. */
    record Store(int operand, int arg) implements Instr {}
}
