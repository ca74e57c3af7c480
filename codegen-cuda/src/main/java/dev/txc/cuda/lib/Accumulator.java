package dev.txc.cuda.lib;

import java.util.ArrayList;
import java.util.List;

/**
 * The running value of a reduction in registers, and how two of them combine: every component is a 64-bit register
 * ({@code .f64} or {@code .b64}), so warp shuffles and shared-memory slots treat all kinds alike. Floats accumulate
 * in f64 (f32 inputs are widened exactly), integers in 64-bit two's complement (wrapping, as NumPy's accumulator),
 * bools as 0/1. A sum carries a Neumaier compensation term; an arg-reduction carries the flat index of its element
 * (-1 while empty), the first index winning ties and the first NaN counting as both the maximum and the minimum.
 */
final class Accumulator {
    /** What is accumulated. */
    enum Fold {
        /** Compensated float sum: (s, c). */
        FSUM,
        FPROD,
        /** NaN-propagating float maximum / minimum. */
        FMAX,
        FMIN,
        ISUM,
        IPROD,
        IMAX,
        IMIN,
        /** Logical or / and of 0/1 values. */
        OR,
        AND,
        /** (value, index) of the first maximal / minimal element; floats and integers. */
        FARGMAX,
        FARGMIN,
        IARGMAX,
        IARGMIN;

        boolean floatValue() {
            return switch (this) {
                case FSUM, FPROD, FMAX, FMIN, FARGMAX, FARGMIN -> true;
                case ISUM, IPROD, IMAX, IMIN, OR, AND, IARGMAX, IARGMIN -> false;
            };
        }

        int components() {
            return switch (this) {
                case FSUM, FARGMAX, FARGMIN, IARGMAX, IARGMIN -> 2;
                case FPROD, FMAX, FMIN, ISUM, IPROD, IMAX, IMIN, OR, AND -> 1;
            };
        }

        boolean arg() {
            return components() == 2 && this != FSUM;
        }
    }

    static final String NEG_INF = "0dFFF0000000000000", POS_INF = "0d7FF0000000000000";

    final Fold fold;
    final List<String> regs;
    private final Ptx x;

    private Accumulator(Ptx x, Fold fold, List<String> regs) {
        this.x = x;
        this.fold = fold;
        this.regs = regs;
    }

    /** Fresh registers holding the fold's identity (an arg-reduction's index is -1: empty). */
    static Accumulator identity(Ptx x, Fold fold) {
        var regs = new ArrayList<String>();
        for (int c = 0; c < fold.components(); c++) regs.add(fold.floatValue() && c == 0 ? x.f64() : x.r64());
        if (fold == Fold.FSUM) regs.set(1, x.f64());
        var a = new Accumulator(x, fold, regs);
        a.reset();
        return a;
    }

    /** Sets the registers to the identity. */
    void reset() {
        String v = regs.getFirst();
        switch (fold) {
            case FSUM -> {
                x.op("mov.f64 " + v + ", 0d0000000000000000");
                x.op("mov.f64 " + regs.get(1) + ", 0d0000000000000000");
            }
            case FPROD -> x.op("mov.f64 " + v + ", 0d3FF0000000000000");
            case FMAX -> x.op("mov.f64 " + v + ", " + NEG_INF);
            case FMIN -> x.op("mov.f64 " + v + ", " + POS_INF);
            case ISUM, OR -> x.op("mov.b64 " + v + ", 0");
            case IPROD, AND -> x.op("mov.b64 " + v + ", 1");
            case IMAX -> x.op("mov.b64 " + v + ", " + Long.MIN_VALUE);
            case IMIN -> x.op("mov.b64 " + v + ", " + Long.MAX_VALUE);
            case FARGMAX, FARGMIN -> {
                x.op("mov.f64 " + v + ", 0d0000000000000000");
                x.op("mov.b64 " + regs.get(1) + ", -1");
            }
            case IARGMAX, IARGMIN -> {
                x.op("mov.b64 " + v + ", 0");
                x.op("mov.b64 " + regs.get(1) + ", -1");
            }
        }
    }

    /** Folds in one element: value {@code v} (f64 or 64-bit integer register) at flat index {@code j}. */
    void add(String v, String j) {
        switch (fold) {
            case FSUM -> neumaier(v);
            case OR, AND -> {
                String p = x.pred(), b = x.r64();
                x.op("setp.ne.s64 " + p + ", " + v + ", 0");
                x.op("selp.b64 " + b + ", 1, 0, " + p);
                merge(List.of(b));
            }
            case FPROD, FMAX, FMIN, ISUM, IPROD, IMAX, IMIN -> merge(List.of(v));
            case FARGMAX, FARGMIN, IARGMAX, IARGMIN -> merge(List.of(v, j));
        }
    }

    /** Folds in another accumulator's registers (same fold). */
    void merge(List<String> o) {
        String a = regs.getFirst(), b = o.getFirst();
        switch (fold) {
            case FSUM -> {
                neumaier(b);
                x.op("add.rn.f64 " + regs.get(1) + ", " + regs.get(1) + ", " + o.get(1));
            }
            case FPROD -> x.op("mul.rn.f64 " + a + ", " + a + ", " + b);
            case FMAX, FMIN -> {
                String m = x.f64(), n = x.f64(), p = x.pred();
                x.op((fold == Fold.FMAX ? "max.f64 " : "min.f64 ") + m + ", " + a + ", " + b);
                x.op("setp.nan.f64 " + p + ", " + a + ", " + b);
                x.op("add.rn.f64 " + n + ", " + a + ", " + b);
                x.op("selp.f64 " + a + ", " + n + ", " + m + ", " + p);
            }
            case ISUM -> x.op("add.s64 " + a + ", " + a + ", " + b);
            case IPROD -> x.op("mul.lo.s64 " + a + ", " + a + ", " + b);
            case IMAX -> x.op("max.s64 " + a + ", " + a + ", " + b);
            case IMIN -> x.op("min.s64 " + a + ", " + a + ", " + b);
            case OR -> x.op("or.b64 " + a + ", " + a + ", " + b);
            case AND -> x.op("and.b64 " + a + ", " + a + ", " + b);
            case FARGMAX, FARGMIN, IARGMAX, IARGMIN -> argMerge(o);
        }
    }

    // s, c += v with Neumaier's compensation: the low-order bits lost by s + v go to c
    private void neumaier(String v) {
        String s = regs.get(0), c = regs.get(1);
        String t = x.f64(), as = x.f64(), av = x.f64(), d1 = x.f64(), d2 = x.f64(), p = x.pred();
        x.op("add.rn.f64 " + t + ", " + s + ", " + v);
        x.op("abs.f64 " + as + ", " + s);
        x.op("abs.f64 " + av + ", " + v);
        x.op("setp.ge.f64 " + p + ", " + as + ", " + av);
        x.op("sub.rn.f64 " + d1 + ", " + s + ", " + t);
        x.op("add.rn.f64 " + d1 + ", " + d1 + ", " + v);
        x.op("sub.rn.f64 " + d2 + ", " + v + ", " + t);
        x.op("add.rn.f64 " + d2 + ", " + d2 + ", " + s);
        x.op("selp.f64 " + d1 + ", " + d1 + ", " + d2 + ", " + p);
        x.op("add.rn.f64 " + c + ", " + c + ", " + d1);
        x.op("mov.f64 " + s + ", " + t);
    }

    // b = (vb, ib) replaces a when b is nonempty and a is empty, or b ranks higher, or ties with a lower index
    private void argMerge(List<String> o) {
        String va = regs.get(0), ia = regs.get(1), vb = o.get(0), ib = o.get(1);
        boolean max = fold == Fold.FARGMAX || fold == Fold.IARGMAX;
        String t = fold.floatValue() ? "f64" : "s64";
        String better = x.pred(), eq = x.pred(), lower = x.pred(), win = x.pred(), tmp = x.pred();
        x.op("setp." + (max ? "gt." : "lt.") + t + " " + better + ", " + vb + ", " + va);
        x.op("setp.eq." + t + " " + eq + ", " + vb + ", " + va);
        if (fold.floatValue()) {
            String na = x.pred(), nb = x.pred();
            x.op("testp.notanumber.f64 " + na + ", " + va);
            x.op("testp.notanumber.f64 " + nb + ", " + vb);
            x.op("and.pred " + tmp + ", " + na + ", " + nb);
            x.op("or.pred " + eq + ", " + eq + ", " + tmp);
            x.op("not.pred " + tmp + ", " + na);
            x.op("and.pred " + tmp + ", " + tmp + ", " + nb);
            x.op("or.pred " + better + ", " + better + ", " + tmp);
        }
        x.op("setp.lt.s64 " + lower + ", " + ib + ", " + ia);
        x.op("and.pred " + eq + ", " + eq + ", " + lower);
        x.op("or.pred " + better + ", " + better + ", " + eq);
        x.op("setp.lt.s64 " + tmp + ", " + ia + ", 0");
        x.op("or.pred " + better + ", " + better + ", " + tmp);
        x.op("setp.ge.s64 " + win + ", " + ib + ", 0");
        x.op("and.pred " + win + ", " + win + ", " + better);
        x.op((fold.floatValue() ? "selp.f64 " : "selp.b64 ") + va + ", " + vb + ", " + va + ", " + win);
        x.op("selp.b64 " + ia + ", " + ib + ", " + ia + ", " + win);
    }

    /** The compensated sum's value: s + c, or s itself when s is infinite (c is then NaN from inf - inf). */
    String sumValue() {
        String s = regs.get(0), r = x.f64(), a = x.f64(), p = x.pred();
        x.op("add.rn.f64 " + r + ", " + s + ", " + regs.get(1));
        x.op("abs.f64 " + a + ", " + s);
        x.op("setp.eq.f64 " + p + ", " + a + ", " + POS_INF);
        x.op("selp.f64 " + r + ", " + s + ", " + r + ", " + p);
        return r;
    }

    /**
     * Reduces this accumulator across the thread block (a multiple of 32 threads, at most 1024): warp shuffles, one
     * slot per warp in shared array {@code smem} (at least 32 * components * 8 bytes), then warp 0 again. The result is
     * in thread 0's registers; the order of combination is fixed, so the result is deterministic. Every thread of
     * the block must reach this code.
     */
    void blockReduce(String smem, String tid, String ntid) {
        warpReduce();
        int comps = fold.components();
        String lane = x.r64(), warp = x.r64(), slot = x.r64(), base = x.r64(), p = x.pred(), skip = x.label();
        x.op("and.b64 " + lane + ", " + tid + ", 31");
        x.op("shr.u64 " + warp + ", " + tid + ", 5");
        x.op("mov.u64 " + base + ", " + smem);
        x.op("setp.ne.s64 " + p + ", " + lane + ", 0");
        x.braIf(p, skip);
        x.op("mul.lo.s64 " + slot + ", " + warp + ", " + 8 * comps);
        x.op("add.s64 " + slot + ", " + slot + ", " + base);
        for (int c = 0; c < comps; c++) x.op("st.shared." + kind(c) + " [" + slot + "+" + 8 * c + "], " + regs.get(c));
        x.at(skip);
        x.op("bar.sync 0");
        String warps = x.r64(), after = x.label(), q = x.pred(), load = x.label();
        x.op("setp.ne.s64 " + p + ", " + warp + ", 0");
        x.braIf(p, after);
        x.op("shr.u64 " + warps + ", " + ntid + ", 5");
        reset();
        x.op("setp.ge.u64 " + q + ", " + lane + ", " + warps);
        x.braIf(q, load);
        x.op("mul.lo.s64 " + slot + ", " + lane + ", " + 8 * comps);
        x.op("add.s64 " + slot + ", " + slot + ", " + base);
        for (int c = 0; c < comps; c++) x.op("ld.shared." + kind(c) + " " + regs.get(c) + ", [" + slot + "+" + 8 * c + "]");
        x.at(load);
        warpReduce();
        x.at(after);
        x.op("bar.sync 0");
    }

    private String kind(int c) {
        return c == 0 && fold.floatValue() || fold == Fold.FSUM ? "f64" : "b64";
    }

    /** Tree reduction over the 32 lanes of a warp by shuffles; lane 0 ends with the warp's value. */
    void warpReduce() {
        for (int off = 16; off >= 1; off >>= 1) {
            var other = new ArrayList<String>();
            for (int c = 0; c < fold.components(); c++) other.add(shuffle(regs.get(c), kind(c).equals("f64"), off));
            merge(other);
        }
    }

    private String shuffle(String reg, boolean isFloat, int off) {
        String bits = x.r64(), lo = x.r32(), hi = x.r32(), lo2 = x.r32(), hi2 = x.r32(), out = isFloat ? x.f64() : x.r64();
        x.op("mov.b64 " + bits + ", " + reg);
        x.op("mov.b64 {" + lo + ", " + hi + "}, " + bits);
        x.op("shfl.sync.down.b32 " + lo2 + ", " + lo + ", " + off + ", 31, -1");
        x.op("shfl.sync.down.b32 " + hi2 + ", " + hi + ", " + off + ", 31, -1");
        x.op("mov.b64 " + bits + ", {" + lo2 + ", " + hi2 + "}");
        x.op("mov.b64 " + out + ", " + bits);
        return out;
    }
}
