package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.types.DType;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode computing one vector of a kernel's elements with the JDK Vector API (jdk.incubator.vector): loads are
 * {@code fromArray}, each op its {@link ElementwiseOps} vector form ({@code lanewise}, {@code compare} to a mask,
 * a short composite, or txc's exp/sigmoid/tanh spelled out by VectorMathEmitter), stores {@code intoArray}. Emitted only for kernels with a {@link Kernel#vectorType()} and
 * only when the module is in the compiling JVM; C2 turns the calls into SIMD instructions (SVML for exp, log, tanh).
 */
final class VectorEmitter {
    private static final String PKG = "jdk/incubator/vector/";
    static final String SPECIES = "L" + PKG + "VectorSpecies;";
    private static final String VECTOR = "L" + PKG + "Vector;";
    private static final String MASK = "L" + PKG + "VectorMask;";

    private final MethodVisitor mv;
    private final Kernel k;
    private final String cls, vdesc, prim, arr;
    private final int[] slots;
    private final java.util.List<Runnable> hoisted = new java.util.ArrayList<>();
    /** Loop-invariant values: computed before the loop, broadcast by {@link #hoist} where the loop uses them. */
    private final boolean[] invariant;
    private final ElementEmitter.IntAllocator locals;
    private final int species;
    /** For a reduction kernel, the locals of the vector accumulator stores add into and of its Kahan compensation. */
    private final int acc, comp;

    VectorEmitter(MethodVisitor mv, Kernel k, ElementEmitter.IntAllocator locals, int species, int acc, int comp) {
        this.acc = acc;
        this.comp = comp;
        this.mv = mv;
        this.k = k;
        DType t = k.vectorType();
        this.cls = PKG + (t == DType.F64 ? "DoubleVector" : "FloatVector");
        this.vdesc = "L" + cls + ";";
        this.prim = t == DType.F64 ? "D" : "F";
        this.arr = "[" + prim;
        this.slots = new int[k.body().size()];
        Arrays.fill(slots, -1);
        this.invariant = k.invariant();
        this.locals = locals;
        this.species = species;
    }

    /** Loads the species of the kernel's vector type into local {@code slot}. */
    static void loadSpecies(MethodVisitor mv, Kernel k, int slot) {
        String cls = PKG + (k.vectorType() == DType.F64 ? "DoubleVector" : "FloatVector");
        mv.visitFieldInsn(GETSTATIC, cls, "SPECIES_PREFERRED", SPECIES);
        mv.visitVarInsn(ASTORE, slot);
    }

    /**
     * Gives loop-invariant value {@code id}, whose scalar is pushed by {@code pushScalar}, a vector local that
     * {@link #broadcastHoisted} fills. The broadcasts are emitted where the vector loop starts, not in the kernel's
     * prologue: a call that takes the scalar loop (short rows) then makes no vector, where C2, having never seen the
     * vector loop run, had left each prologue broadcast a boxed library call (a fifth of a 10-sample logistic step).
     */
    void hoist(int id, Runnable pushScalar) {
        int slot = locals.take(1);
        slots[id] = slot;
        hoisted.add(() -> {
            mv.visitVarInsn(ALOAD, species);
            pushScalar.run();
            mv.visitMethodInsn(INVOKESTATIC, cls, "broadcast", "(" + SPECIES + prim + ")" + vdesc, false);
            mv.visitVarInsn(ASTORE, slot);
        });
    }

    /** Emits the broadcasts of the values {@link #hoist} was given, before a vector loop. */
    void broadcastHoisted() {
        hoisted.forEach(Runnable::run);
    }

    /**
     * Emits one vector step: {@code index} pushes the array and start index of a streamed operand, {@code element}
     * the one element of a row operand's row (broadcast).
     */
    void emit(IntConsumer index, IntConsumer element) {
        emit(index, element, null);
    }

    /** The number of stores in the kernel's body: the locals {@link #emit(IntConsumer, IntConsumer, int[])} defers into. */
    int stores() {
        return (int) k.body().stream().filter(i -> i instanceof Instr.Store).count();
    }

    /**
     * As {@link #emit(IntConsumer, IntConsumer)}, but when {@code deferred} is not null the value of the i-th store
     * goes to local {@code deferred[i]} instead of its array; {@link #storeDeferred} stores them later.
     */
    void emit(IntConsumer index, IntConsumer element, int[] deferred) {
        int[] saved = slots.clone();
        int store = 0;
        for (int id = 0; id < k.body().size(); id++) {
            if (invariant[id]) continue;
            switch (k.body().get(id)) {
                case Instr.Load l when k.operands().get(l.operand()).row() -> {
                    mv.visitVarInsn(ALOAD, species);
                    element.accept(l.operand());
                    mv.visitMethodInsn(INVOKESTATIC, cls, "broadcast", "(" + SPECIES + prim + ")" + vdesc, false);
                    slots[id] = local();
                }
                case Instr.Load l -> {
                    mv.visitVarInsn(ALOAD, species);
                    index.accept(l.operand());
                    mv.visitMethodInsn(INVOKESTATIC, cls, "fromArray", "(" + SPECIES + arr + "I)" + vdesc, false);
                    slots[id] = local();
                }
                case Instr.Lit c -> { }
                case Instr.Apply a -> apply(id, a);
                case Instr.Store s when acc >= 0 -> kahanAdd(slots[s.arg()]);
                case Instr.Store s when deferred != null -> {
                    mv.visitVarInsn(ALOAD, slots[s.arg()]);
                    mv.visitVarInsn(ASTORE, deferred[store++]);
                }
                case Instr.Store s -> {
                    mv.visitVarInsn(ALOAD, slots[s.arg()]);
                    index.accept(s.operand());
                    mv.visitMethodInsn(INVOKEVIRTUAL, cls, "intoArray", "(" + arr + "I)V", false);
                }
            }
        }
        System.arraycopy(saved, 0, slots, 0, slots.length);
    }

    /** Stores the vectors {@link #emit(IntConsumer, IntConsumer, int[])} deferred into {@code deferred}, in body order. */
    void storeDeferred(IntConsumer index, int[] deferred) {
        int store = 0;
        for (Instr in : k.body()) {
            if (!(in instanceof Instr.Store s)) continue;
            mv.visitVarInsn(ALOAD, deferred[store++]);
            mv.visitTypeInsn(CHECKCAST, cls);
            index.accept(s.operand());
            mv.visitMethodInsn(INVOKEVIRTUAL, cls, "intoArray", "(" + arr + "I)V", false);
        }
    }

    /** Lane by lane, Kahan's acc += x: y = x - comp; t = acc + y; comp = (t - acc) - y; acc = t. */
    private void kahanAdd(int x) {
        mv.visitVarInsn(ALOAD, x);
        mv.visitVarInsn(ALOAD, comp);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "sub", "(" + VECTOR + ")" + vdesc, false);
        int y = local();
        mv.visitVarInsn(ALOAD, acc);
        mv.visitVarInsn(ALOAD, y);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "add", "(" + VECTOR + ")" + vdesc, false);
        int t = local();
        mv.visitVarInsn(ALOAD, t);
        mv.visitVarInsn(ALOAD, acc);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "sub", "(" + VECTOR + ")" + vdesc, false);
        mv.visitVarInsn(ALOAD, y);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "sub", "(" + VECTOR + ")" + vdesc, false);
        int c = local();
        // NaN compensations (an infinite t) become 0, as in the scalar loop.
        mv.visitVarInsn(ALOAD, c);
        mv.visitInsn(k.vectorType() == dev.txc.types.DType.F64 ? DCONST_0 : FCONST_0);
        mv.visitVarInsn(ALOAD, c);
        operator("NE");
        mv.visitVarInsn(ALOAD, c);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "compare", "(L" + PKG + "VectorOperators$Comparison;" + VECTOR + ")" + MASK, false);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "blend", "(" + prim + MASK + ")" + vdesc, false);
        mv.visitVarInsn(ASTORE, comp);
        mv.visitVarInsn(ALOAD, t);
        mv.visitVarInsn(ASTORE, acc);
    }

    private int local() {
        int s = locals.take(1);
        mv.visitVarInsn(ASTORE, s);
        return s;
    }

    private void apply(int id, Instr.Apply a) {
        var args = a.args();
        switch (ElementwiseOps.of(a.op()).vec()) {
            case ElementwiseOps.Vec.None n -> throw new IllegalStateException("no vector form: " + a.op().spelling());
            case ElementwiseOps.Vec.Identity i -> {
                slots[id] = slots[args.getFirst()];
                return;
            }
            case ElementwiseOps.Vec.Lanewise l -> {
                if (args.size() == 1) unary(args.getFirst(), l.operator());
                else binary(args.get(0), l.operator(), args.get(1));
            }
            case ElementwiseOps.Vec.Compare c -> {
                load(args.get(0));
                operator(c.comparison());
                load(args.get(1));
                mv.visitMethodInsn(INVOKEVIRTUAL, cls, "compare", "(L" + PKG + "VectorOperators$Comparison;" + VECTOR + ")" + MASK, false);
            }
            case ElementwiseOps.Vec.Composite c -> composite(c.form(), args);
            case ElementwiseOps.Vec.Math m -> {
                var math = new VectorMathEmitter(mv, locals, species, k.vectorType());
                int x = slots[args.getFirst()];
                slots[id] = switch (m.fn()) {
                    case EXP -> math.exp(x);
                    case SIGMOID -> math.sigmoid(x);
                    case TANH -> math.tanh(x);
                    case LOG -> math.log(x);
                    case LOG1P -> math.log1p(x);
                    case SOFTPLUS -> math.softplus(x);
                };
                return;
            }
        }
        slots[id] = local();
    }

    private void composite(ElementwiseOps.Vec.Form form, java.util.List<Integer> args) {
        switch (form) {
            case WHERE -> { // c ? a : b = b.blend(a, c)
                load(args.get(2));
                load(args.get(1));
                load(args.get(0));
                mv.visitMethodInsn(INVOKEVIRTUAL, cls, "blend", "(" + VECTOR + MASK + ")" + vdesc, false);
            }
            case CLIP -> { // min(max(x, lo), hi)
                binary(args.get(0), "MAX", args.get(1));
                operator("MIN");
                load(args.get(2));
                lanewiseBinary();
            }
            case RELU -> { // max(x, 0): NaN stays NaN, -0 gives +0, as ScalarOps.relu
                load(args.getFirst());
                operator("MAX");
                scalar(0);
                mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Binary;" + prim + ")" + vdesc, false);
            }
        }
    }

    private void scalar(int v) {
        if (prim.equals("D")) mv.visitLdcInsn((double) v);
        else mv.visitLdcInsn((float) v);
    }

    private void unary(int a, String operator) {
        load(a);
        operator(operator);
        lanewiseUnary();
    }

    private void binary(int a, String operator, int b) {
        load(a);
        operator(operator);
        load(b);
        lanewiseBinary();
    }

    private void lanewiseUnary() {
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Unary;)" + vdesc, false);
    }

    private void lanewiseBinary() {
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Binary;" + VECTOR + ")" + vdesc, false);
    }

    private void load(int id) {
        if (slots[id] < 0) throw new IllegalStateException("vector value %" + id + " used before it is computed");
        mv.visitVarInsn(ALOAD, slots[id]);
    }

    /** GETSTATIC VectorOperators.name with the field's declared type (Unary, Binary, Associative, Comparison). */
    private void operator(String name) {
        mv.visitFieldInsn(GETSTATIC, PKG + "VectorOperators", name, "L" + fieldType(name).getName().replace('.', '/') + ";");
    }

    static Class<?> fieldType(String name) {
        try {
            return Class.forName("jdk.incubator.vector.VectorOperators").getField(name).getType();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no VectorOperators." + name, e);
        }
    }
}
