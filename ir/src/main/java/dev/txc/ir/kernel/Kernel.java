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
 * that adds each operand's row stride. Scalar operands (rank 0 or one element), literals and ops on them are loop-invariant: computed once. A
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

    /**
     * An operand: an output written at every index or an input read there; scalar inputs (rank 0 or one element) are
     * loop-invariant; {@code row} inputs have a last dim of 1 (a {@code [B, 1]} broadcast along rows: a mean or sum with
     * keepdims), so on rows where they step by 0 backends may read them once per row.
     */
    public record Operand(Role role, DType dtype, boolean scalar, boolean row) {
        public Operand(Role role, DType dtype, boolean scalar) {
            this(role, dtype, scalar, false);
        }
    }

    public enum Role { OUT, IN }

    public int outputs() {
        return (int) operands.stream().filter(o -> o.role() == Role.OUT).count();
    }

    /**
     * Which values are loop-invariant: literals, loads of scalar operands, and ops on invariant values only. Backends
     * compute them once, before the loops (an integer cast of a shape, 1/N, a scaled learning rate).
     */
    public boolean[] invariant() {
        boolean[] inv = new boolean[body.size()];
        for (int id = 0; id < body.size(); id++) {
            inv[id] = switch (body.get(id)) {
                case Instr.Lit c -> true;
                case Instr.Load l -> operands.get(l.operand()).scalar();
                case Instr.Apply a -> a.args().stream().allMatch(arg -> inv[arg]);
                case Instr.Store s -> false;
            };
        }
        return inv;
    }

    /**
     * The float dtype that a vector loop computes in, or null when the kernel has no vector form: every value computed
     * in the loop is that dtype or a bool mask made by comparing such values, every op in the loop has a vector lowering
     * in {@link ElementwiseOps}, and every loop-invariant value the loop uses is that dtype (it is broadcast).
     * Loop-invariant values are computed once by scalar code, so they may be of any dtype.
     */
    public DType vectorType() {
        if (reduction != null && operands.getFirst().dtype() != DType.F64) return null;
        DType t = null;
        for (Operand o : operands) {
            if (o.scalar() && o.role() == Role.IN) continue;
            if (o.dtype() == DType.BOOL) return null;
            t = t == null ? o.dtype() : t;
            if (o.dtype() != t) return null;
        }
        if (t == null || !t.isFloat()) return null;
        boolean[] inv = invariant();
        for (int id = 0; id < body.size(); id++) {
            var used = switch (body.get(id)) {
                case Instr.Apply a -> inv[id] ? List.<Integer>of() : a.args();
                case Instr.Store s -> List.of(s.arg());
                case Instr.Load l -> List.<Integer>of();
                case Instr.Lit c -> List.<Integer>of();
            };
            for (int arg : used) if (inv[arg] && dtypeOf(arg) != t) return null;
        }
        for (int id = 0; id < body.size(); id++) {
            if (inv[id] || !(body.get(id) instanceof Instr.Apply a)) continue;
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

    /** The dtypes of values {@code ids}. */
    public List<DType> dtypeOf(List<Integer> ids) {
        return ids.stream().map(this::dtypeOf).toList();
    }

    @Override
    public String toString() {
        return KernelText.print("k", this);
    }
}
