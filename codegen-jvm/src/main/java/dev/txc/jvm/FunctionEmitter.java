package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.ir.Attrs;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Lowering;
import dev.txc.ir.kernel.BufferReuse;
import dev.txc.runtime.ReduceOp;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits the class of one function: a constructor taking the constant pool, {@code call(args, shared, targets)} running
 * the schedule (runtime kernels for reductions, matmul and views; generated loops for elementwise nodes;
 * bytecode loops for scan), and the elementwise kernels with their dispatch method.
 */
final class FunctionEmitter {
    static final String ND = "dev/txc/runtime/NDArray";
    static final String ND_DESC = "L" + ND + ";";
    static final String OPS = "dev/txc/runtime/JvmOps";
    private static final String CALL_DESC = "([" + ND_DESC + "[" + ND_DESC + "[" + ND_DESC + ")[" + ND_DESC;

    private final String className;
    private final ClassWriter cw;
    private final List<Object> pool = new ArrayList<>();
    private final Map<Object, Integer> poolIndex = new HashMap<>();
    private final List<KernelEmitter.Spec> kernels = new ArrayList<>();
    /** Whether kernels get vector loops (the Vector API is in this JVM and the class will run in one that has it). */
    private final boolean vectors;
    /** Kernel ids by structure: nodes computing the same thing on operands of the same dtypes share one method. */
    private final Map<Kernel, Integer> kernelIds = new HashMap<>();
    /** Function-body values by their index in the frame array (an Object[]), which carries them from one part method to the next. */
    private final Map<Node, Integer> frame = new HashMap<>();
    private int parts;
    private int partWeight;
    /** For each function-body value that is not a result, the last node using it: its frame slot is cleared there. */
    private final Map<Node, Node> lastUse = new HashMap<>();
    private final Deque<Map<Node, Integer>> slots = new ArrayDeque<>();
    private final Schedule schedule = new Schedule();
    private final List<String> sharedNames;
    /** Update values computed into the buffer of the shared variable they replace, by the variable's index. */
    private Map<Node, Integer> inPlace = Map.of();
    private MethodVisitor mv;
    private int next;
    /** The function being emitted (its parameters bind the dim variables). */
    private Function fn;
    /** Whether each top-level node that does work reports its time to runtime.Profile ({@code -Dtxc.profile=true}). */
    private final boolean profile = dev.txc.runtime.Profile.enabled();
    /** For profile labels: value names as the IR text prints them and kernel names as the lowered text does. */
    private Map<Node, String> valueNames = Map.of(), kernelNames = Map.of();
    /** Slots of the frame array in use: the parameters, the call's {@link dev.txc.runtime.Workspace}, then values. */
    private int frameSlots;
    /** The frame slot of the call's workspace. */
    private int wsSlot;
    /** Kernel call sites and operand arrays of the workspace so far. */
    private int sites, wsArrays;
    /** Top-level values whose buffer a call may keep for the next: no result, update or view of one can reach it. */
    private java.util.Set<Node> privateValues = java.util.Set.of();
    static final String WS = "dev/txc/runtime/Workspace";
    static final String WS_POOL = WS + "$Pool";

    private FunctionEmitter(String className, List<String> sharedNames, boolean vectors) {
        this.vectors = vectors;
        this.className = className;
        this.sharedNames = sharedNames;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
    }

    /** The class bytes and the constant pool its constructor takes. */
    record Output(byte[] bytes, Object[] pool) {}

    static Output emit(Function f, String className, List<String> sharedNames, boolean vectors) {
        var e = new FunctionEmitter(className, sharedNames, vectors);
        e.cw.visit(V21, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, className, null, "java/lang/Object",
                new String[] {"dev/txc/runtime/CompiledFunction"});
        e.cw.visitField(ACC_PRIVATE | ACC_FINAL, "pool", "[Ljava/lang/Object;", null, null).visitEnd();
        e.cw.visitField(ACC_PRIVATE | ACC_FINAL, "workspaces", "L" + WS_POOL + ";", null, null).visitEnd();
        e.call(f);
        e.constructor();
        for (var k : e.kernels) KernelEmitter.emit(e.cw, k, e.vectors);
        e.dispatch();
        e.cw.visitEnd();
        return new Output(e.cw.toByteArray(), e.pool.toArray());
    }

    private void constructor() {
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC, "<init>", "([Ljava/lang/Object;)V", null, null);
        m.visitCode();
        m.visitVarInsn(ALOAD, 0);
        m.visitMethodInsn(INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ALOAD, 1);
        m.visitFieldInsn(PUTFIELD, className, "pool", "[Ljava/lang/Object;");
        m.visitVarInsn(ALOAD, 0);
        m.visitTypeInsn(NEW, WS_POOL);
        m.visitInsn(DUP);
        push(m, sites);
        push(m, wsArrays);
        m.visitMethodInsn(INVOKESPECIAL, WS_POOL, "<init>", "(II)V", false);
        m.visitFieldInsn(PUTFIELD, className, "workspaces", "L" + WS_POOL + ";");
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** Kernels per dispatch method: each tableswitch case takes a few bytes, so 1024 stay far below 64 KB. */
    private static final int DISPATCH_BLOCK = 1024;

    /** {@code kernel(id, loop, lo, hi)}: a switch on id / 1024 calls {@code dispatch<b>}, which switches on the id. */
    private void dispatch() {
        int blocks = (kernels.size() + DISPATCH_BLOCK - 1) / DISPATCH_BLOCK;
        switchTo("kernel", ACC_PUBLIC, blocks, true, b -> "dispatch" + b);
        for (int b = 0; b < blocks; b++) {
            int first = b * DISPATCH_BLOCK, n = Math.min(DISPATCH_BLOCK, kernels.size() - first);
            switchTo("dispatch" + b, ACC_PRIVATE, n, false, k -> kernels.get(first + k).methodName());
        }
    }

    /** A method of (id, loop, lo, hi) calling target(case) for case in [0, cases): case = id / 1024 or id % 1024. */
    private void switchTo(String name, int access, int cases, boolean byBlock, java.util.function.IntFunction<String> target) {
        MethodVisitor m = cw.visitMethod(access, name, "(IL" + KernelEmitter.LOOP + ";II)V", null, null);
        m.visitCode();
        if (cases > 0) {
            Label dflt = new Label();
            Label[] labels = new Label[cases];
            for (int k = 0; k < cases; k++) labels[k] = new Label();
            m.visitVarInsn(ILOAD, 1);
            push(m, DISPATCH_BLOCK);
            m.visitInsn(byBlock ? IDIV : IREM);
            m.visitTableSwitchInsn(0, cases - 1, dflt, labels);
            for (int k = 0; k < cases; k++) {
                m.visitLabel(labels[k]);
                if (byBlock) {
                    m.visitVarInsn(ALOAD, 0);
                    m.visitVarInsn(ILOAD, 1);
                }
                m.visitVarInsn(ALOAD, 2);
                m.visitVarInsn(ILOAD, 3);
                m.visitVarInsn(ILOAD, 4);
                if (byBlock) m.visitMethodInsn(INVOKEVIRTUAL, className, target.apply(k), "(IL" + KernelEmitter.LOOP + ";II)V", false);
                else m.visitMethodInsn(INVOKESTATIC, className, target.apply(k), KernelEmitter.DESC, false);
                m.visitInsn(RETURN);
            }
            m.visitLabel(dflt);
        }
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    // ---- call ----

    /** Local of the frame array in {@code call} and in every part method. */
    private static final int FRAME = 4;

    /** Code emitted into one part method before the next begins, in (nodes + operands): well below the 64 KB limit. */
    static final int PART_WEIGHT = 1500;

    private static final String PART_DESC = "([" + ND_DESC + "[" + ND_DESC + "[" + ND_DESC + "[Ljava/lang/Object;)V";

    /**
     * {@code call} stores the arguments in a frame array and runs the schedule split over part methods
     * {@code part0(args, shared, targets, frame)}, ..., so that no method outgrows the JVM's 64 KB limit however long
     * the function; values cross parts through the frame.
     */
    private void call(Function f) {
        fn = f;
        if (profile) {
            valueNames = dev.txc.ir.IrText.valueNames(f);
            kernelNames = dev.txc.ir.kernel.LoweredText.kernelNames(dev.txc.ir.kernel.Lowering.kernels(f));
        }
        for (Node p : f.params()) frame.put(p, frame.size());
        wsSlot = frame.size();
        frameSlots = wsSlot + 1;
        var roots = new ArrayList<Node>();
        f.outputs().forEach(o -> roots.add(o.value()));
        f.updates().forEach(u -> roots.add(u.value()));
        List<Node> order = schedule.block(roots, -1, new LinkedHashSet<>());
        var reuse = BufferReuse.of(f, order);
        var aliases = reuse.stateAliases();
        inPlace = new HashMap<>();
        reuse.targets().forEach((n, shared) -> inPlace.put(n, sharedNames.indexOf(shared)));
        // Output k may be computed into targets[shared + k], a buffer the caller hands over (CompiledFunction.callInto).
        for (int k = 0; k < f.outputs().size(); k++) {
            Node out = f.outputs().get(k).value();
            if (!out.tt().isScalar()) inPlace.putIfAbsent(out, sharedNames.size() + k);
        }
        for (Node n : order) for (Node d : schedule.deps(n)) lastUse.put(d, n);
        roots.forEach(lastUse::remove);
        privateValues = privateValues(order, roots);
        slots.push(new HashMap<>());
        beginPart();
        block(order);
        endPart();
        mv = cw.visitMethod(ACC_PUBLIC, "call", CALL_DESC, null, null);
        mv.visitCode();
        push(mv, frameSlots);
        mv.visitTypeInsn(ANEWARRAY, "java/lang/Object");
        mv.visitVarInsn(ASTORE, FRAME);
        // A function without kernel sites at its top level (a scalar one, computed in locals) needs no workspace.
        boolean workspace = sites + wsArrays > 0;
        if (workspace) {
            mv.visitVarInsn(ALOAD, FRAME);
            push(mv, wsSlot);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, className, "workspaces", "L" + WS_POOL + ";");
            mv.visitMethodInsn(INVOKEVIRTUAL, WS_POOL, "acquire", "()L" + WS + ";", false);
            mv.visitInsn(AASTORE);
        }
        for (int k = 0; k < f.params().size(); k++) {
            mv.visitVarInsn(ALOAD, FRAME);
            push(mv, k);
            mv.visitVarInsn(ALOAD, 1);
            push(mv, k);
            mv.visitInsn(AALOAD);
            mv.visitInsn(AASTORE);
        }
        for (int i = 0; i < parts; i++) {
            for (int l = 0; l <= FRAME; l++) mv.visitVarInsn(ALOAD, l);
            mv.visitMethodInsn(INVOKEVIRTUAL, className, "part" + i, PART_DESC, false);
        }
        push(mv, roots.size());
        mv.visitTypeInsn(ANEWARRAY, ND);
        for (int k = 0; k < roots.size(); k++) {
            mv.visitInsn(DUP);
            push(mv, k);
            Node r = roots.get(k);
            load(r);
            // A result that views a shared variable is copied, so no caller or other variable shares state buffers.
            boolean identity = k >= f.outputs().size() && r.op() == Op.SHARED && r.attrs().str("name").equals(f.updates().get(k - f.outputs().size()).shared());
            if (aliases.contains(r) && !identity) mv.visitMethodInsn(INVOKEVIRTUAL, ND, "copy", "()" + ND_DESC, false);
            mv.visitInsn(AASTORE);
        }
        // The workspace goes back only after a normal return: a call that throws drops it.
        if (workspace) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, className, "workspaces", "L" + WS_POOL + ";");
            loadWorkspace();
            mv.visitMethodInsn(INVOKEVIRTUAL, WS_POOL, "release", "(L" + WS + ";)V", false);
        }
        mv.visitInsn(ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void beginPart() {
        mv = cw.visitMethod(ACC_PUBLIC, "part" + parts++, PART_DESC, null, null);
        mv.visitCode();
        next = FRAME + 1;
        partWeight = 0;
    }

    private void endPart() {
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** The function body's block, starting a new part method when the current one has grown large. */
    private void block(List<Node> order) {
        boolean top = slots.size() == 1;
        for (Node n : order) {
            if (n.op() == Op.PARAM || n.op() == Op.REGION_PARAM || n.op() == Op.CONST) continue;
            if (top && partWeight >= PART_WEIGHT) {
                endPart();
                beginPart();
            }
            String label = top && profile ? profileLabel(n) : null;
            int t0 = label == null ? -1 : profileStart();
            node(n);
            if (label != null) profileRecord(n, label, t0);
            if (!top) continue;
            partWeight += weight(n);
            release(n);
        }
    }

    /** The profile's label of a top-level node that does work ("train %5 = @k1", "train %4 = call gemv.dot"), or null. */
    private String profileLabel(Node n) {
        String what = kernelNames.containsKey(n) ? "@" + kernelNames.get(n) : dev.txc.ir.kernel.Calls.of(n);
        if (what == null || what.startsWith("view")) return null;
        return fn.name() + " " + valueNames.get(n) + " = " + (kernelNames.containsKey(n) ? what : "call " + what);
    }

    /** Stores System.nanoTime() in a new long local, returned. */
    private int profileStart() {
        int t0 = next;
        next += 2;
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
        mv.visitVarInsn(LSTORE, t0);
        return t0;
    }

    /** Profile.record(label, t0, result, inputs) after node n (bound in the frame). */
    private void profileRecord(Node n, String label, int t0) {
        mv.visitLdcInsn(label);
        mv.visitVarInsn(LLOAD, t0);
        load(n);
        push(mv, n.inputs().size());
        mv.visitTypeInsn(ANEWARRAY, "java/lang/Object");
        for (int k = 0; k < n.inputs().size(); k++) {
            mv.visitInsn(DUP);
            push(mv, k);
            load(n.input(k));
            mv.visitInsn(AASTORE);
        }
        mv.visitMethodInsn(INVOKESTATIC, "dev/txc/runtime/Profile", "record", "(Ljava/lang/String;JLjava/lang/Object;[Ljava/lang/Object;)V", false);
    }

    /** Clears the frame slots of values last used by n, so that the frame keeps no dead array alive during the call. */
    private void release(Node n) {
        for (Node d : schedule.deps(n)) {
            Integer idx = frame.get(d);
            if (idx == null || lastUse.get(d) != n) continue;
            lastUse.remove(d);
            mv.visitVarInsn(ALOAD, FRAME);
            push(mv, idx);
            mv.visitInsn(ACONST_NULL);
            mv.visitInsn(AASTORE);
        }
    }

    /**
     * A rough measure of the code a node emits: its operands, plus its body for a scan (emitted inline) and for a fused
     * node (a rank-0 kernel is computed inline, in locals).
     */
    private int weight(Node n) {
        Region r = n.region();
        int w = 2 + n.inputs().size();
        if (r == null || (n.op() != Op.SCAN && n.op() != Op.FUSED)) return w;
        for (Node m : schedule.block(r.results(), r.level(), new LinkedHashSet<>()))
            w += n.op() == Op.SCAN ? 4 + weight(m) : 1;
        return w;
    }

    /** Stores the reference on the stack, bound to n: in the frame at function level, in a new local in scan bodies. */
    private void bindNew(Node n) {
        if (slots.size() == 1) {
            int idx = frameSlots++;
            frame.put(n, idx);
            mv.visitVarInsn(ALOAD, FRAME);
            mv.visitInsn(SWAP);
            push(mv, idx);
            mv.visitInsn(SWAP);
            mv.visitInsn(AASTORE);
            return;
        }
        int s = next++;
        mv.visitVarInsn(ASTORE, s);
        slots.peek().put(n, s);
    }

    private Integer slot(Node n) {
        for (var s : slots) {
            Integer v = s.get(n);
            if (v != null) return v;
        }
        return null;
    }

    /** Pushes n's NDArray: a constant from the pool, a scan body's local, or a function-level value from the frame. */
    private void load(Node n) {
        if (n.op() == Op.CONST) {
            poolLoad(n.constValue(), ND);
            return;
        }
        Integer s = slot(n);
        if (s != null) {
            mv.visitVarInsn(ALOAD, s);
            return;
        }
        Integer idx = frame.get(n);
        if (idx == null) throw new IllegalStateException("no value for " + n);
        mv.visitVarInsn(ALOAD, FRAME);
        push(mv, idx);
        mv.visitInsn(AALOAD);
        // Frame slots hold NDArrays, and the NDArray[] of a scan's results.
        mv.visitTypeInsn(CHECKCAST, n.type() instanceof dev.txc.types.TupleType ? "[" + ND_DESC : ND);
    }

    private void poolLoad(Object value, String type) {
        Object key = value instanceof int[] a ? java.util.Arrays.toString(a) + "I" : value instanceof DType[] d ? List.of(d) : value;
        Integer idx = poolIndex.get(key);
        if (idx == null) {
            idx = pool.size();
            pool.add(value instanceof dev.txc.ir.Tensor t ? Tensors.toNd(t) : value);
            poolIndex.put(key, idx);
        }
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, className, "pool", "[Ljava/lang/Object;");
        push(mv, idx);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, type);
    }

    private void ints(int[] v) {
        poolLoad(v, "[I");
    }

    private void opsCall(String name, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, OPS, name, desc, false);
    }

    private static String d(String args) {
        return "(" + args + ")" + ND_DESC;
    }

    private void node(Node n) {
        Attrs a = n.attrs();
        switch (n.op()) {
            case null -> throw new IllegalStateException("node without an op");
            case PARAM, REGION_PARAM, CONST -> throw new IllegalStateException("leaf emitted as a node");
            case SHARED -> {
                int idx = sharedNames.indexOf(a.str("name"));
                if (idx < 0) throw new IllegalStateException("unknown shared variable " + a.str("name"));
                mv.visitVarInsn(ALOAD, 2);
                push(mv, idx);
                mv.visitInsn(AALOAD);
            }
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE,
                 GT, GE, AND, OR, XOR, WHERE, CLIP, FUSED -> kernel(n);
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN -> {
                load(n.input(0));
                mv.visitFieldInsn(GETSTATIC, "dev/txc/runtime/ReduceOp", ReduceOp.valueOf(n.op().name()).name(), "Ldev/txc/runtime/ReduceOp;");
                ints(a.ints("axes"));
                push(mv, a.bool("keepdims") ? 1 : 0);
                opsCall("reduce", d(ND_DESC + "Ldev/txc/runtime/ReduceOp;[IZ"));
            }
            case LOGSUMEXP -> {
                load(n.input(0));
                ints(a.ints("axes"));
                push(mv, a.bool("keepdims") ? 1 : 0);
                opsCall("logsumexp", d(ND_DESC + "[IZ"));
            }
            case SOFTMAX, LOG_SOFTMAX -> {
                load(n.input(0));
                push(mv, a.integer("axis"));
                opsCall(n.op() == Op.SOFTMAX ? "softmax" : "logSoftmax", d(ND_DESC + "I"));
            }
            case ARG_MASK -> {
                load(n.input(0));
                ints(a.ints("axes"));
                push(mv, a.bool("max") ? 1 : 0);
                opsCall("argMask", d(ND_DESC + "[IZ"));
            }
            case MATMUL -> {
                if (slots.size() == 1 && privateValues.contains(n)) {
                    // a product no caller sees: the workspace keeps its buffer for the next call of the same shapes
                    for (Node in : n.inputs()) load(in);
                    loadWorkspace();
                    push(mv, sites++);
                    opsCall("matmulAt", d(ND_DESC + ND_DESC + "L" + WS + ";I"));
                } else {
                    inputsCall(n, "matmul");
                }
            }
            case DIAGONAL -> inputsCall(n, "diagonal");
            case DIAG_EMBED -> inputsCall(n, "diagEmbed");
            case ARANGE -> inputsCall(n, "arange");
            case SUM_TO -> inputsCall(n, "sumTo");
            case RESHAPE -> inputsCall(n, "reshape");
            case BROADCAST_TO -> inputsCall(n, "broadcastTo");
            case SHAPE -> inputsCall(n, "shape");
            case CONCAT -> {
                array(n.inputs());
                push(mv, a.integer("axis"));
                opsCall("concat", d("[" + ND_DESC + "I"));
            }
            case UNSLICE -> {
                load(n.input(0));
                load(n.input(1));
                sliceBounds(a);
                opsCall("unslice", d(ND_DESC + ND_DESC + "[I[I[I"));
            }
            case SLICE -> {
                load(n.input(0));
                sliceBounds(a);
                opsCall("slice", d(ND_DESC + "[I[I[I"));
            }
            case UNINDEX -> {
                for (Node in : n.inputs()) load(in);
                push(mv, a.integer("axis"));
                opsCall("unindex", d(ND_DESC + ND_DESC + ND_DESC + "I"));
            }
            case WINDOW, UNWINDOW -> {
                for (Node in : n.inputs()) load(in);
                push(mv, a.integer("axis"));
                opsCall(n.op() == Op.WINDOW ? "window" : "unwindow", d(ND_DESC + ND_DESC + ND_DESC + "I"));
            }
            case DYN_SLICE, DYN_UNSLICE -> {
                for (Node in : n.inputs()) load(in);
                push(mv, a.integer("axis"));
                mv.visitLdcInsn(a.lng("step"));
                opsCall(n.op() == Op.DYN_SLICE ? "dynSlice" : "dynUnslice", d(ND_DESC.repeat(n.inputs().size()) + "IJ"));
            }
            case INDEX -> {
                load(n.input(0));
                load(n.input(1));
                push(mv, a.integer("axis"));
                opsCall("index", d(ND_DESC + ND_DESC + "I"));
            }
            case TRANSPOSE -> {
                load(n.input(0));
                ints(a.ints("perm"));
                opsCall("transpose", d(ND_DESC + "[I"));
            }
            case EXPAND_DIMS, SQUEEZE -> {
                load(n.input(0));
                ints(a.ints("axes"));
                opsCall(n.op() == Op.EXPAND_DIMS ? "expandDims" : "squeeze", d(ND_DESC + "[I"));
            }
            case SCAN -> scan(n);
            case TUPLE_GET -> {
                load(n.input(0));
                push(mv, a.integer("index"));
                mv.visitInsn(AALOAD);
            }
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN ->
                throw new IllegalStateException(n.op().spelling() + " must be expanded by the grad pass before code generation");
        }
        bindNew(n);
    }

    private void inputsCall(Node n, String method) {
        for (Node in : n.inputs()) load(in);
        opsCall(method, d(ND_DESC.repeat(n.inputs().size())));
    }

    /** The nodes' arrays in an NDArray[]: at function level the workspace's (made once), in a scan body a new one. */
    private void operands(List<Node> nodes, boolean top) {
        if (!top) {
            array(nodes);
            return;
        }
        loadWorkspace();
        push(mv, wsArrays++);
        push(mv, nodes.size());
        mv.visitMethodInsn(INVOKEVIRTUAL, WS, "array", "(II)[" + ND_DESC, false);
        for (int k = 0; k < nodes.size(); k++) {
            mv.visitInsn(DUP);
            push(mv, k);
            load(nodes.get(k));
            mv.visitInsn(AASTORE);
        }
    }

    private void loadWorkspace() {
        mv.visitVarInsn(ALOAD, FRAME);
        push(mv, wsSlot);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, WS);
    }

    /**
     * The top-level values of {@code order} whose buffer no caller can see: not a result or update, and read only by
     * ops that compute a new array from it (elementwise and fused kernels, reductions, matmul), directly or through
     * views whose own readers are such ops. A call may keep such a buffer for the next call of the same shapes.
     */
    private java.util.Set<Node> privateValues(List<Node> order, List<Node> roots) {
        var users = new HashMap<Node, List<Node>>();
        for (Node n : order) for (Node d : schedule.deps(n)) users.computeIfAbsent(d, k -> new ArrayList<>()).add(n);
        var out = new java.util.HashSet<Node>();
        for (Node n : order) if (unseen(n, roots, users)) out.add(n);
        return out;
    }

    private static boolean unseen(Node n, List<Node> roots, Map<Node, List<Node>> users) {
        if (roots.contains(n)) return false;
        for (Node u : users.getOrDefault(n, List.of())) {
            boolean computes = switch (u.op().kind()) {
                case ELEMENTWISE -> true;
                case REDUCE -> java.util.EnumSet.of(Op.SUM, Op.PROD, Op.MAX, Op.MIN, Op.MEAN, Op.ANY, Op.ALL).contains(u.op());
                case KERNEL -> u.op() == Op.MATMUL;
                case CONTROL -> u.op() == Op.FUSED;
                case VIEW -> unseen(u, roots, users);
                case LEAF, DIFF -> false;
            };
            if (!computes) return false;
        }
        return true;
    }

    private void array(List<Node> nodes) {
        push(mv, nodes.size());
        mv.visitTypeInsn(ANEWARRAY, ND);
        for (int k = 0; k < nodes.size(); k++) {
            mv.visitInsn(DUP);
            push(mv, k);
            load(nodes.get(k));
            mv.visitInsn(AASTORE);
        }
    }

    /** Slice bounds as the runtime takes them: an absent bound is Integer.MIN_VALUE, others clamped to int. */
    private void sliceBounds(Attrs a) {
        for (String name : List.of("starts", "stops", "steps")) {
            int[] v = a.longs(name).stream().mapToInt(l -> l == Op.NONE ? Integer.MIN_VALUE
                    : (int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE - 1L, l))).toArray();
            ints(v);
        }
    }

    /**
     * An elementwise or fused node as its lowered kernel: prepares the loop over the kernel's inputs, runs it, leaves
     * the output; with a target (a shared variable's index) the output goes into that variable's buffer when it fits.
     * A kernel whose operands are all rank 0 is computed inline, in locals, without a loop.
     */
    private void kernel(Node n) {
        var low = Lowering.lower(n);
        Kernel kernel = low.kernel();
        Integer target = inPlace.get(n);
        if (target == null && low.shapes().isEmpty() && kernel.operands().stream().allMatch(Kernel.Operand::scalar)) {
            scalarKernel(low);
            return;
        }
        int id = kernelIds.computeIfAbsent(kernel, k -> {
            kernels.add(new KernelEmitter.Spec(kernels.size(), k));
            return kernels.size() - 1;
        });
        DType outType = kernel.operands().getFirst().dtype();
        boolean top = slots.size() == 1;
        if (kernel.reduction() != null) {
            reductionKernel(low, id, top);
            return;
        }
        operands(low.inputs(), top);
        if (target == null) poolLoad(new DType[] {outType}, "[Ldev/txc/types/DType;");
        else poolLoad(outType, "dev/txc/types/DType");
        if (low.shapes().isEmpty()) mv.visitInsn(ACONST_NULL);
        else operands(low.shapes(), top);
        if (target == null && top) {
            loadWorkspace();
            push(mv, sites++);
            push(mv, privateValues.contains(n) ? 1 : 0);
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepareAt", "([" + ND_DESC + "[Ldev/txc/types/DType;[" + ND_DESC + "L" + WS + ";IZ)L" + KernelEmitter.LOOP + ";", false);
        } else if (target == null) {
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepare", "([" + ND_DESC + "[Ldev/txc/types/DType;[" + ND_DESC + ")L" + KernelEmitter.LOOP + ";", false);
        } else if (top) {
            mv.visitVarInsn(ALOAD, 3);
            push(mv, target);
            loadWorkspace();
            push(mv, sites++);
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepareIntoAt", "([" + ND_DESC + "Ldev/txc/types/DType;[" + ND_DESC + "[" + ND_DESC + "IL" + WS + ";I)L" + KernelEmitter.LOOP + ";", false);
        } else {
            mv.visitVarInsn(ALOAD, 3);
            push(mv, target);
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepareInto", "([" + ND_DESC + "Ldev/txc/types/DType;[" + ND_DESC + "[" + ND_DESC + "I)L" + KernelEmitter.LOOP + ";", false);
        }
        runLoop(id, gate(kernel));
        mv.visitInsn(ICONST_0);
        mv.visitMethodInsn(INVOKEVIRTUAL, KernelEmitter.LOOP, "output", "(I)" + ND_DESC, false);
    }

    /** The row length from which a kernel's vector loop runs from the first call (-1: it has none). */
    private int gate(Kernel kernel) {
        return vectors && kernel.vector() ? (int) Math.min(KernelEmitter.minRow, Integer.MAX_VALUE) : -1;
    }

    /** Runs kernel {@code id} over the Loop on the stack, leaving the Loop on the stack; gate as {@link #gate}. */
    private void runLoop(int id, int gate) {
        int loop = next++;
        mv.visitVarInsn(ASTORE, loop);
        mv.visitVarInsn(ALOAD, loop);
        mv.visitVarInsn(ALOAD, 0);
        push(mv, id);
        push(mv, gate);
        mv.visitMethodInsn(INVOKEVIRTUAL, KernelEmitter.LOOP, "run", "(Ldev/txc/runtime/CompiledFunction;II)V", false);
        mv.visitVarInsn(ALOAD, loop);
    }

    /** A reduction kernel: its loop accumulates one partial per row, which Loop.reduced turns into the result. */
    private void reductionKernel(Lowering.Lowered low, int id, boolean top) {
        var red = low.kernel().reduction();
        operands(low.inputs(), top);
        if (low.shapes().isEmpty()) mv.visitInsn(ACONST_NULL);
        else operands(low.shapes(), top);
        push(mv, red.all() ? 1 : 0);
        if (top) {
            loadWorkspace();
            push(mv, sites++);
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepareReduceAt", "([" + ND_DESC + "[" + ND_DESC + "Z" + "L" + WS + ";I)L" + KernelEmitter.LOOP + ";", false);
        } else {
            mv.visitMethodInsn(INVOKESTATIC, KernelEmitter.LOOP, "prepareReduce", "([" + ND_DESC + "[" + ND_DESC + "Z)L" + KernelEmitter.LOOP + ";", false);
        }
        runLoop(id, gate(low.kernel()));
        poolLoad(low.kernel().operands().getFirst().dtype(), "dev/txc/types/DType");
        push(mv, red.all() ? 1 : 0);
        push(mv, red.mean() ? 1 : 0);
        push(mv, red.keepdims() ? 1 : 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, KernelEmitter.LOOP, "reduced", "(Ldev/txc/types/DType;ZZZ)" + ND_DESC, false);
    }

    /**
     * A kernel whose operands and result are all rank 0, computed in locals with the same scalar ops as a loop body
     * (so the same values), without preparing a Loop: the per-step cost of scalar recurrences.
     */
    private void scalarKernel(Lowering.Lowered low) {
        Kernel kernel = low.kernel();
        var element = new ElementEmitter(mv, kernel, slots -> {
            int s = next;
            next += slots;
            return s;
        });
        element.emit(new ElementEmitter.Access() {
            @Override
            public void load(int o) {
                FunctionEmitter.this.load(low.inputs().get(o - 1));
                CType t = CType.of(kernel.operands().get(o).dtype());
                opsCall("scalar" + t.name(), "(" + ND_DESC + ")" + t.desc);
            }

            @Override
            public void beforeStore(int o) { }

            @Override
            public void store(int o) {
                DType d = kernel.operands().get(o).dtype();
                CType t = CType.of(d);
                poolLoad(d, "dev/txc/types/DType");
                opsCall("box" + t.name(), "(" + t.desc + "Ldev/txc/types/DType;)" + ND_DESC);
            }
        });
    }

    // ---- scan ----

    private void scan(Node n) {
        Region r = n.region();
        int nseq = n.attrs().integer("nseq"), ncarry = n.inputs().size() - nseq, nres = r.results().size();
        array(n.inputs().subList(0, nseq));
        opsCall("scanLength", "([" + ND_DESC + ")I");
        int steps = next++;
        mv.visitVarInsn(ISTORE, steps);
        int[] carry = new int[ncarry], parts = new int[nres];
        for (int k = 0; k < ncarry; k++) {
            load(n.input(nseq + k));
            carry[k] = next++;
            mv.visitVarInsn(ASTORE, carry[k]);
        }
        var last = Ir.lastCarries(n);
        for (int k = 0; k < nres; k++) {
            if (last.contains((long) k)) continue;
            mv.visitInsn(ACONST_NULL);
            parts[k] = next++;
            mv.visitVarInsn(ASTORE, parts[k]);
        }
        int t = next++;
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, t);
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, t);
        mv.visitVarInsn(ILOAD, steps);
        mv.visitJumpInsn(IF_ICMPGE, done);
        slots.push(new HashMap<>());
        var order = schedule.block(r.results(), r.level(), new LinkedHashSet<>());
        for (int k = 0; k < nseq; k++) {
            load(n.input(k));
            mv.visitVarInsn(ILOAD, t);
            opsCall("step", "(" + ND_DESC + "I)" + ND_DESC);
            bindNew(r.params().get(k));
        }
        for (int k = 0; k < ncarry; k++) slots.peek().put(r.params().get(nseq + k), carry[k]);
        block(order);
        var types = ((dev.txc.types.TupleType) n.type()).elements();
        int every = Ir.every(n);
        Label skipCarries = new Label();
        for (int k = 0; k < nres; k++) {
            if (last.contains((long) k)) continue;
            if (k < ncarry && every > 1) {
                stackCarry(parts[k], r.results().get(k), t, steps, every, types.get(k).tensor().dtype(), skipCarries);
                continue;
            }
            if (k == ncarry && every > 1) mv.visitLabel(skipCarries);
            mv.visitVarInsn(ALOAD, parts[k]);
            load(r.results().get(k));
            mv.visitVarInsn(ILOAD, t);
            mv.visitVarInsn(ILOAD, steps);
            poolLoad(types.get(k).tensor().dtype(), "dev/txc/types/DType");
            opsCall("stackPut", "(" + ND_DESC + ND_DESC + "IILdev/txc/types/DType;)" + ND_DESC);
            mv.visitVarInsn(ASTORE, parts[k]);
        }
        if (every > 1 && nres == ncarry) mv.visitLabel(skipCarries);
        // New carries are read before any is overwritten: results may be other carries. Each keeps its initial shape.
        for (int k = 0; k < ncarry; k++) {
            load(n.input(nseq + k));
            load(r.results().get(k));
            push(mv, k);
            mv.visitVarInsn(ILOAD, t);
            opsCall("carry", "(" + ND_DESC + ND_DESC + "II)" + ND_DESC);
        }
        for (int k = ncarry - 1; k >= 0; k--) mv.visitVarInsn(ASTORE, carry[k]);
        slots.pop();
        mv.visitIincInsn(t, 1);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        push(mv, nres);
        mv.visitTypeInsn(ANEWARRAY, ND);
        for (int k = 0; k < nres; k++) {
            mv.visitInsn(DUP);
            push(mv, k);
            if (last.contains((long) k)) {
                mv.visitVarInsn(ALOAD, carry[k]);
                mv.visitInsn(AASTORE);
                continue;
            }
            mv.visitVarInsn(ALOAD, parts[k]);
            TensorType tt = types.get(k).tensor();
            poolLoad(tt.dtype(), "dev/txc/types/DType");
            if (k < ncarry) {
                load(n.input(nseq + k));
                mv.visitMethodInsn(INVOKEVIRTUAL, ND, "shape", "()[I", false);
            } else pushInner(tt.dims().subList(1, tt.rank()));
            opsCall("stackDone", "(" + ND_DESC + "Ldev/txc/types/DType;[I)" + ND_DESC);
            mv.visitInsn(AASTORE);
        }
    }

    /**
     * Pushes the sizes of {@code dims} as an int[] (known sizes, dim variables read from the argument they are bound
     * by), or null when some size is known only at run time: the inner shape of a scan's empty stack.
     */
    private void pushInner(List<Dim> dims) {
        int[][] from = new int[dims.size()][];
        for (int d = 0; d < dims.size(); d++) {
            from[d] = switch (dims.get(d)) {
                case Dim.Known(long size) -> new int[] {-1, (int) size};
                case Dim.Sym(String name) -> boundBy(name);
                case Dim.Any() -> null;
            };
            if (from[d] == null) {
                mv.visitInsn(ACONST_NULL);
                return;
            }
        }
        push(mv, dims.size());
        mv.visitIntInsn(NEWARRAY, T_INT);
        for (int d = 0; d < dims.size(); d++) {
            mv.visitInsn(DUP);
            push(mv, d);
            if (from[d][0] < 0) push(mv, from[d][1]);
            else {
                mv.visitVarInsn(ALOAD, 1);
                push(mv, from[d][0]);
                mv.visitInsn(AALOAD);
                push(mv, from[d][1]);
                mv.visitMethodInsn(INVOKEVIRTUAL, ND, "dim", "(I)I", false);
            }
            mv.visitInsn(IASTORE);
        }
    }

    /** The parameter index and axis that bind dim variable {@code name}, or null. */
    private int[] boundBy(String name) {
        for (int k = 0; k < fn.params().size(); k++) {
            TensorType t = fn.params().get(k).tt();
            for (int d = 0; d < t.rank(); d++) if (t.dim(d) instanceof Dim.Sym(String s) && s.equals(name)) return new int[] {k, d};
        }
        return null;
    }

    /**
     * For a scan with attribute {@code every} (K): jumps to {@code skip} unless (t + 1) % K == 0, then writes the carry
     * into row t / K of a stack of steps / K rows. {@code skip} is placed after the last carry by the caller.
     */
    private void stackCarry(int part, Node result, int t, int steps, int every, DType dtype, Label skip) {
        mv.visitVarInsn(ILOAD, t);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        push(mv, every);
        mv.visitInsn(IREM);
        mv.visitJumpInsn(IFNE, skip);
        mv.visitVarInsn(ALOAD, part);
        load(result);
        mv.visitVarInsn(ILOAD, t);
        push(mv, every);
        mv.visitInsn(IDIV);
        mv.visitVarInsn(ILOAD, steps);
        push(mv, every);
        mv.visitInsn(IDIV);
        poolLoad(dtype, "dev/txc/types/DType");
        opsCall("stackPut", "(" + ND_DESC + ND_DESC + "IILdev/txc/types/DType;)" + ND_DESC);
        mv.visitVarInsn(ASTORE, part);
    }

    /** Pushes an int constant with the shortest instruction. */
    static void push(MethodVisitor mv, int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }
}
