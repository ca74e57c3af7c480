package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.runtime.Exp;
import dev.txc.types.DType;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for txc's exp, sigmoid, tanh, log, log1p and softplus on a vector: runtime.Exp's operations, in its order, lane by lane, so a
 * vector lane gives the bits the scalar loop gives. Spelled out in the kernel rather than called: a call would be
 * inlined only while the JIT's size limits allow, and a vector method that is not inlined falls back to the Vector
 * API's boxed Java code, a hundred times slower. Every value lives in a local (an int slot number here).
 */
final class VectorMathEmitter {
    private static final String PKG = "jdk/incubator/vector/";

    private final MethodVisitor mv;
    private final ElementEmitter.IntAllocator locals;
    private final int species;
    private final boolean f64;
    private final String cls, vdesc, prim, bitsCls, bitsDesc, bitsPrim;

    VectorMathEmitter(MethodVisitor mv, ElementEmitter.IntAllocator locals, int species, DType t) {
        this.mv = mv;
        this.locals = locals;
        this.species = species;
        this.f64 = t == DType.F64;
        this.cls = PKG + (f64 ? "DoubleVector" : "FloatVector");
        this.vdesc = "L" + cls + ";";
        this.prim = f64 ? "D" : "F";
        this.bitsCls = PKG + (f64 ? "LongVector" : "IntVector");
        this.bitsDesc = "L" + bitsCls + ";";
        this.bitsPrim = f64 ? "J" : "I";
    }

    /** exp(x) as runtime.Exp.exp: clamp, k = rint(x / ln 2), r, the Estrin polynomial, 2^k in two halves. */
    int exp(int x) {
        double[] c = Exp.C;
        int xc = c(c(x, "MAX", f64 ? Exp.LO : Exp.LO_F), "MIN", f64 ? Exp.HI : Exp.HI_F);
        double shifter = f64 ? Exp.SHIFTER : Exp.SHIFTER_F;
        int t = fmaC(xc, f64 ? Exp.LOG2E : Exp.LOG2E_F, shifter);
        int k = c(t, "SUB", shifter);
        int r = fmaCV(k, f64 ? -Exp.LN2_LO : -Exp.LN2_LO_F, fmaCV(k, f64 ? -Exp.LN2_HI : -Exp.LN2_HI_F, xc));
        int r2 = v(r, "MUL", r);
        int q;
        if (f64) {
            int r4 = v(r2, "MUL", r2);
            int a = fmaC(r, c[10], c[11]), b = fmaC(r, c[8], c[9]), cc = fmaC(r, c[6], c[7]);
            int d = fmaC(r, c[4], c[5]), e = fmaC(r, c[2], c[3]), f = fmaC(r, c[0], c[1]);
            // q = fma(r4, fma(r4, fma(f, r2, e), fma(d, r2, cc)), fma(b, r2, a))
            q = fmaV(r4, fmaV(r4, fmaV(f, r2, e), fmaV(d, r2, cc)), fmaV(b, r2, a));
        } else {
            float[] cf = Exp.C_F;
            q = fmaV(r2, fmaV(r2, fmaC(r, cf[0], cf[1]), fmaC(r, cf[2], cf[3])), fmaC(r, cf[4], cf[5]));
        }
        int p = c(fmaV(r2, q, r), "ADD", 1);
        int ki = bitsC(asBits(t), "SUB", f64 ? Double.doubleToRawLongBits(Exp.SHIFTER) : Float.floatToRawIntBits(Exp.SHIFTER_F));
        int k1 = f64 ? ashr(ki, 1) : bitsC(ki, "ASHR", 1), k2 = bitsV(ki, "SUB", k1);
        int s1 = fromBits(bitsC(bitsC(k1, "ADD", f64 ? 1023 : 127), "LSHL", f64 ? 52 : 23));
        int s2 = fromBits(bitsC(bitsC(k2, "ADD", f64 ? 1023 : 127), "LSHL", f64 ? 52 : 23));
        return v(v(p, "MUL", s1), "MUL", s2);
    }

    /** As runtime.Exp.sigmoid: e = exp(-|x|), r = 1 / (1 + e); e r where x < 0, else r. */
    int sigmoid(int x) {
        int e = exp(unary(unary(x, "ABS"), "NEG"));
        int r = v(broadcast(1), "DIV", c(e, "ADD", 1));
        return blend(r, v(r, "MUL", e), compare(x, "LT", 0));
    }

    /** As runtime.Exp.tanh; f32 lanes as {@link #widened} says. */
    int tanh(int x) {
        return f64 ? tanh64(x) : widened(x, VectorMathEmitter::tanh64);
    }

    /** As runtime.Exp.log; f32 lanes as {@link #widened} says. */
    int log(int x) {
        return f64 ? log64(x) : widened(x, VectorMathEmitter::log64);
    }

    /** As runtime.Exp.log1p; f32 lanes as {@link #widened} says. */
    int log1p(int x) {
        return f64 ? log1p64(x) : widened(x, VectorMathEmitter::log1p64);
    }

    /** As runtime.Exp.softplus; f32 lanes as {@link #widened} says. */
    int softplus(int x) {
        return f64 ? softplus64(x) : widened(x, VectorMathEmitter::softplus64);
    }

    /**
     * An f32 function that runtime.Exp defines as its f64 one rounded: the lanes widened to f64 in two halves (a
     * double vector of the same shape has half the lanes), each through the f64 function, narrowed back and merged
     * by OR-ing their bits (narrowing fills the other half's lanes with +0, whose bits are zero).
     */
    private int widened(int x, java.util.function.ToIntBiFunction<VectorMathEmitter, Integer> fn) {
        int ds = locals.take(1);
        mv.visitFieldInsn(GETSTATIC, PKG + "DoubleVector", "SPECIES_PREFERRED", VectorEmitter.SPECIES);
        mv.visitVarInsn(ASTORE, ds);
        var wide = new VectorMathEmitter(mv, locals, ds, DType.F64);
        int bits = -1;
        for (int part = 0; part < 2; part++) {
            mv.visitVarInsn(ALOAD, x);
            op("F2D");
            mv.visitVarInsn(ALOAD, ds);
            mv.visitLdcInsn(part);
            mv.visitMethodInsn(INVOKEVIRTUAL, cls, "convertShape", "(L" + PKG + "VectorOperators$Conversion;" + VectorEmitter.SPECIES + "I)L" + PKG + "Vector;", false);
            mv.visitTypeInsn(CHECKCAST, PKG + "DoubleVector");
            int t = fn.applyAsInt(wide, store());
            mv.visitVarInsn(ALOAD, t);
            op("D2F");
            mv.visitVarInsn(ALOAD, species);
            mv.visitLdcInsn(-part);
            mv.visitMethodInsn(INVOKEVIRTUAL, PKG + "DoubleVector", "convertShape", "(L" + PKG + "VectorOperators$Conversion;" + VectorEmitter.SPECIES + "I)L" + PKG + "Vector;", false);
            mv.visitTypeInsn(CHECKCAST, cls);
            int half = asBits(store());
            bits = bits < 0 ? half : bitsV(bits, "OR", half);
        }
        return fromBits(bits);
    }

    /** As runtime.Exp.log (f64): subnormals scaled by 2^54, the core, then the special values selected. */
    private int log64(int x) {
        int tiny = compare(x, "LT", Exp.TINY);
        int xs = blend(x, c(x, "MUL", 0x1p54), tiny);
        int kOff = blend(broadcast(0), broadcast(-54), tiny);
        return logSpecial(x, logCore(xs, kOff, -1));
    }

    /** As runtime.Exp.log1p (f64): the core on u = 1 + x with log1p's correction, the special values, tiny x. */
    private int log1p64(int x) {
        int u = c(x, "ADD", 1);
        int corr = v(v(x, "SUB", c(u, "SUB", 1)), "DIV", u);
        int r = logSpecial(u, logCore(u, -1, corr));
        return blend(r, x, compare(unary(x, "ABS"), "LT", 0x1p-54));
    }

    /** As runtime.Exp.softplus (f64): max(x, 0) + log1p's core on u = 1 + exp(-|x|), in [1, 2]. */
    private int softplus64(int x) {
        int t = exp(unary(unary(x, "ABS"), "NEG"));
        int u = c(t, "ADD", 1);
        int corr = v(v(t, "SUB", c(u, "SUB", 1)), "DIV", u);
        return v(c(x, "MAX", 0), "ADD", logCore(u, -1, corr));
    }

    /** As runtime.Exp.logCore; kOff and c are locals, or -1 for zero. */
    private int logCore(int u, int kOff, int corr) {
        double[] p = Exp.LOG_P;
        int hu = asBits(u);
        int k = ashr(bitsC(hu, "SUB", Exp.SQRT_HALF_BITS), 52);
        int f = c(fromBits(bitsV(hu, "SUB", bitsC(k, "LSHL", 52))), "SUB", 1);
        int kd = smallToDouble(k);
        if (kOff >= 0) kd = v(kd, "ADD", kOff);
        int s = v(f, "DIV", c(f, "ADD", 2));
        int z = v(s, "MUL", s), z2 = v(z, "MUL", z), z4 = v(z2, "MUL", z2);
        // q = fma(z4, fma(z2, p0, fma(z, p1, p2)), fma(z2, fma(z, p3, p4), fma(z, p5, p6)))
        int q = fmaV(z4, fmaCV(z2, p[0], fmaC(z, p[1], p[2])), fmaV(z2, fmaC(z, p[3], p[4]), fmaC(z, p[5], p[6])));
        int hfsq = v(c(f, "MUL", 0.5), "MUL", f);
        int lo = c(kd, "MUL", Exp.LN2_LO);
        if (corr >= 0) lo = v(lo, "ADD", corr);
        int inner = v(v(s, "MUL", v(hfsq, "ADD", v(z, "MUL", q))), "ADD", lo);
        return v(c(kd, "MUL", Exp.LN2_HI), "ADD", v(f, "SUB", v(hfsq, "SUB", inner)));
    }

    /** As runtime.Exp.logSpecial: r where 0 < x < inf; -inf at 0, +inf at +inf, NaN elsewhere. */
    private int logSpecial(int x, int r) {
        int out = blend(broadcast(Double.NaN), broadcast(Double.NEGATIVE_INFINITY), compare(x, "EQ", 0));
        out = blend(out, broadcast(Double.POSITIVE_INFINITY), compare(x, "EQ", Double.POSITIVE_INFINITY));
        mv.visitVarInsn(ALOAD, compare(x, "GT", 0));
        mv.visitVarInsn(ALOAD, compare(x, "LT", Double.POSITIVE_INFINITY));
        mv.visitMethodInsn(INVOKEVIRTUAL, PKG + "VectorMask", "and", "(L" + PKG + "VectorMask;)L" + PKG + "VectorMask;", false);
        return blend(out, r, store());
    }

    /** As runtime.Exp.tanh (f64): both branches, the polynomial's taken where |x| < 0.55, then x's sign. */
    private int tanh64(int x) {
        double[] c = Exp.TANH_Q;
        int a = unary(x, "ABS");
        int z = v(a, "MUL", a), z2 = v(z, "MUL", z), z4 = v(z2, "MUL", z2);
        int lo = v(c(c(z, "MUL", c[9]), "ADD", c[10]), "ADD", v(z2, "MUL", c(c(z, "MUL", c[7]), "ADD", c[8])));
        int mid = v(c(c(z, "MUL", c[5]), "ADD", c[6]), "ADD", v(z2, "MUL", c(c(z, "MUL", c[3]), "ADD", c[4])));
        int hi = v(c(c(z, "MUL", c[1]), "ADD", c[2]), "ADD", c(z2, "MUL", c[0]));
        int q = v(lo, "ADD", v(z4, "MUL", v(mid, "ADD", v(z4, "MUL", hi))));
        int small = v(a, "ADD", v(v(a, "MUL", z), "MUL", q));
        int t = exp(c(a, "MUL", -2));
        int large = v(v(broadcast(1), "SUB", t), "DIV", c(t, "ADD", 1));
        int r = blend(large, small, compare(a, "LT", Exp.TANH_SMALL));
        int bits = bitsV(bitsC(asBits(r), "AND", Long.MAX_VALUE), "OR", bitsC(asBits(x), "AND", Long.MIN_VALUE));
        return fromBits(bits);
    }

    // ---- one operation each: operands from locals, the result into a new local

    private int store() {
        int s = locals.take(1);
        mv.visitVarInsn(ASTORE, s);
        return s;
    }

    private void op(String name) {
        mv.visitFieldInsn(GETSTATIC, PKG + "VectorOperators", name, "L" + VectorEmitter.fieldType(name).getName().replace('.', '/') + ";");
    }

    private void constant(double value) {
        if (f64) mv.visitLdcInsn(value);
        else mv.visitLdcInsn((float) value);
    }

    /** a.lanewise(op, b) */
    private int v(int a, String name, int b) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        mv.visitVarInsn(ALOAD, b);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Binary;L" + PKG + "Vector;)" + vdesc, false);
        return store();
    }

    /** a * b + c, one rounding: a.fma(b, c) with constants b, c */
    private int fmaC(int a, double b, double c) {
        mv.visitVarInsn(ALOAD, a);
        constant(b);
        constant(c);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "fma", "(" + prim + prim + ")" + vdesc, false);
        return store();
    }

    /** a * b + c with a constant b: a.lanewise(FMA, b, c) */
    private int fmaCV(int a, double b, int c) {
        mv.visitVarInsn(ALOAD, a);
        op("FMA");
        constant(b);
        mv.visitVarInsn(ALOAD, c);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Ternary;" + prim + "L" + PKG + "Vector;)" + vdesc, false);
        return store();
    }

    /** a * b + c on vectors: a.fma(b, c) */
    private int fmaV(int a, int b, int c) {
        mv.visitVarInsn(ALOAD, a);
        mv.visitVarInsn(ALOAD, b);
        mv.visitVarInsn(ALOAD, c);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "fma", "(L" + PKG + "Vector;L" + PKG + "Vector;)" + vdesc, false);
        return store();
    }

    /** a.lanewise(op, constant) */
    private int c(int a, String name, double value) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        constant(value);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Binary;" + prim + ")" + vdesc, false);
        return store();
    }

    private int unary(int a, String name) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "lanewise", "(L" + PKG + "VectorOperators$Unary;)" + vdesc, false);
        return store();
    }

    private int broadcast(double value) {
        mv.visitVarInsn(ALOAD, species);
        constant(value);
        mv.visitMethodInsn(INVOKESTATIC, cls, "broadcast", "(" + VectorEmitter.SPECIES + prim + ")" + vdesc, false);
        return store();
    }

    /** a.compare(op, constant), a mask */
    private int compare(int a, String name, double value) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        constant(value);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "compare", "(L" + PKG + "VectorOperators$Comparison;" + prim + ")L" + PKG + "VectorMask;", false);
        return store();
    }

    /** where(mask, b, a): a.blend(b, mask) */
    private int blend(int a, int b, int mask) {
        mv.visitVarInsn(ALOAD, a);
        mv.visitVarInsn(ALOAD, b);
        mv.visitVarInsn(ALOAD, mask);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, "blend", "(L" + PKG + "Vector;L" + PKG + "VectorMask;)" + vdesc, false);
        return store();
    }

    private int asBits(int a) {
        mv.visitVarInsn(ALOAD, a);
        mv.visitMethodInsn(INVOKEVIRTUAL, cls, f64 ? "reinterpretAsLongs" : "reinterpretAsInts", "()" + bitsDesc, false);
        return store();
    }

    private int fromBits(int a) {
        mv.visitVarInsn(ALOAD, a);
        mv.visitMethodInsn(INVOKEVIRTUAL, bitsCls, f64 ? "reinterpretAsDoubles" : "reinterpretAsFloats", "()" + vdesc, false);
        return store();
    }

    /**
     * Long lanes: {@code a >> s}, as {@code ((a ^ MIN) >>> s) - 2^(63-s)}, the same value for every a: AVX2 has no
     * arithmetic shift of 64-bit lanes (vpsraq is AVX-512), and C2 compiled the ASHR of long vectors there into code
     * that made the vector log no faster than the scalar one.
     */
    private int ashr(int a, int s) {
        return bitsC(bitsC(bitsC(a, "XOR", Long.MIN_VALUE), "LSHR", s), "SUB", 1L << (63 - s));
    }

    /**
     * Long lanes holding integers of magnitude below 2^51, as doubles, exactly: the bits of 1.5 * 2^52 + k, minus
     * 1.5 * 2^52 (a long-to-double conversion of vectors is AVX-512DQ's vcvtqq2pd; AVX2 has none).
     */
    private int smallToDouble(int k) {
        return c(fromBits(bitsC(k, "ADD", Double.doubleToRawLongBits(0x1.8p52))), "SUB", 0x1.8p52);
    }

    /** integer lanes: a.lanewise(op, constant) (a long constant for f64's long lanes, an int one for f32's) */
    private int bitsC(int a, String name, long value) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        if (f64) mv.visitLdcInsn(value);
        else mv.visitLdcInsn((int) (name.equals("AND") ? (value == Long.MAX_VALUE ? Integer.MAX_VALUE : value == Long.MIN_VALUE ? Integer.MIN_VALUE : value) : value));
        mv.visitMethodInsn(INVOKEVIRTUAL, bitsCls, "lanewise", "(L" + PKG + "VectorOperators$Binary;" + bitsPrim + ")" + bitsDesc, false);
        return store();
    }

    private int bitsV(int a, String name, int b) {
        mv.visitVarInsn(ALOAD, a);
        op(name);
        mv.visitVarInsn(ALOAD, b);
        mv.visitMethodInsn(INVOKEVIRTUAL, bitsCls, "lanewise", "(L" + PKG + "VectorOperators$Binary;L" + PKG + "Vector;)" + bitsDesc, false);
        return store();
    }
}
