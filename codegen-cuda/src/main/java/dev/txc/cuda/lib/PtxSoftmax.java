package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxEntry.Kind;
import dev.txc.cuda.lib.Accumulator.Fold;
import dev.txc.cuda.lib.PtxReduce.Schedule;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * softmax and log_softmax over one axis, as the JVM runtime computes them ({@code runtime.Softmax}), in f64 for f32
 * and f64 alike: per row {@code m} = the NaN-propagating maximum, {@code s} = the compensated sum of
 * {@code exp(x - m)}, then {@code exp(x - m) / s} or {@code (x - m) - log(s)}, rounded once to the dtype. Calls
 * {@code txc_exp_f64} (and {@code txc_log_f64} for log_softmax).
 *
 * <p>A row is the input's elements along the axis at one index of the other dims. Parameters, in order: {@code out}
 * (PTR), {@code in} (PTR), {@code rows} (U64: the product of the other dims' sizes), {@code n} (U64: the axis's
 * size), {@code instride} (S64) and {@code outstride} (S64): the axis's element strides in input and output; then
 * for each other dim, outermost first: {@code size_d} (U64), {@code istride_d} (S64), {@code ostride_d} (S64).
 * {@link Schedule#BLOCK}: one block (256 threads) per row, {@link PtxEntry.Launch.Rows}{@code ("rows", 256, 0)};
 * {@link Schedule#THREAD}: one thread per row, {@link PtxEntry.Launch.Flat}{@code ("rows", 256)} (for a softmax
 * over a leading axis, where adjacent rows are adjacent in memory).
 */
public final class PtxSoftmax {
    private PtxSoftmax() {}

    /**
     * @param name       the entry's name
     * @param dtype      f32 or f64
     * @param log        log_softmax rather than softmax
     * @param otherRank  the number of dims besides the axis (the input's rank - 1)
     * @param schedule   one block or one thread per row
     */
    public static PtxEntry softmax(String name, DType dtype, boolean log, int otherRank, Schedule schedule) {
        if (!dtype.isFloat()) throw new IllegalArgumentException("softmax takes f32 or f64, not " + dtype.spelling());
        Ptx x = new Ptx(name);
        boolean block = schedule == Schedule.BLOCK;
        String out = x.param("out", Kind.PTR), in = x.param("in", Kind.PTR), rows = x.param("rows", Kind.U64);
        String n = x.param("n", Kind.U64), is = x.param("instride", Kind.S64), os = x.param("outstride", Kind.S64);
        var sizes = new ArrayList<String>();
        var istr = new ArrayList<String>();
        var ostr = new ArrayList<String>();
        for (int d = 0; d < otherRank; d++) {
            sizes.add(x.param("size" + d, Kind.U64));
            istr.add(x.param("istride" + d, Kind.S64));
            ostr.add(x.param("ostride" + d, Kind.S64));
        }
        String tid, step, first, rstep, smem = null;
        if (block) {
            tid = x.special("%tid.x");
            step = x.special("%ntid.x");
            first = x.special("%ctaid.x");
            rstep = x.special("%nctaid.x");
            smem = x.sharedArray("smem", 32 * 2 * 8 + 16);
        } else {
            String t = x.special("%tid.x"), nt = x.special("%ntid.x"), c = x.special("%ctaid.x"), g = x.special("%nctaid.x");
            first = x.r64();
            rstep = x.r64();
            x.op("mad.lo.s64 " + first + ", " + c + ", " + nt + ", " + t);
            x.op("mul.lo.s64 " + rstep + ", " + g + ", " + nt);
            tid = x.const64(0);
            step = x.const64(1);
        }
        String slot = block ? smem + "+" + 32 * 2 * 8 : null, sm = smem;
        x.calls("txc_exp_f64");
        if (log) x.calls("txc_log_f64");
        x.forRange(first, rows, rstep, r -> {
            String ib = x.const64(0), ob = x.const64(0);
            x.offset(r, sizes, List.of(istr, ostr), List.of(ib, ob));
            // m: the row's maximum
            Accumulator max = Accumulator.identity(x, Fold.FMAX);
            x.forRange(tid, n, step, j -> max.add(load(x, dtype, in, ib, is, j), j));
            if (block) max.blockReduce(sm, tid, step);
            String m = block ? x.broadcast(max.regs.getFirst(), true, tid, slot) : max.regs.getFirst();
            // s: the sum of exp(x - m)
            Accumulator sum = Accumulator.identity(x, Fold.FSUM);
            x.forRange(tid, n, step, j -> sum.add(exp(x, sub(x, load(x, dtype, in, ib, is, j), m)), j));
            if (block) sum.blockReduce(sm, tid, step);
            String s0 = sum.sumValue();
            String s = block ? x.broadcast(s0, true, tid, slot) : s0;
            String logS = null;
            if (log) {
                logS = x.f64();
                x.op("call (" + logS + "), txc_log_f64, (" + s + ")");
            }
            String ls = logS;
            x.forRange(tid, n, step, j -> {
                String z = sub(x, load(x, dtype, in, ib, is, j), m), y = x.f64();
                if (log) x.op("sub.rn.f64 " + y + ", " + z + ", " + ls);
                else x.op("div.rn.f64 " + y + ", " + exp(x, z) + ", " + s);
                String off = x.r64();
                x.op("mad.lo.s64 " + off + ", " + j + ", " + os + ", " + ob);
                x.storeWide(dtype, x.address(out, off, dtype.itemSize()), y);
            });
            if (block) x.op("bar.sync 0");
        });
        var launch = block ? new PtxEntry.Launch.Rows("rows", PtxReduce.BLOCK, 0) : new PtxEntry.Launch.Flat("rows", PtxReduce.BLOCK);
        return x.entry(launch);
    }

    private static String load(Ptx x, DType t, String in, String base, String stride, String j) {
        String off = x.r64();
        x.op("mad.lo.s64 " + off + ", " + j + ", " + stride + ", " + base);
        return x.loadWide(t, x.address(in, off, t.itemSize()));
    }

    private static String sub(Ptx x, String a, String b) {
        String z = x.f64();
        x.op("sub.rn.f64 " + z + ", " + a + ", " + b);
        return z;
    }

    private static String exp(Ptx x, String z) {
        String e = x.f64();
        x.op("call (" + e + "), txc_exp_f64, (" + z + ")");
        return e;
    }
}
