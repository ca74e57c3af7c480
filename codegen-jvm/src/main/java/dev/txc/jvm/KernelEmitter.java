package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.ir.Node;
import dev.txc.ir.Op;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Emits one elementwise kernel as a static method {@code k<id>(Loop, lo, hi)}: for each row of the loop, one
 * inner loop over primitive arrays computing every body node into locals and storing the outputs. A unit-stride
 * copy of the inner loop (which C2 can vectorize) runs when every streamed operand is contiguous along the row;
 * rank-0 inputs are read once before the loops; scalar constants are inlined.
 */
final class KernelEmitter {
    /**
     * A kernel: {@code inputs} are the NDArray operands (after the outputs in the loop's operand order), {@code body}
     * the elementwise nodes in dependency order, {@code outputs} the body nodes stored to fresh arrays.
     */
    record Spec(int id, List<Node> inputs, List<Node> body, List<Node> outputs) {
        String methodName() {
            return "k" + id;
        }
    }

    static final String LOOP = "dev/txc/runtime/Loop";
    static final String DESC = "(L" + LOOP + ";II)V";

    private final Spec spec;
    private final MethodVisitor mv;
    private int next = 3;
    private final int operands;
    private final int[] arr, stride, base;
    private final boolean[] hoisted;
    private final Map<Node, Integer> values = new HashMap<>();

    private KernelEmitter(ClassWriter cw, Spec spec) {
        this.spec = spec;
        this.mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC, spec.methodName(), DESC, null, null);
        this.operands = spec.outputs().size() + spec.inputs().size();
        this.arr = new int[operands];
        this.stride = new int[operands];
        this.base = new int[operands];
        this.hoisted = new boolean[operands];
    }

    static void emit(ClassWriter cw, Spec spec) {
        new KernelEmitter(cw, spec).method();
    }

    private Node operand(int k) {
        int nOut = spec.outputs().size();
        return k < nOut ? spec.outputs().get(k) : spec.inputs().get(k - nOut);
    }

    private int local(CType t) {
        int s = next;
        next += t.slots;
        return s;
    }

    private void method() {
        mv.visitCode();
        int nOut = spec.outputs().size();
        long streamed = 0;
        for (int k = 0; k < operands; k++) {
            Node n = operand(k);
            hoisted[k] = k >= nOut && n.tt().isScalar();
            loadArray(k);
            if (hoisted[k]) {
                mv.visitVarInsn(ALOAD, 0);
                FunctionEmitter.push(mv, k);
                mv.visitInsn(ICONST_0);
                mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "base", "(II)I", false);
                CType.arrayLoad(mv, n.dtype());
                int v = local(CType.of(n.dtype()));
                mv.visitVarInsn(CType.of(n.dtype()).store, v);
                values.put(n, v);
                continue;
            }
            streamed |= 1L << k;
            arr[k] = next++;
            mv.visitVarInsn(ASTORE, arr[k]);
            stride[k] = next++;
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, LOOP, "innerStride", "[I");
            FunctionEmitter.push(mv, k);
            mv.visitInsn(IALOAD);
            mv.visitVarInsn(ISTORE, stride[k]);
            base[k] = next++;
        }
        int unit = next++, row = next++, len = next++, j = next++;
        mv.visitVarInsn(ALOAD, 0);
        mv.visitLdcInsn(streamed);
        mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "allUnit", "(J)Z", false);
        mv.visitVarInsn(ISTORE, unit);
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
        for (int k = 0; k < operands; k++) {
            if (hoisted[k]) continue;
            mv.visitVarInsn(ALOAD, 0);
            FunctionEmitter.push(mv, k);
            mv.visitVarInsn(ILOAD, row);
            mv.visitMethodInsn(INVOKEVIRTUAL, LOOP, "base", "(II)I", false);
            mv.visitVarInsn(ISTORE, base[k]);
        }
        mv.visitVarInsn(ILOAD, unit);
        mv.visitJumpInsn(IFEQ, strided);
        innerLoop(j, len, nextRow, true);
        mv.visitLabel(strided);
        innerLoop(j, len, nextRow, false);
        mv.visitLabel(nextRow);
        mv.visitIincInsn(row, 1);
        mv.visitJumpInsn(GOTO, rowLoop);
        mv.visitLabel(end);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void loadArray(int k) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, LOOP, "data", "[Ljava/lang/Object;");
        FunctionEmitter.push(mv, k);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, CType.arrayDesc(operand(k).dtype()));
    }

    /** for (j = 0; j < len; j++) element, indexing base + j (unit) or base advanced by the stride (strided). */
    private void innerLoop(int j, int len, Label exit, boolean unit) {
        Label head = new Label();
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, j);
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, j);
        mv.visitVarInsn(ILOAD, len);
        mv.visitJumpInsn(IF_ICMPGE, exit);
        element(j, unit);
        if (!unit) {
            for (int k = 0; k < operands; k++) {
                if (hoisted[k]) continue;
                mv.visitVarInsn(ILOAD, base[k]);
                mv.visitVarInsn(ILOAD, stride[k]);
                mv.visitInsn(IADD);
                mv.visitVarInsn(ISTORE, base[k]);
            }
        }
        mv.visitIincInsn(j, 1);
        mv.visitJumpInsn(GOTO, head);
    }

    private void index(int k, int j, boolean unit) {
        mv.visitVarInsn(ALOAD, arr[k]);
        mv.visitVarInsn(ILOAD, base[k]);
        if (unit) {
            mv.visitVarInsn(ILOAD, j);
            mv.visitInsn(IADD);
        }
    }

    private void element(int j, boolean unit) {
        var local = new HashMap<>(values);
        int nOut = spec.outputs().size();
        for (int k = nOut; k < operands; k++) {
            if (hoisted[k]) continue;
            Node in = operand(k);
            index(k, j, unit);
            CType.arrayLoad(mv, in.dtype());
            CType t = CType.of(in.dtype());
            int v = local(t);
            mv.visitVarInsn(t.store, v);
            local.put(in, v);
        }
        for (Node n : spec.body()) {
            for (Node in : ScalarEmitter.scalarInputs(n)) push(in, local);
            ScalarEmitter.emit(mv, n);
            CType t = CType.of(n.dtype());
            int v = local(t);
            mv.visitVarInsn(t.store, v);
            local.put(n, v);
        }
        for (int k = 0; k < nOut; k++) {
            Node o = operand(k);
            index(k, j, unit);
            push(o, local);
            CType.arrayStore(mv, o.dtype());
        }
    }

    private void push(Node n, Map<Node, Integer> local) {
        Integer slot = local.get(n);
        if (slot != null) {
            mv.visitVarInsn(CType.of(n.dtype()).load, slot);
            return;
        }
        if (n.op() != Op.CONST || !n.tt().isScalar()) throw new IllegalStateException("kernel operand not bound: " + n);
        var v = n.constValue();
        CType.constant(mv, n.dtype(), v.getDouble(0), v.getLong(0));
    }

    /**
     * The kernel's structure, which is all its code depends on: operand dtypes and ranks (rank 0 is hoisted), and
     * each body node's op, attributes, dtype and inputs (an operand, an earlier body node, or an inlined constant).
     */
    static String key(Spec spec) {
        var ref = new HashMap<Node, String>();
        var sb = new StringBuilder();
        int k = 0;
        for (Node in : spec.inputs()) {
            ref.put(in, "o" + k++);
            sb.append(in.dtype().spelling()).append(in.tt().isScalar() ? "s " : "a ");
        }
        sb.append('|');
        int b = 0;
        for (Node n : spec.body()) {
            sb.append(n.op().spelling()).append(n.attrs()).append(':').append(n.dtype().spelling()).append('(');
            for (Node in : ScalarEmitter.scalarInputs(n)) {
                String r = ref.get(in);
                sb.append(r != null ? r : "c" + in.dtype().spelling() + "=" + in.constValue()).append(',');
            }
            sb.append(") ");
            ref.put(n, "b" + b++);
        }
        for (Node o : spec.outputs()) sb.append("->").append(ref.getOrDefault(o, "?" + o.dtype().spelling() + o.tt().isScalar()));
        return sb.toString();
    }

    /** Whether a node is inlined into kernels as a literal rather than passed as an array. */
    static boolean inlined(Node n) {
        return n.op() == Op.CONST && n.tt().isScalar();
    }
}
