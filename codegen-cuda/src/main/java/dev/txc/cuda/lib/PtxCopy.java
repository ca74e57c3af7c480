package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxEntry.Kind;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Data movement: a strided copy between two views, a fill, and arange. Every op that moves data without arithmetic
 * is one of these on views the host computes (offsets folded into the pointers, strides in elements):
 * <ul>
 *   <li>materializing a view (transpose, broadcast_to, slice, dyn_slice, index, window, diagonal: a view with stride
 *       {@code rs + cs}): {@link #copy} from the view into a contiguous result;</li>
 *   <li>concat: one {@link #copy} per operand, into the slice of the result along the axis where it goes;</li>
 *   <li>the adjoints unslice, dyn_unslice, unwindow, unindex and diag_embed: {@link #fill} the result with zeros,
 *       then {@link #copy} g into the view of the result that the forward op would have read (a slice, a window,
 *       the index, the diagonal); the views never overlap themselves, so no accumulation is needed.</li>
 * </ul>
 * (sum_to is a reduction: {@link PtxReduce}; arg_mask too.)
 */
public final class PtxCopy {
    private PtxCopy() {}

    static final int BLOCK = 256;

    /**
     * {@code out[view] = in[view]} over {@code rank} dims, elements moved as raw bits of {@code dtype}'s size (one
     * entry serves every dtype of that size).
     *
     * <p>Parameters, in order: {@code out} (PTR: element 0 of the destination view), {@code in} (PTR: element 0 of
     * the source view), {@code count} (U64: the number of elements, the product of the sizes), then for each dim,
     * outermost first: {@code size_d} (U64), {@code ostride_d} (S64), {@code istride_d} (S64). Launch:
     * {@link PtxEntry.Launch.Flat}{@code ("count", 256)}.
     */
    public static PtxEntry copy(String name, DType dtype, int rank) {
        Ptx x = new Ptx(name);
        String out = x.param("out", Kind.PTR), in = x.param("in", Kind.PTR), count = x.param("count", Kind.U64);
        var sizes = new ArrayList<String>();
        var os = new ArrayList<String>();
        var is = new ArrayList<String>();
        for (int d = 0; d < rank; d++) {
            sizes.add(x.param("size" + d, Kind.U64));
            os.add(x.param("ostride" + d, Kind.S64));
            is.add(x.param("istride" + d, Kind.S64));
        }
        int size = dtype.itemSize();
        String bits = "b" + 8 * size;
        gridStride(x, count, i -> {
            String oo = x.const64(0), io = x.const64(0), v = size == 8 ? x.r64() : x.r32();
            x.offset(i, sizes, List.of(os, is), List.of(oo, io));
            x.op("ld.global." + (size == 1 ? "u8" : size == 2 ? "u16" : bits) + " " + v + ", [" + x.address(in, io, size) + "]");
            x.op("st.global." + bits + " [" + x.address(out, oo, size) + "], " + v);
        });
        return x.entry(new PtxEntry.Launch.Flat("count", BLOCK));
    }

    /**
     * Sets {@code count} contiguous elements to one value. Parameters: {@code out} (PTR), {@code count} (U64),
     * {@code bits} (U64: the element's bits in the low bytes, e.g. {@code Double.doubleToRawLongBits(v)} for f64, 0
     * for zeros of any dtype). Launch: {@link PtxEntry.Launch.Flat}{@code ("count", 256)}.
     */
    public static PtxEntry fill(String name, DType dtype) {
        Ptx x = new Ptx(name);
        String out = x.param("out", Kind.PTR), count = x.param("count", Kind.U64), bits = x.param("bits", Kind.U64);
        int size = dtype.itemSize();
        String v = x.r32();
        if (size < 8) x.op("cvt.u32.u64 " + v + ", " + bits);
        gridStride(x, count, i -> x.op("st.global.b" + 8 * size + " [" + x.address(out, i, size) + "], " + (size == 8 ? bits : v)));
        return x.entry(new PtxEntry.Launch.Flat("count", BLOCK));
    }

    /**
     * arange with its bounds on the device, as the JVM runtime computes it: floats {@code out[i] = start + i * step}
     * in f64 (no fused multiply-add), rounded once to f32; integers {@code start + i * step} in i64 (JvmOps.arange),
     * stored in the dtype's width. The host sizes {@code out} from the three scalars (and raises the errors).
     * Parameters: {@code out} (PTR), {@code count} (U64), {@code start}, {@code step} (PTR: scalars of the dtype).
     * Launch: {@link PtxEntry.Launch.Flat}{@code ("count", 256)}.
     */
    public static PtxEntry arangeAt(String name, DType dtype) {
        if (!dtype.isNumeric()) throw new IllegalArgumentException("arange takes numbers, not " + dtype.spelling());
        Ptx x = new Ptx(name);
        String out = x.param("out", Kind.PTR), count = x.param("count", Kind.U64);
        String start = x.loadWide(dtype, x.param("start", Kind.PTR)), step = x.loadWide(dtype, x.param("step", Kind.PTR));
        gridStride(x, count, i -> {
            String v;
            if (dtype.isFloat()) {
                String d = x.f64();
                v = x.f64();
                x.op("cvt.rn.f64.u64 " + d + ", " + i);
                x.op("mul.rn.f64 " + v + ", " + d + ", " + step);
                x.op("add.rn.f64 " + v + ", " + start + ", " + v);
            } else {
                v = x.r64();
                x.op("mad.lo.s64 " + v + ", " + i + ", " + step + ", " + start);
            }
            x.storeWide(dtype, x.address(out, i, dtype.itemSize()), v);
        });
        return x.entry(new PtxEntry.Launch.Flat("count", BLOCK));
    }

    /** {@code for (i = global thread index; i < count; i += all threads) body(i)}. */
    static void gridStride(Ptx x, String count, java.util.function.Consumer<String> body) {
        String t = x.special("%tid.x"), nt = x.special("%ntid.x"), c = x.special("%ctaid.x"), g = x.special("%nctaid.x");
        String first = x.r64(), step = x.r64();
        x.op("mad.lo.s64 " + first + ", " + c + ", " + nt + ", " + t);
        x.op("mul.lo.s64 " + step + ", " + g + ", " + nt);
        x.forRange(first, count, step, body);
    }
}
