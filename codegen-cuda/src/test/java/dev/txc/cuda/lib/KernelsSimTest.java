package dev.txc.cuda.lib;

import static dev.txc.cuda.lib.ReduceSimTest.compare;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.lib.PtxReduce.Schedule;
import dev.txc.ir.Op;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** softmax, matmul, gemv, copies, fill, arange and sum_to run on the PTX interpreter against plain Java loops. */
class KernelsSimTest {
    @Test
    void softmaxAndLogSoftmaxOverEachAxis() {
        double[] base = ReduceSimTest.data(DType.F64, 60, 3);
        base[7] = Double.NaN;
        base[31] = Double.POSITIVE_INFINITY;
        for (DType t : new DType[] {DType.F64, DType.F32})
            for (View v : List.of(View.contiguous(3, 4, 5), new View("transposed", new int[] {5, 3, 4}, new long[] {1, 20, 5}, 0),
                    View.contiguous(1, 1, 1), new View("empty", new int[] {3, 0, 5}, new long[] {0, 5, 1}, 0)))
                for (int axis = 0; axis < 3; axis++)
                    for (boolean log : new boolean[] {false, true})
                        for (Schedule s : Schedule.values()) softmax(t, v, axis, log, s, base);
    }

    private static void softmax(DType t, View v, int axis, boolean log, Schedule s, double[] base0) {
        double[] base = t == DType.F32 ? Arrays.stream(base0).map(d -> (float) d).toArray() : base0;
        PtxEntry e = PtxSoftmax.softmax("s", t, log, v.rank() - 1, s);
        Dev dev = new Dev(e);
        int n = (int) v.size();
        long in = dev.put(t, base), out = dev.alloc(t, n);
        long[] cs = View.cStrides(v.shape());
        long rows = n == 0 ? 0 : n / v.shape()[axis];
        var a = new ArrayList<Object>(List.of(out, in + v.offset() * t.itemSize(), rows, (long) v.shape()[axis], v.strides()[axis], cs[axis]));
        for (int d = 0; d < v.rank(); d++)
            if (d != axis) {
                a.add((long) v.shape()[d]);
                a.add(v.strides()[d]);
                a.add(cs[d]);
            }
        dev.run(s, e, a.toArray());
        // reference: the JVM runtime's algorithm in double, slice by slice
        long[] pos = v.positions();
        double[] want = new double[n];
        for (int[] slice : ReduceSimTest.slices(v, new int[] {axis})) {
            double m = Double.NEGATIVE_INFINITY;
            for (int i : slice) m = Double.isNaN(m) || Double.isNaN(base[(int) pos[i]]) ? Double.NaN : Math.max(m, base[(int) pos[i]]);
            double sum = 0;
            for (int i : slice) sum += Math.exp(base[(int) pos[i]] - m);
            for (int i : slice) {
                double z = base[(int) pos[i]] - m;
                want[i] = t.round(log ? z - Math.log(sum) : Math.exp(z) / sum);
            }
        }
        compare((log ? "log_softmax " : "softmax ") + t + " " + v.what() + " axis " + axis + " " + s, t, want, dev.get(t, out, n));
    }

    static final DType[] MATMUL_TYPES = {DType.F32, DType.F64, DType.I32, DType.I8, DType.U8, DType.I64, DType.I16};

    @Test
    void matmulTilesBatchesAndTransposedOperands() {
        int[][] mnk = {{5, 7, 9}, {130, 3, 17}, {1, 1, 1}, {4, 5, 0}, {0, 3, 4}, {3, 66, 20}};
        for (DType t : MATMUL_TYPES)
            for (int[] s : mnk)
                for (boolean ta : new boolean[] {false, true})
                    for (boolean tb : new boolean[] {false, true}) {
                        if (!t.isFloat() && s[0] > 100) continue;
                        matmul(t, s[0], s[1], s[2], ta, tb, ta, tb, false);
                    }
        // layout hints that do not match the strides change nothing; broadcast batch dims
        matmul(DType.F32, 9, 10, 11, true, false, false, true, false);
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32}) matmul(t, 6, 5, 7, false, true, false, true, true);
    }

    // A is m x k (stored k x m when ta), B is k x n (stored n x k when tb); batched: A [2,1], B [1,3] -> [2,3]
    private static void matmul(DType t, int m, int n, int k, boolean ta, boolean tb, boolean hintA, boolean hintB, boolean batched) {
        Random r = new Random(m * 31L + n * 7L + k);
        int ba = batched ? 2 : 1, bb = batched ? 3 : 1, batch = ba * bb;
        double[] a = values(t, ba * m * k, r), b = values(t, bb * k * n, r);
        PtxEntry e = PtxMatmul.matmul("mm", t, batched ? 2 : 0, hintA, hintB);
        Dev dev = new Dev(e);
        long pa = dev.put(t, a), pb = dev.put(t, b), pc = dev.alloc(t, batch * m * n);
        long ars = ta ? 1 : k, acs = ta ? m : 1, brs = tb ? 1 : n, bcs = tb ? k : 1;
        var args = new ArrayList<Object>(List.of(pc, pa, pb, (long) m, (long) n, (long) k, (long) batch, ars, acs, brs, bcs));
        if (batched) args.addAll(List.of(2L, (long) m * k, 0L, 3L, 0L, (long) k * n));
        dev.runOn(2, 256, e, args.toArray());
        double[] want = new double[batch * m * n], scale = new double[want.length];
        for (int b1 = 0; b1 < batch; b1++) {
            int ia = batched ? b1 / 3 : 0, ib = batched ? b1 % 3 : 0;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0, sa = 0;
                    long l = 0;
                    for (int q = 0; q < k; q++) {
                        double x = a[ia * m * k + (int) (i * ars + q * acs)], y = b[ib * k * n + (int) (q * brs + j * bcs)];
                        s += x * y;
                        sa += Math.abs(x * y);
                        l += (long) x * (long) y;
                    }
                    int o = (b1 * m + i) * n + j;
                    want[o] = t.isFloat() ? t.round(s) : t.wrap(l);
                    scale[o] = sa;
                }
        }
        double[] got = dev.get(t, pc, want.length);
        String what = "matmul " + t + " " + m + "x" + n + "x" + k + " ta " + ta + " tb " + tb + (batched ? " batched" : "");
        if (t == DType.F32) {
            // f32 accumulation: within k roundings of the magnitudes summed
            for (int i = 0; i < want.length; i++)
                if (!(Math.abs(want[i] - got[i]) <= 1e-6 * (k + 1) * Math.max(scale[i], 1e-30)))
                    fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
        } else {
            compare(what, t, want, got);
        }
    }

    private static double[] values(DType t, int n, Random r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++)
            v[i] = switch (t) {
                case F64 -> r.nextGaussian();
                case F32 -> (float) r.nextGaussian();
                case U8 -> r.nextInt(256);
                case I8 -> r.nextInt(256) - 128;
                case I64 -> r.nextInt(2000001) - 1000000;
                case I16, I32 -> r.nextInt(2001) - 1000;
                case BOOL -> r.nextInt(2);
            };
        return v;
    }

    @Test
    void gemvRowsAndColumns() {
        for (DType t : new DType[] {DType.F32, DType.F64, DType.I32, DType.U8})
            for (boolean trans : new boolean[] {false, true})
                for (Schedule s : Schedule.values())
                    for (int[] mk : new int[][] {{37, 45}, {1, 1}, {3, 0}}) {
                        int m = mk[0], k = mk[1];
                        Random r = new Random(m + k);
                        double[] a = values(t, m * k, r), x = values(t, 2 * k, r);
                        PtxEntry e = PtxMatmul.gemv("mv", t, s);
                        Dev dev = new Dev(e);
                        long pa = dev.put(t, a), px = dev.put(t, x), py = dev.alloc(t, m);
                        long ars = trans ? 1 : k, acs = trans ? m : 1;
                        Object[] args = {py, pa, px, (long) m, (long) k, ars, acs, 2L};
                        dev.run(s, e, args);
                        double[] want = new double[m];
                        for (int i = 0; i < m; i++) {
                            double sum = 0;
                            long l = 0;
                            for (int q = 0; q < k; q++) {
                                double p = a[(int) (i * ars + q * acs)] * x[2 * q];
                                sum += p;
                                l += (long) a[(int) (i * ars + q * acs)] * (long) x[2 * q];
                            }
                            want[i] = t.isFloat() ? t.round(sum) : t.wrap(l);
                        }
                        compare("gemv " + t + " " + m + "x" + k + " trans " + trans + " " + s, t, want, dev.get(t, py, m));
                    }
    }

    @Test
    void copiesMaterializeViewsAndWriteIntoViews() {
        for (DType t : new DType[] {DType.F64, DType.F32, DType.I16, DType.BOOL}) {
            double[] base = ReduceSimTest.data(t, 60, 11);
            for (View v : ReduceSimTest.views()) {
                PtxEntry e = PtxCopy.copy("c", t, v.rank());
                Dev dev = new Dev(e);
                int n = (int) v.size();
                long in = dev.put(t, base), out = dev.alloc(t, n);
                long[] cs = View.cStrides(v.shape());
                var a = new ArrayList<Object>(List.of(out, in + v.offset() * t.itemSize(), (long) n));
                for (int d = 0; d < v.rank(); d++) a.addAll(List.of((long) v.shape()[d], cs[d], v.strides()[d]));
                dev.runOn(2, 32, e, a.toArray());
                long[] pos = v.positions();
                double[] want = new double[n];
                for (int i = 0; i < n; i++) want[i] = base[(int) pos[i]];
                compare("copy " + t + " " + v.what(), t, want, dev.get(t, out, n));
            }
            // unslice: zeros of [4,6] with g [2,3] written at [1:5:2, 0:6:2] (fill, then copy into the view)
            PtxEntry fill = PtxCopy.fill("f", t), copy = PtxCopy.copy("c", t, 2);
            Dev dev = new Dev(fill, copy);
            double[] g = ReduceSimTest.data(t, 6, 12);
            long out = dev.alloc(t, 24), pg = dev.put(t, g);
            dev.runOn(1, 32, fill, out, 24L, 0L);
            dev.runOn(1, 32, copy, out + (long) 6 * t.itemSize(), pg, 6L, 2L, 12L, 3L, 3L, 2L, 1L);
            double[] want = new double[24];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) want[(1 + 2 * i) * 6 + 2 * j] = g[i * 3 + j];
            compare("unslice " + t, t, want, dev.get(t, out, 24));
        }
    }

    @Test
    void diagonalDiagEmbedAndConcatAreCopiesOverViews() {
        DType t = DType.F32;
        PtxEntry fill = PtxCopy.fill("f", t), copy1 = PtxCopy.copy("c1", t, 1), copy2 = PtxCopy.copy("c2", t, 2);
        Dev dev = new Dev(fill, copy1, copy2);
        double[] x = ReduceSimTest.data(t, 12, 21); // a [3,4] matrix
        long px = dev.put(t, x);
        // diagonal(x): the view of size min(3,4) = 3 with stride 4 + 1
        long diag = dev.alloc(t, 3);
        dev.runOn(1, 32, copy1, diag, px, 3L, 3L, 1L, 5L);
        compare("diagonal", t, new double[] {x[0], x[5], x[10]}, dev.get(t, diag, 3));
        // diag_embed(v, like [3,4]): zeros, then v into the diagonal view of the result
        double[] v = {1.5, -2, 4};
        long pv = dev.put(t, v), emb = dev.alloc(t, 12);
        dev.runOn(1, 32, fill, emb, 12L, 0L);
        dev.runOn(1, 32, copy1, emb, pv, 3L, 3L, 5L, 1L);
        double[] want = new double[12];
        for (int i = 0; i < 3; i++) want[i * 5] = v[i];
        compare("diag_embed", t, want, dev.get(t, emb, 12));
        // concat([x [3,4], y [3,2]], axis 1) -> [3,6]: each operand copied into its columns of the result
        double[] y = ReduceSimTest.data(t, 6, 22);
        long py = dev.put(t, y), cat = dev.alloc(t, 18);
        dev.runOn(2, 32, copy2, cat, px, 12L, 3L, 6L, 4L, 4L, 1L, 1L);
        dev.runOn(2, 32, copy2, cat + 4L * t.itemSize(), py, 6L, 3L, 6L, 2L, 2L, 1L, 1L);
        double[] wantCat = new double[18];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) wantCat[i * 6 + j] = x[i * 4 + j];
            for (int j = 0; j < 2; j++) wantCat[i * 6 + 4 + j] = y[i * 2 + j];
        }
        compare("concat", t, wantCat, dev.get(t, cat, 18));
    }

    @Test
    void fillWritesTheBitsOfOneValue() {
        PtxEntry e = PtxCopy.fill("f", DType.F64);
        Dev dev = new Dev(e);
        long out = dev.alloc(DType.F64, 100);
        dev.runOn(2, 32, e, out, 100L, Double.doubleToRawLongBits(-2.5));
        double[] want = new double[100];
        Arrays.fill(want, -2.5);
        compare("fill", DType.F64, want, dev.get(DType.F64, out, 100));
    }

    @Test
    void arangeComputesAsTheJvmDoes() {
        // floats: start + i * step in f64, rounded once to f32; integers: start + i * step in i64, stored in the dtype
        for (DType t : new DType[] {DType.F64, DType.F32, DType.I8, DType.U8, DType.I32, DType.I64})
            for (double[] se : t.isFloat() ? new double[][] {{0.5, 0.1}, {-200, 37}, {3, -0.75}, {1e10, 1e9}}
                    : new double[][] {{0, 1}, {20, 5}, {100, -3}, {t == DType.I64 ? 9007199254740993.0 : 5, 1}}) {
                int n = 17;
                PtxEntry e = PtxCopy.arangeAt("a", t);
                Dev dev = new Dev(e);
                long out = dev.alloc(t, n);
                long start = dev.put(t, new double[] {se[0]});
                if (t == DType.I64 && se[0] > 1e15) dev.sim.write(start, new long[] {9007199254740993L}); // 2^53 + 1: not a double
                long step = dev.put(t, new double[] {se[1]});
                dev.runOn(2, 32, e, out, (long) n, start, step);
                double[] want = new double[n];
                for (int i = 0; i < n; i++) want[i] = t.isFloat() ? t.round(se[0] + i * se[1]) : (double) ((long) se[0] + i * (long) se[1]);
                if (t == DType.I64 && se[0] > 1e15) {
                    long[] got = dev.sim.readLongs(out, n);
                    for (int i = 0; i < n; i++) assertEquals(9007199254740993L + i, got[i], "i64 arange beyond 2^53, element " + i);
                    continue;
                }
                compare("arange " + t + " " + Arrays.toString(se), t, want, dev.get(t, out, n));
            }
    }

    @Test
    void sumToReducesTheDimsThatBroadcast() {
        // g [2,3,4] summed to like [3,1]: dim 0 only reduced, dim 1 kept, dim 2 reduced
        for (DType t : new DType[] {DType.F64, DType.I32})
            for (Schedule s : Schedule.values()) {
                double[] g = ReduceSimTest.data(t, 24, 4);
                PtxEntry e = PtxReduce.reduce("st", Op.SUM, t, 3, 3, s);
                Dev dev = new Dev(e);
                long in = dev.put(t, g), out = dev.alloc(t, 3);
                Object[] a = {out, in, 3L, 8L, 1L, 12L, 3L, 4L, 1L, 1L, 2L, 12L, 1L, 4L, 4L, 1L};
                dev.run(s, e, a);
                double[] want = new double[3];
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++)
                        for (int q = 0; q < 4; q++) want[j] += g[i * 12 + j * 4 + q];
                compare("sum_to " + t + " " + s, t, want, dev.get(t, out, 3));
            }
    }
}
