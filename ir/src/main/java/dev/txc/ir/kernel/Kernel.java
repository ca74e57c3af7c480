package dev.txc.ir.kernel;

import dev.txc.types.DType;
import dev.txc.ir.Op;
import java.util.List;

/**
 * One lowered elementwise kernel: a loop nest over the broadcast index space of its streamed operands (and of
 * {@code shapes} extra shape vectors), computing {@code body} per element.
 *
 * <p>The loop nest is the same for every kernel and is what the text shows: dims of size 1 are dropped and dims
 * that every operand steps across as one are merged at run time; the merged outer dims form {@code rows}, the
 * parallel axis split across cores; the innermost dim is the row, run by a vector loop with a scalar tail when
 * {@link #vector()} is set and every streamed operand steps through the row with stride 1, else by a scalar loop
 * that adds each operand's row stride. Scalar operands (rank 0) and literals are loop-invariant: loaded once. A
 * kernel with a {@link Reduction} accumulates its stored values instead of writing them.
 *
 * @param operands outputs first, then inputs, in the order the backend binds them
 * @param shapes   how many shape vectors (i64[r], from broadcasts inside the body) widen the index space
 * @param body     instructions in dependency order; each {@link Instr.Store} writes one output operand
 */
public record Kernel(List<Operand> operands, int shapes, List<Instr> body, Reduction reduction) {
    public Kernel {
        operands = List.copyOf(operands);
        body = List.copyOf(body);
        KernelVerifier.verify(operands, shapes, body, reduction);
    }

    /** An elementwise kernel. */
    public Kernel(List<Operand> operands, int shapes, List<Instr> body) {
        this(operands, shapes, body, null);
    }

    /**
     * A reduction epilogue: the one output accumulates its stored values in double precision over the last axis of
     * the index space (each row to one element) or over all of it ({@code all}; each row to a partial, the partials
     * added in row order with compensation), then divided by the count for a mean.
     */
    public record Reduction(boolean mean, boolean all, boolean keepdims) {
        public String spelling() {
            return (mean ? "mean" : "sum") + "(" + (all ? "all" : "last") + (keepdims ? ", keepdims" : "") + ")";
        }
    }

    /** An operand: an output written at every index or an input read there; rank 0 inputs are loop-invariant. */
    public record Operand(Role role, DType dtype, boolean scalar) {}

    public enum Role { OUT, IN }

    public int outputs() {
        return (int) operands.stream().filter(o -> o.role() == Role.OUT).count();
    }

    /**
     * The float dtype that a vector loop computes in, or null when the kernel has no vector form: every value is
     * that dtype or a bool mask made by comparing such values, and every op has a vector lowering in
     * {@link ElementwiseOps}.
     */
    public DType vectorType() {
        if (reduction != null && operands.getFirst().dtype() != DType.F64) return null;
        DType t = null;
        for (Operand o : operands) {
            if (o.dtype() == DType.BOOL) return null;
            t = t == null ? o.dtype() : t;
            if (o.dtype() != t) return null;
        }
        if (t == null || !t.isFloat()) return null;
        for (Instr i : body) {
            if (i instanceof Instr.Lit c && c.dtype() != t) return null;
            if (!(i instanceof Instr.Apply a)) continue;
            if (!ElementwiseOps.of(a.op()).vectorizable(t)) return null;
            if (a.dtype() != t && a.dtype() != DType.BOOL) return null;
            if (a.dtype() == DType.BOOL && !ElementwiseOps.isComparison(a.op())) return null;
            if (a.op() == Op.CAST && dtypeOf(a.args().getFirst()) != t) return null;
            for (int arg : a.args()) if (dtypeOf(arg) == DType.BOOL && a.op() != Op.WHERE) return null;
        }
        return t;
    }

    /** Whether the kernel has a vector loop. */
    public boolean vector() {
        return vectorType() != null;
    }

    /** The dtype of value {@code id}. */
    public DType dtypeOf(int id) {
        return switch (body.get(id)) {
            case Instr.Load l -> operands.get(l.operand()).dtype();
            case Instr.Lit c -> c.dtype();
            case Instr.Apply a -> a.dtype();
            case Instr.Store s -> throw new IllegalArgumentException("a store has no value: %" + id);
        };
    }

    @Override
    public String toString() {
        return KernelText.print("k", this);
    }
}
