package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.types.DType;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Kernel.Role;
import dev.txc.ir.kernel.SharedMath;
import java.util.function.IntConsumer;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Renders one {@link Kernel} as a static method {@code k<id>(Loop, lo, hi)} running rows lo..hi of the loop: the
 * loop nest the kernel text shows. Streamed operands' arrays and row strides are hoisted into locals, scalar
 * operands, literals and ops on them are computed once (sigmoids and softplus of x and -x share their exp:
 * {@link SharedMath}); a row whose streamed operands all have stride 1 runs the vector loop (when
 * the kernel has one and vectors are on) and a scalar tail, other rows a scalar loop stepping each operand by its
 * stride.
 */
final class KernelEmitter {
    /** A kernel and the id its method is named by. */
    record Spec(int id, Kernel kernel) {
        String methodName() {
            return "k" + id;
        }
    }

    static final String LOOP = "dev/txc/runtime/Loop";
    static final String DESC = "(L" + LOOP + ";II)V";

    private final Kernel k;
    private final MethodVisitor mv;
    private int next = 3;
    private final int n;
    private final int[] arr, stride, base;
    private final boolean[] streamed;
    private final ElementEmitter scalar;
    private final VectorEmitter vector;
    private final int species;
    /** For a reduction kernel: the row's double accumulator and the vector loop's accumulator; else -1. */
    private final int acc, accV;
    /** Kahan compensation of acc and of accV, and scratch doubles for the compensated add. */
    private final int comp, compV, y, t;
    /**
     * For a gated reduction: double[lanes] arrays holding the vector accumulator's lanes and compensations while the
     * scalar loop adds as the vector loop does ({@link #scalarLanes}); else -1.
     */
    private final int laneAcc, laneComp;

    /**
     * Rows shorter than this run the scalar loop even where the kernel has a vector loop ({@code -Dtxc.vector.minrow=N};
     * 2^14 elements by default), until the kernel's vector loop has been measured faster ({@code runtime.VectorWarmup},
     * elementwise kernels only). Until the JIT's optimizing compiler has compiled a vector loop, the Vector API runs it
     * as boxed Java code, tens of times slower than the scalar loop, and a short run of small calls (the README's 1000
     * steps over 400 samples) spent three quarters of its time there; long rows get the loop compiled within a call
     * or two. The choice is made once per call (the same for every row), and both loops of an elementwise kernel give
     * the same bits. The warm-up runs the vector loop beside the scalar calls, so that the compiled kernel has seen both
     * loops when it switches (a switch to a loop the compiled code had never run deoptimized it, and it stayed slow).
     */
    static long minRow = Long.getLong("txc.vector.minrow", 1L << 14);

    /**
     * Whether short rows take the scalar loop ({@link #minRow}) until the vector loop is warm: every kernel with a
     * vector loop. A reduction's scalar loop on unit-stride rows then adds as its vector loop does (per lane, then the
     * lanes: {@link #scalarLanes}), so a sum has the same bits whichever loop runs. Before reductions were gated, a
     * cross-entropy over 10 to 10,000 samples ran its vector loop as boxed Java code for seconds (the kernel is called
     * too rarely for the optimizing compiler to pick it up soon): 15 ms a step instead of 20 us.
     */
    private final boolean gated;

    private KernelEmitter(ClassWriter cw, Spec spec, boolean vectors) {
        this.k = SharedMath.apply(spec.kernel());
        this.mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, spec.methodName(), DESC, null, null);
        this.n = k.operands().size();
        this.arr = new int[n];
        this.stride = new int[n];
        this.base = new int[n];
        this.streamed = new boolean[n];
        this.scalar = new ElementEmitter(mv, k, this::take);
        this.species = vectors && k.vector() ? take(1) : -1;
        boolean reduce = k.reduction() != null;
        this.acc = reduce ? take(2) : -1;
        this.accV = reduce && species >= 0 ? take(1) : -1;
        this.comp = reduce ? take(2) : -1;
        this.compV = reduce && species >= 0 ? take(1) : -1;
        this.y = reduce ? take(2) : -1;
        this.t = reduce ? take(2) : -1;
        this.vector = species >= 0 ? new VectorEmitter(mv, k, this::take, species, accV, compV) : null;
        this.gated = vector != null && minRow > 0;
        this.laneAcc = gated && reduce ? take(1) : -1;
        this.laneComp = gated && reduce ? take(1) : -1;
    }

    static void emit(ClassWriter cw, Spec spec, boolean vectors) {
        new KernelEmitter(cw, spec, vectors).method();
    }

    private int take(int slots) {
        int s = next;
        next += slots;
        return s;
    }

    private void method() {
        mv.visitCode();
        long mask = 0, rowMask = 0;
        for (int o = 0; o < n; o++) {
            boolean out = k.operands().get(o).role() == Role.OUT;
            // A reduction's output is not touched by the loop: each row's sum goes to loop.partials.
            streamed[o] = out ? acc < 0 : !k.operands().get(o).scalar();
            if (streamed[o] && isRow(o)) rowMask |= 1L << o;
            else if (streamed[o]) mask |= 1L << o;
        }
        hoist();
        int unit = take(1), row = take(1), len = take(1), j = take(1), wide = gated ? take(1) : -1;
        // unit: every streamed operand steps by 1 along the row, every row operand by 0 (read once per row)
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(mask);
        mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "allUnit", "(J)Z", false);
        if (rowMask != 0) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitLdcInsn(rowMask);
            mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "allZero", "(J)Z", false);
            mv.visitInsn(IAND);
        }
        mv.visitVarInsn(ISTORE, unit);
        if (gated) {
            // wide = loop.vector, set by Loop.run once per call (long rows, or a vector loop found faster): the same
            // loop for every row of the call, the short last block of a long run included.
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, LOOP, "vector", "Z");
            mv.visitVarInsn(ISTORE, wide);
        }
        if (laneAcc >= 0) {
            newLanes(laneAcc);
            newLanes(laneComp);
        }
        mv.visitVarInsn(ILOAD, 1);
        mv.visitVarInsn(ISTORE, row);
        Label rowLoop = new Label(), end = new Label(), strided = new Label(), nextRow = new Label();
        mv.visitLabel(rowLoop);
        mv.visitVarInsn(ILOAD, row);
        mv.visitVarInsn(ILOAD, 2);
        mv.visitJumpInsn(IF_ICMPGE, end);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, row);
        mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "length", "(I)I", false);
        mv.visitVarInsn(ISTORE, len);
        for (int o = 0; o < n; o++) {
            if (!streamed[o]) continue;
            rowBase(o, row);
            mv.visitVarInsn(ISTORE, base[o]);
        }
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, j);
        if (acc >= 0) {
            mv.visitInsn(DCONST_0);
            mv.visitVarInsn(DSTORE, acc);
            mv.visitInsn(DCONST_0);
            mv.visitVarInsn(DSTORE, comp);
        }
        Label rowDone = acc >= 0 ? new Label() : nextRow;
        mv.visitVarInsn(ILOAD, unit);
        mv.visitJumpInsn(IFEQ, strided);
        if (vector != null) {
            Label cold = new Label(), tail = new Label();
            if (gated) {
                mv.visitVarInsn(ILOAD, wide);
                mv.visitJumpInsn(IFEQ, cold);
            }
            vectorLoop(j, len);
            if (laneAcc >= 0) mv.visitJumpInsn(GOTO, tail);
            mv.visitLabel(cold);
            if (laneAcc >= 0) {
                scalarLanes(j, len);
                mv.visitLabel(tail);
            }
        }
        scalarLoop(j, len, rowDone, true);
        mv.visitLabel(strided);
        scalarLoop(j, len, rowDone, false);
        if (acc >= 0) {
            mv.visitLabel(rowDone);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, LOOP, "partials", "[D");
            mv.visitVarInsn(ILOAD, row);
            mv.visitVarInsn(DLOAD, acc);
            mv.visitVarInsn(DLOAD, comp);
            mv.visitInsn(DSUB);
            mv.visitInsn(DASTORE);
        }
        mv.visitLabel(nextRow);
        mv.visitIincInsn(row, 1);
        mv.visitJumpInsn(GOTO, rowLoop);
        mv.visitLabel(end);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Arrays and strides of streamed operands; scalar operands' values (and their broadcasts) and literal vectors. */
    private void hoist() {
        if (species >= 0) VectorEmitter.loadSpecies(mv, k, species);
        for (int o = 0; o < n; o++) {
            if (acc >= 0 && k.operands().get(o).role() == Role.OUT) continue;
            loadArray(o);
            if (streamed[o]) {
                arr[o] = take(1);
                mv.visitVarInsn(ASTORE, arr[o]);
                stride[o] = take(1);
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, LOOP, "innerStride", "[I");
                FunctionEmitter.push(mv, o);
                mv.visitInsn(IALOAD);
                mv.visitVarInsn(ISTORE, stride[o]);
                base[o] = take(1);
                continue;
            }
            mv.visitVarInsn(ALOAD, 0);
            FunctionEmitter.push(mv, o);
            mv.visitInsn(ICONST_0);
            mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "base", "(II)I", false);
            DType t = k.operands().get(o).dtype();
            CType.arrayLoad(mv, t);
            int slot = take(CType.of(t).slots);
            mv.visitVarInsn(CType.of(t).store, slot);
            for (int id = 0; id < k.body().size(); id++)
                if (k.body().get(id) instanceof Instr.Load l && l.operand() == o) bindInvariant(id, slot, t);
        }
        boolean[] invariant = k.invariant();
        for (int k0 = 0; k0 < k.body().size(); k0++) {
            final int id = k0;
            switch (k.body().get(id)) {
                case Instr.Lit c -> {
                    if (vector != null && c.dtype() == k.vectorType()) vector.hoist(id, () -> CType.constant(mv, c.dtype(), c.f(), c.i()));
                }
                case Instr.Apply a when invariant[id] -> {
                    for (int arg : a.args()) scalar.push(arg);
                    ElementEmitter.op(mv, a, k.dtypeOf(a.args()));
                    int slot = take(CType.of(a.dtype()).slots);
                    mv.visitVarInsn(CType.of(a.dtype()).store, slot);
                    bindInvariant(id, slot, a.dtype());
                }
                default -> { }
            }
        }
    }

    /** Binds a loop-invariant value held in {@code slot}: the scalar loop reads the local, the vector loop its broadcast. */
    private void bindInvariant(int id, int slot, DType t) {
        scalar.bind(id, slot);
        if (vector != null && t == k.vectorType()) vector.hoist(id, () -> mv.visitVarInsn(CType.of(t).load, slot));
    }

    private void loadArray(int o) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, LOOP, "data", "[Ljava/lang/Object;");
        FunctionEmitter.push(mv, o);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, CType.arrayDesc(k.operands().get(o).dtype()));
    }

    private void rowBase(int o, int row) {
        mv.visitVarInsn(ALOAD, 0);
        FunctionEmitter.push(mv, o);
        mv.visitVarInsn(ILOAD, row);
        mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "base", "(II)I", false);
    }

    /** for (; j < species.loopBound(len); j += species.length()) one vector step; leaves j at the tail's start. */
    private void vectorLoop(int j, int len) {
        int bound = take(1), step = take(1);
        mv.visitVarInsn(ALOAD, species);
        mv.visitVarInsn(ILOAD, len);
        mv.visitMethodInsn(INVOKEINTERFACE, "jdk/incubator/vector/VectorSpecies", "loopBound", "(I)I", true);
        mv.visitVarInsn(ISTORE, bound);
        mv.visitVarInsn(ALOAD, species);
        mv.visitMethodInsn(INVOKEINTERFACE, "jdk/incubator/vector/VectorSpecies", "length", "()I", true);
        mv.visitVarInsn(ISTORE, step);
        vector.broadcastHoisted();
        int[] tail = acc < 0 ? overlappedTail(len, bound, step) : null;
        if (accV >= 0) {
            mv.visitVarInsn(ALOAD, species);
            mv.visitMethodInsn(INVOKESTATIC, "jdk/incubator/vector/DoubleVector", "zero", "(" + VectorEmitter.SPECIES + ")Ljdk/incubator/vector/DoubleVector;", false);
            mv.visitVarInsn(ASTORE, accV);
            mv.visitVarInsn(ALOAD, species);
            mv.visitMethodInsn(INVOKESTATIC, "jdk/incubator/vector/DoubleVector", "zero", "(" + VectorEmitter.SPECIES + ")Ljdk/incubator/vector/DoubleVector;", false);
            mv.visitVarInsn(ASTORE, compV);
        }
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, bound);
        mv.visitJumpInsn(IF_ICMPGE, done);
        vector.emit(o -> index(o, j, true), o -> {
            index(o, j, true);
            CType.arrayLoad(mv, k.operands().get(o).dtype());
        });
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, step);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, j);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        if (tail != null) storeTail(tail, j, len);
        if (accV >= 0) addLanes(step);
    }

    /**
     * The last vector of an elementwise row whose length is not a multiple of the vector's: computed at
     * {@code len - step}, before the vector loop, into locals (the returned array: the start, then one local per store),
     * when the row holds at least one vector and has a tail; else the start is -1. {@link #storeTail} stores it after
     * the loop, so no scalar tail runs (a row of 10 doubles cost 1.5x a row of 8 or 12 per element with one). The
     * elements it shares with the loop's last vector get the same bits twice, and they are computed from the inputs
     * before the loop writes anything: an update computed into its variable's buffer (which reads the element it
     * writes) stays right.
     */
    private int[] overlappedTail(int len, int bound, int step) {
        int[] tail = new int[1 + vector.stores()];
        for (int i = 0; i < tail.length; i++) tail[i] = take(1);
        for (int i = 1; i < tail.length; i++) {
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, tail[i]);
        }
        Label none = new Label();
        mv.visitInsn(ICONST_M1);
        mv.visitVarInsn(ISTORE, tail[0]);
        mv.visitVarInsn(ILOAD, len);
        mv.visitVarInsn(ILOAD, step);
        mv.visitJumpInsn(IF_ICMPLT, none);
        mv.visitVarInsn(ILOAD, bound);
        mv.visitVarInsn(ILOAD, len);
        mv.visitJumpInsn(IF_ICMPGE, none);
        mv.visitVarInsn(ILOAD, len);
        mv.visitVarInsn(ILOAD, step);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, tail[0]);
        vector.emit(o -> index(o, tail[0], true), o -> {
            index(o, tail[0], true);
            CType.arrayLoad(mv, k.operands().get(o).dtype());
        }, java.util.Arrays.copyOfRange(tail, 1, tail.length));
        mv.visitLabel(none);
        return tail;
    }

    /** Stores the vector {@link #overlappedTail} computed, if it did, and moves j to the row's end. */
    private void storeTail(int[] tail, int j, int len) {
        Label none = new Label();
        mv.visitVarInsn(ILOAD, tail[0]);
        mv.visitJumpInsn(IFLT, none);
        vector.storeDeferred(o -> index(o, tail[0], true), java.util.Arrays.copyOfRange(tail, 1, tail.length));
        mv.visitVarInsn(ILOAD, len);
        mv.visitVarInsn(ISTORE, j);
        mv.visitLabel(none);
    }

    /** Adds the vector accumulator's lanes into acc, as {@link #addLanes(int, IntConsumer, IntConsumer)} does. */
    private void addLanes(int step) {
        addLanes(step, i -> vectorLane(accV, i), i -> vectorLane(compV, i));
    }

    private void vectorLane(int vector, int i) {
        mv.visitVarInsn(ALOAD, vector);
        mv.visitVarInsn(ILOAD, i);
        mv.visitMethodInsn(INVOKEVIRTUAL, "jdk/incubator/vector/DoubleVector", "lane", "(I)D", false);
    }

    /**
     * Adds {@code count} lanes into acc in lane order (reduceLanes leaves the order open), each lane's sum and then its
     * negated compensation, by {@link #kahanAdd}; {@code sum} and {@code comp} push lane i's pair, i in an int local.
     */
    private void addLanes(int count, IntConsumer sum, IntConsumer comp) {
        int i = take(1);
        Label head = new Label(), done = new Label();
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, i);
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, i);
        mv.visitVarInsn(ILOAD, count);
        mv.visitJumpInsn(IF_ICMPGE, done);
        sum.accept(i);
        kahanAdd();
        comp.accept(i);
        mv.visitInsn(DNEG);
        kahanAdd();
        mv.visitIincInsn(i, 1);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
    }

    /** local = new double[species.length()] */
    private void newLanes(int local) {
        mv.visitVarInsn(ALOAD, species);
        mv.visitMethodInsn(INVOKEINTERFACE, "jdk/incubator/vector/VectorSpecies", "length", "()I", true);
        mv.visitIntInsn(NEWARRAY, T_DOUBLE);
        mv.visitVarInsn(ASTORE, local);
    }

    /**
     * A reduction's unit-stride row on the scalar loop, adding as {@link #vectorLoop} does so that both give the same
     * bits: element j < species.loopBound(len) into lane j % lanes (each lane compensated), then the lanes into acc by
     * {@link #addLanes}' order; leaves j at the tail's start. acc and comp (zero until the lanes are added) carry the
     * current lane's pair through the element's compensated add.
     */
    private void scalarLanes(int j, int len) {
        int bound = take(1), lanes = take(1), i = take(1);
        mv.visitVarInsn(ALOAD, species);
        mv.visitVarInsn(ILOAD, len);
        mv.visitMethodInsn(INVOKEINTERFACE, "jdk/incubator/vector/VectorSpecies", "loopBound", "(I)I", true);
        mv.visitVarInsn(ISTORE, bound);
        mv.visitVarInsn(ALOAD, laneAcc);
        mv.visitInsn(ARRAYLENGTH);
        mv.visitVarInsn(ISTORE, lanes);
        for (int a : new int[] {laneAcc, laneComp}) {
            mv.visitVarInsn(ALOAD, a);
            mv.visitInsn(DCONST_0);
            mv.visitMethodInsn(INVOKESTATIC, "java/util/Arrays", "fill", "([DD)V", false);
        }
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, i);
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, bound);
        mv.visitJumpInsn(IF_ICMPGE, done);
        lane(laneAcc, i, DALOAD, acc);
        lane(laneComp, i, DALOAD, comp);
        element(j, true);
        lane(laneAcc, i, DASTORE, acc);
        lane(laneComp, i, DASTORE, comp);
        mv.visitIincInsn(j, 1);
        mv.visitIincInsn(i, 1);
        mv.visitVarInsn(ILOAD, i);
        mv.visitVarInsn(ILOAD, lanes);
        mv.visitJumpInsn(IF_ICMPLT, head);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, i);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        mv.visitInsn(DCONST_0);
        mv.visitVarInsn(DSTORE, acc);
        mv.visitInsn(DCONST_0);
        mv.visitVarInsn(DSTORE, comp);
        addLanes(lanes, l -> arrayLane(laneAcc, l), l -> arrayLane(laneComp, l));
    }

    private void arrayLane(int array, int i) {
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, i);
        mv.visitInsn(DALOAD);
    }

    /** lanes[i] to or from the double local {@code local} ({@code op} DALOAD or DASTORE). */
    private void lane(int lanes, int i, int op, int local) {
        mv.visitVarInsn(ALOAD, lanes);
        mv.visitVarInsn(ILOAD, i);
        if (op == DALOAD) {
            mv.visitInsn(DALOAD);
            mv.visitVarInsn(DSTORE, local);
        } else {
            mv.visitVarInsn(DLOAD, local);
            mv.visitInsn(DASTORE);
        }
    }

    /** for (; j < len; j++) one element, indexing base + j (unit) or a base advanced by the stride (strided). */
    private void scalarLoop(int j, int len, Label exit, boolean unit) {
        Label head = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, len);
        mv.visitJumpInsn(IF_ICMPGE, exit);
        element(j, unit);
        if (!unit) {
            for (int o = 0; o < n; o++) {
                if (!streamed[o]) continue;
                mv.visitVarInsn(ILOAD, base[o]);
                mv.visitVarInsn(ILOAD, stride[o]);
                mv.visitInsn(IADD);
                mv.visitVarInsn(ISTORE, base[o]);
            }
        }
        mv.visitIincInsn(j, 1);
        mv.visitJumpInsn(GOTO, head);
    }

    /** Element j of the row: its stores, or for a reduction its compensated add into acc. */
    private void element(int j, boolean unit) {
        scalar.emit(new ElementEmitter.Access() {
            @Override
            public void load(int o) {
                index(o, j, unit);
                CType.arrayLoad(mv, k.operands().get(o).dtype());
            }

            @Override
            public void beforeStore(int o) {
                if (acc < 0) index(o, j, unit);
            }

            @Override
            public void store(int o) {
                DType t = k.operands().get(o).dtype();
                if (acc < 0) {
                    CType.arrayStore(mv, t);
                    return;
                }
                if (t == DType.F32) mv.visitInsn(F2D);
                kahanAdd();
            }
        });
    }

    /**
     * Kahan's compensated acc += x for the double x on the stack: y = x - comp; t = acc + y; comp = (t - acc) - y (0 where
     * that is NaN: an infinite t); acc = t. A NaN x still makes acc NaN.
     */
    private void kahanAdd() {
        mv.visitVarInsn(DLOAD, comp);
        mv.visitInsn(DSUB);
        mv.visitVarInsn(DSTORE, y);
        mv.visitVarInsn(DLOAD, acc);
        mv.visitVarInsn(DLOAD, y);
        mv.visitInsn(DADD);
        mv.visitVarInsn(DSTORE, t);
        mv.visitVarInsn(DLOAD, t);
        mv.visitVarInsn(DLOAD, acc);
        mv.visitInsn(DSUB);
        mv.visitVarInsn(DLOAD, y);
        mv.visitInsn(DSUB);
        // An infinite sum has no rounding error to carry: its compensation (inf - inf = NaN) is dropped.
        Label keep = new Label();
        mv.visitInsn(DUP2);
        mv.visitInsn(DUP2);
        mv.visitInsn(DCMPL);
        mv.visitJumpInsn(IFEQ, keep);
        mv.visitInsn(POP2);
        mv.visitInsn(DCONST_0);
        mv.visitLabel(keep);
        mv.visitVarInsn(DSTORE, comp);
        mv.visitVarInsn(DLOAD, t);
        mv.visitVarInsn(DSTORE, acc);
    }

    /** Whether input o is a row operand: on unit rows, read at its row's base (it steps by 0 along the row). */
    private boolean isRow(int o) {
        return k.operands().get(o).row();
    }

    /** Pushes operand o's array and the index of element j: base + j on unit rows (base for a row operand), else base. */
    private void index(int o, int j, boolean unit) {
        mv.visitVarInsn(ALOAD, arr[o]);
        mv.visitVarInsn(ILOAD, base[o]);
        if (unit && !isRow(o)) {
            mv.visitVarInsn(ILOAD, j);
            mv.visitInsn(IADD);
        }
    }
}
