package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.types.DType;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import java.util.List;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode computing one element of a kernel in primitive locals: each value is computed by its op's JVM form in
 * {@link ElementwiseOps} (an arithmetic bytecode, a conversion, or a static method of runtime.ScalarOps, which the
 * JIT inlines), then stored into a new local. Literals are pushed where used. How a load reads its operand and how a
 * store writes it is the caller's.
 */
final class ElementEmitter {
    private static final String SCALAR_OPS = "dev/txc/runtime/ScalarOps";

    /** Where loads and stores go: {@code load} pushes operand k's element, {@code store} writes the value on the stack. */
    interface Access {
        void load(int operand);

        /** Emits what goes below the value (array and index), before it is pushed. */
        void beforeStore(int operand);

        void store(int operand);
    }

    private final MethodVisitor mv;
    private final Kernel k;
    private final int[] slots;
    private final IntAllocator locals;

    interface IntAllocator {
        int take(int slots);
    }

    ElementEmitter(MethodVisitor mv, Kernel k, IntAllocator locals) {
        this.mv = mv;
        this.k = k;
        this.slots = new int[k.body().size()];
        java.util.Arrays.fill(slots, -1);
        this.locals = locals;
    }

    /** Binds value {@code id} to a local already holding it (loop-invariant values loaded before the loops). */
    void bind(int id, int slot) {
        slots[id] = slot;
    }

    /** Emits the values and stores of the body; values already bound (hoisted) are not recomputed. */
    void emit(Access access) {
        int[] saved = slots.clone();
        for (int id = 0; id < k.body().size(); id++) {
            switch (k.body().get(id)) {
                case Instr.Load l -> {
                    if (slots[id] >= 0) continue;
                    access.load(l.operand());
                    store(id, k.dtypeOf(id));
                }
                case Instr.Lit c -> { }
                case Instr.Apply a -> {
                    if (slots[id] >= 0) continue;
                    for (int arg : a.args()) push(arg);
                    op(mv, a, k.dtypeOf(a.args()));
                    store(id, a.dtype());
                }
                case Instr.Store s -> {
                    access.beforeStore(s.operand());
                    push(s.arg());
                    access.store(s.operand());
                }
            }
        }
        System.arraycopy(saved, 0, slots, 0, slots.length);
    }

    private void store(int id, DType t) {
        CType c = CType.of(t);
        int s = locals.take(c.slots);
        mv.visitVarInsn(c.store, s);
        slots[id] = s;
    }

    /** Pushes value id: a literal, or the local holding it. */
    void push(int id) {
        if (k.body().get(id) instanceof Instr.Lit c) {
            CType.constant(mv, c.dtype(), c.f(), c.i());
            return;
        }
        if (slots[id] < 0) throw new IllegalStateException("kernel value %" + id + " used before it is computed");
        mv.visitVarInsn(CType.of(k.dtypeOf(id)).load, slots[id]);
    }

    /** One op on operands already on the stack, by its JVM form; the result is narrowed to its dtype. */
    static void op(MethodVisitor mv, Instr.Apply a, List<DType> args) {
        CType t = CType.of(a.dtype());
        switch (ElementwiseOps.of(a.op()).jvm()) {
            case ElementwiseOps.Jvm.None n -> throw new IllegalArgumentException("not an elementwise op: " + a.op().spelling());
            case ElementwiseOps.Jvm.Identity i -> { }
            case ElementwiseOps.Jvm.Convert c -> convert(mv, args.getFirst(), a.dtype());
            case ElementwiseOps.Jvm.Arith r -> mv.visitInsn(arith(r.kind(), t));
            case ElementwiseOps.Jvm.Call c -> {
                var desc = new StringBuilder("(");
                for (DType d : args) desc.append(CType.of(d).desc);
                desc.append(')').append(t.desc);
                mv.visitMethodInsn(INVOKESTATIC, SCALAR_OPS, c.method(), desc.toString(), false);
            }
        }
        CType.narrow(mv, a.dtype());
    }

    private static int arith(ElementwiseOps.Jvm.Kind kind, CType t) {
        int base = switch (kind) {
            case ADD -> IADD;
            case SUB -> ISUB;
            case MUL -> IMUL;
            case DIV -> IDIV;
            case NEG -> INEG;
        };
        return base + switch (t) {
            case I, Z -> 0;
            case J -> 1;
            case F -> 2;
            case D -> 3;
        };
    }

    /** NumPy's astype: integers wrap, nonzero is true; floats to integers saturate (runtime Cvt states the rule). */
    static void convert(MethodVisitor mv, DType from, DType to) {
        CType a = CType.of(from), b = CType.of(to);
        if (to == DType.BOOL) {
            if (a != CType.Z) mv.visitMethodInsn(INVOKESTATIC, CVT, "toBool", "(" + a.desc + ")Z", false);
            return;
        }
        switch (a) {
            case D, F -> {
                if (a == b) return;
                if (a == CType.F) mv.visitInsn(F2D);
                switch (b) {
                    case D -> { }
                    case F -> mv.visitInsn(D2F);
                    case J -> mv.visitInsn(D2L);
                    case I, Z -> toNarrow(mv, to);
                }
            }
            case J -> {
                switch (b) {
                    case D -> mv.visitInsn(L2D);
                    case F -> mv.visitInsn(L2F);
                    case I -> mv.visitInsn(L2I);
                    case J, Z -> { }
                }
            }
            case I, Z -> {
                switch (b) {
                    case D -> mv.visitInsn(I2D);
                    case F -> mv.visitInsn(I2F);
                    case J -> mv.visitInsn(I2L);
                    case I, Z -> { }
                }
            }
        }
    }

    private static final String CVT = "dev/txc/runtime/Cvt";

    /** A double on the stack to an int-computed dtype, saturating to its range. */
    private static void toNarrow(MethodVisitor mv, DType to) {
        switch (to) {
            case I32 -> mv.visitInsn(D2I);
            case I8 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toI8", "(D)I", false);
            case I16 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toI16", "(D)I", false);
            case U8 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toU8", "(D)I", false);
            case BOOL, I64, F32, F64 -> throw new IllegalStateException("not an int-computed integer dtype: " + to);
        }
    }
}
