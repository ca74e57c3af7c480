package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.types.DType;
import org.objectweb.asm.MethodVisitor;

/**
 * The JVM type a dtype is computed in: f64 in double, f32 in float, i64 in long, the narrower integers in int
 * (narrowed again on store and after each op), bool as int 0/1 ({@code Z} in descriptors).
 */
enum CType {
    D("D", DLOAD, DSTORE, 2), F("F", FLOAD, FSTORE, 1), J("J", LLOAD, LSTORE, 2), I("I", ILOAD, ISTORE, 1), Z("Z", ILOAD, ISTORE, 1);

    final String desc;
    final int load, store, slots;

    CType(String desc, int load, int store, int slots) {
        this.desc = desc;
        this.load = load;
        this.store = store;
        this.slots = slots;
    }

    static CType of(DType d) {
        return switch (d) {
            case F64 -> D;
            case F32 -> F;
            case I64 -> J;
            case I8, I16, I32, U8 -> I;
            case BOOL -> Z;
        };
    }

    /** The descriptor of the primitive array holding dtype d. */
    static String arrayDesc(DType d) {
        return switch (d) {
            case F64 -> "[D";
            case F32 -> "[F";
            case I64 -> "[J";
            case I32 -> "[I";
            case I16 -> "[S";
            case I8, U8 -> "[B";
            case BOOL -> "[Z";
        };
    }

    /** Loads an element (array and index on the stack) as its compute type. */
    static void arrayLoad(MethodVisitor mv, DType d) {
        switch (d) {
            case F64 -> mv.visitInsn(DALOAD);
            case F32 -> mv.visitInsn(FALOAD);
            case I64 -> mv.visitInsn(LALOAD);
            case I32 -> mv.visitInsn(IALOAD);
            case I16 -> mv.visitInsn(SALOAD);
            case I8, BOOL -> mv.visitInsn(BALOAD);
            case U8 -> {
                mv.visitInsn(BALOAD);
                mv.visitIntInsn(SIPUSH, 0xFF);
                mv.visitInsn(IAND);
            }
        }
    }

    static void arrayStore(MethodVisitor mv, DType d) {
        switch (d) {
            case F64 -> mv.visitInsn(DASTORE);
            case F32 -> mv.visitInsn(FASTORE);
            case I64 -> mv.visitInsn(LASTORE);
            case I32 -> mv.visitInsn(IASTORE);
            case I16 -> mv.visitInsn(SASTORE);
            case I8, U8, BOOL -> mv.visitInsn(BASTORE);
        }
    }

    /** Wraps an int result to a narrower dtype's range, as the array store would. */
    static void narrow(MethodVisitor mv, DType d) {
        switch (d) {
            case I8 -> mv.visitInsn(I2B);
            case I16 -> mv.visitInsn(I2S);
            case U8 -> {
                mv.visitIntInsn(SIPUSH, 0xFF);
                mv.visitInsn(IAND);
            }
            case BOOL, I32, I64, F32, F64 -> { }
        }
    }

    /** Pushes a constant of dtype d. */
    static void constant(MethodVisitor mv, DType d, double f, long i) {
        switch (of(d)) {
            case D -> mv.visitLdcInsn(f);
            case F -> mv.visitLdcInsn((float) f);
            case J -> mv.visitLdcInsn(i);
            case I, Z -> mv.visitLdcInsn((int) i);
        }
    }
}
