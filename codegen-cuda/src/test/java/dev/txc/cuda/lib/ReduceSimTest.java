package dev.txc.cuda.lib;

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

/**
 * Reductions run on the PTX interpreter against plain Java loops that state NumPy's semantics (the JVM runtime's):
 * every op over every dtype it takes, over contiguous, transposed, broadcast, reversed, empty and one-element views,
 * several axis sets, both schedules, with grids smaller than the output count (grid-stride) and blocks of several warps.
 */
class ReduceSimTest {
    static final List<Op> OPS = ReduceAssembleTest.OPS;

    static List<View> views() {
        return List.of(
                View.contiguous(3, 4, 5),
                new View("transposed (2,0,1) of [3,4,5]", new int[] {5, 3, 4}, new long[] {1, 20, 5}, 0),
                new View("broadcast dim 1 of [3,1,5]", new int[] {3, 4, 5}, new long[] {5, 0, 1}, 0),
                new View("reversed dim 2 of [3,4,5]", new int[] {3, 4, 5}, new long[] {20, 5, -1}, 4),
                new View("empty [3,0,5]", new int[] {3, 0, 5}, new long[] {0, 5, 1}, 0),
                View.contiguous(1, 1, 1));
    }

    static final int[][] AXES = {{}, {0}, {1}, {2}, {0, 2}, {1, 2}, {0, 1, 2}};

    static double[] data(DType t, int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t) {
                case F64 -> r.nextInt(5) == 0 ? v[Math.max(0, i - 1)] : r.nextGaussian() * 10;
                case F32 -> (float) (r.nextInt(5) == 0 ? v[Math.max(0, i - 1)] : r.nextGaussian() * 10);
                case I64 -> r.nextInt(2000001) - 1000000;
                case I32, I16, I8 -> r.nextInt(101) - 50;
                case U8 -> r.nextInt(256);
                case BOOL -> r.nextInt(3) == 0 ? 0 : 1;
            };
        }
        return v;
    }

    static boolean noIdentity(Op op) {
        return op == Op.MAX || op == Op.MIN || op == Op.ARGMAX || op == Op.ARGMIN;
    }

    @Test
    void everyReductionMatchesJavaLoops() {
        int checked = 0;
        for (Op op : OPS)
            for (DType t : DType.values()) {
                if (!ReduceAssembleTest.accepts(op, t)) continue;
                for (Schedule s : Schedule.values()) {
                    var cases = new ArrayList<Object[]>();
                    for (View v : views())
                        for (int[] axes : AXES) {
                            if (noIdentity(op) && v.size() == 0 && axes.length > 0 && hasZero(v, axes)) continue;
                            cases.add(new Object[] {v, axes});
                        }
                    checked += run(op, t, s, cases, 1000L * op.ordinal() + t.ordinal());
                }
            }
        assertEquals(true, checked > 1000, "checked " + checked + " values");
    }

    @Test
    void nanAndTiesInMaxMinArgmaxArgmin() {
        double nan = Double.NaN;
        double[] base = {1, 7, 7, nan, 7, nan, -3, -3, 2, 5, 5, 1};
        View v = View.contiguous(3, 4);
        for (DType t : new DType[] {DType.F64, DType.F32})
            for (Op op : new Op[] {Op.MAX, Op.MIN, Op.ARGMAX, Op.ARGMIN, Op.SUM, Op.MEAN, Op.LOGSUMEXP})
                for (Schedule s : Schedule.values())
                    for (int[] axes : new int[][] {{0}, {1}, {0, 1}}) check(op, t, s, base, v, axes);
    }

    @Test
    void infinitiesInSumsAndLogsumexp() {
        double inf = Double.POSITIVE_INFINITY;
        double[] base = {inf, 1, 2, -inf, 3, -inf, -inf, -inf, 1e308, 1e308, -1e308, 4};
        View v = View.contiguous(3, 4);
        for (Op op : new Op[] {Op.SUM, Op.MEAN, Op.LOGSUMEXP, Op.MAX, Op.PROD})
            for (Schedule s : Schedule.values()) check(op, DType.F64, s, base, v, new int[] {1});
    }

    @Test
    void longRowsUseEveryThreadOfTheBlockAndTheEntrysOwnLaunch() {
        View v = View.contiguous(2, 1000);
        double[] base = data(DType.F64, 2000, 5);
        for (Op op : new Op[] {Op.SUM, Op.ARGMIN, Op.LOGSUMEXP}) {
            PtxEntry e = PtxReduce.reduce("r", op, DType.F64, 1, 1, Schedule.BLOCK);
            Dev dev = new Dev(e);
            long in = dev.put(DType.F64, base), out = dev.alloc(PtxReduce.resultType(op, DType.F64), 2);
            dev.run(e, args(out, in, 0, v, new int[] {1}, DType.F64).toArray());
            compare(op + " " + v.what(), PtxReduce.resultType(op, DType.F64), reference(op, DType.F64, base, v, new int[] {1}),
                    dev.get(PtxReduce.resultType(op, DType.F64), out, 2));
        }
    }

    @Test
    void twoPassReductionsCombinePartialsInOrder() {
        View v = View.contiguous(1001);
        for (DType t : new DType[] {DType.F64, DType.F32, DType.I32, DType.U8, DType.BOOL})
            for (Op op : OPS) {
                if (!ReduceAssembleTest.accepts(op, t) || op == Op.LOGSUMEXP) continue;
                double[] base = data(t, 1001, op.ordinal());
                PtxEntry p = PtxReduce.partials("p", op, t, 0, 1), f = PtxReduce.finish("f", op, t);
                Dev dev = new Dev(p, f);
                long parts = 3;
                long in = dev.put(t, base), scratch = dev.sim.alloc(parts * PtxReduce.partialBytes(op, t));
                DType rt = PtxReduce.resultType(op, t);
                long out = dev.alloc(rt, 1);
                var a = args(scratch, in, 0, v, new int[] {0}, t);
                a.add(parts);
                a.add(parts);
                dev.runOn(2, 64, p, a.toArray());
                dev.runOn(1, 32, f, out, scratch, 1L, 1001L, parts);
                compare(op + " two-pass " + t, rt, reference(op, t, base, v, new int[] {0}), dev.get(rt, out, 1));
            }
    }

    @Test
    void argMaskMarksTheFirstExtremeOfEachSlice() {
        double[] base = {1, 7, 7, Double.NaN, 7, Double.NaN, -3, -3, 2, 5, 5, 1};
        for (DType t : new DType[] {DType.F64, DType.F32, DType.I32}) {
            double[] vals = t.isFloat() ? base : Arrays.stream(base).map(d -> Double.isNaN(d) ? 9 : d).toArray();
            for (View v : List.of(View.contiguous(3, 4), new View("transposed [4,3]", new int[] {4, 3}, new long[] {1, 4}, 0)))
                for (boolean max : new boolean[] {true, false})
                    for (Schedule s : Schedule.values())
                        for (int[] axes : new int[][] {{0}, {1}, {0, 1}}) {
                            var kept = v.dims(axes, false);
                            var red = v.dims(axes, true);
                            PtxEntry e = PtxReduce.argMask("m", t, max, kept.size(), red.size(), s);
                            Dev dev = new Dev(e);
                            long in = dev.put(t, vals);
                            int n = (int) v.size();
                            long out = dev.alloc(DType.BOOL, n);
                            var a = args(out, in, 0, v, axes, t);
                            long[] ms = View.cStrides(v.shape());
                            for (int d : kept) a.add(ms[d]);
                            for (int d : red) a.add(ms[d]);
                            launch(dev, e, s, a);
                            // reference: the argmax of each slice, marked in a C-order mask of the view's shape
                            double[] arg = reference(max ? Op.ARGMAX : Op.ARGMIN, t, vals, v, axes);
                            double[] want = new double[n];
                            long[] pos = v.positions();
                            int o = 0;
                            for (int[] slice : slices(v, axes)) want[slice[(int) arg[o++]]] = 1;
                            compare("arg_mask " + max + " " + t + " " + v.what() + " axes " + Arrays.toString(axes) + " " + s,
                                    DType.BOOL, want, dev.get(DType.BOOL, out, n));
                            assertEquals(n, pos.length);
                        }
        }
    }

    // ---- helpers ----

    private static boolean hasZero(View v, int[] axes) {
        for (int a : axes) if (v.shape()[a] == 0) return true;
        return v.size() == 0;
    }

    private static int run(Op op, DType t, Schedule s, List<Object[]> cases, long seed) {
        int n = 0;
        for (Object[] c : cases) {
            View v = (View) c[0];
            double[] base = data(t, Math.max(v.extent(), 1), seed);
            n += check(op, t, s, base, v, (int[]) c[1]);
        }
        return n;
    }

    private static int check(Op op, DType t, Schedule s, double[] base, View v, int[] axes) {
        var kept = v.dims(axes, false);
        var red = v.dims(axes, true);
        PtxEntry e = PtxReduce.reduce("r", op, t, kept.size(), red.size(), s);
        Dev dev = new Dev(e);
        long in = dev.put(t, base);
        DType rt = PtxReduce.resultType(op, t);
        double[] want = reference(op, t, base, v, axes);
        long out = dev.alloc(rt, want.length);
        launch(dev, e, s, args(out, in, v.offset() * t.itemSize(), v, axes, t));
        compare(op.spelling() + " " + t.spelling() + " " + v.what() + " axes " + Arrays.toString(axes) + " " + s, rt, want,
                dev.get(rt, out, want.length));
        return want.length;
    }

    private static void launch(Dev dev, PtxEntry e, Schedule s, List<Object> a) {
        if (s == Schedule.BLOCK) dev.runOn(2, 64, e, a.toArray());
        else dev.runOn(1, 32, e, a.toArray());
    }

    static List<Object> args(long out, long in, long byteOffset, View v, int[] axes, DType t) {
        var kept = v.dims(axes, false);
        var red = v.dims(axes, true);
        long count = 1, inner = 1;
        for (int d : kept) count *= v.shape()[d];
        for (int d : red) inner *= v.shape()[d];
        var a = new ArrayList<Object>(List.of(out, in + byteOffset, count, inner));
        for (int d : kept) {
            a.add((long) v.shape()[d]);
            a.add(v.strides()[d]);
        }
        for (int d : red) {
            a.add((long) v.shape()[d]);
            a.add(v.strides()[d]);
        }
        return a;
    }

    /** For each output (kept index, C order), the indices into the view's C-order elements of its slice, in C order. */
    static List<int[]> slices(View v, int[] axes) {
        int n = (int) v.size();
        var kept = v.dims(axes, false);
        var red = v.dims(axes, true);
        int outs = 1, inner = 1;
        for (int d : kept) outs *= v.shape()[d];
        for (int d : red) inner *= v.shape()[d];
        long[] cs = View.cStrides(v.shape());
        var out = new ArrayList<int[]>();
        for (int o = 0; o < outs; o++) {
            int base = 0, rem = o;
            for (int k = kept.size() - 1; k >= 0; k--) {
                int d = kept.get(k);
                base += (int) ((rem % v.shape()[d]) * cs[d]);
                rem /= v.shape()[d];
            }
            int[] idx = new int[inner];
            for (int j = 0; j < inner; j++) {
                int off = base;
                rem = j;
                for (int k = red.size() - 1; k >= 0; k--) {
                    int d = red.get(k);
                    off += (int) ((rem % v.shape()[d]) * cs[d]);
                    rem /= v.shape()[d];
                }
                idx[j] = off;
            }
            out.add(idx);
        }
        if (n < 0) throw new IllegalStateException();
        return out;
    }

    /** NumPy's reduction of each slice, in plain Java. */
    static double[] reference(Op op, DType t, double[] base, View v, int[] axes) {
        long[] pos = v.positions();
        var sl = slices(v, axes);
        double[] out = new double[sl.size()];
        for (int o = 0; o < out.length; o++) {
            double[] x = Arrays.stream(sl.get(o)).mapToDouble(i -> base[(int) pos[i]]).toArray();
            out[o] = one(op, t, x);
        }
        return out;
    }

    private static double one(Op op, DType t, double[] x) {
        boolean f = t.isFloat();
        return switch (op.spelling()) {
            case "sum" -> f ? t.round(Arrays.stream(x).sum()) : t.wrap(Arrays.stream(x).mapToLong(d -> (long) d).sum());
            case "prod" -> {
                double p = 1;
                long q = 1;
                for (double d : x) {
                    p *= d;
                    q *= (long) d;
                }
                yield f ? t.round(p) : t.wrap(q);
            }
            case "max", "min" -> {
                boolean max = op == Op.MAX;
                double m = x[0];
                for (double d : x) {
                    if (Double.isNaN(d) || Double.isNaN(m)) m = Double.NaN;
                    else m = max ? Math.max(m, d) : Math.min(m, d);
                }
                yield m;
            }
            case "mean" -> t.round(Arrays.stream(x).sum() / x.length);
            case "any" -> Arrays.stream(x).anyMatch(d -> d != 0) ? 1 : 0;
            case "all" -> Arrays.stream(x).allMatch(d -> d != 0) ? 1 : 0;
            case "argmax", "argmin" -> {
                int best = 0;
                for (int i = 0; i < x.length; i++) {
                    if (Double.isNaN(x[i])) {
                        best = i;
                        break;
                    }
                    if (op == Op.ARGMAX ? x[i] > x[best] : x[i] < x[best]) best = i;
                }
                yield best;
            }
            case "logsumexp" -> {
                double m = Double.NEGATIVE_INFINITY;
                for (double d : x) m = Double.isNaN(d) || Double.isNaN(m) ? Double.NaN : Math.max(m, d);
                if (Double.isInfinite(m)) yield m;
                double s = 0;
                for (double d : x) s += Math.exp(d - m);
                yield t.round(m + Math.log(s));
            }
            default -> throw new IllegalArgumentException(op.spelling());
        };
    }

    static void compare(String what, DType t, double[] want, double[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double w = want[i], g = got[i];
            boolean ok = Double.isNaN(w) ? Double.isNaN(g)
                    : w == g || (t == DType.F64 && Math.abs(w - g) <= 1e-12 * Math.max(1, Math.abs(w)))
                    || (t == DType.F32 && Math.abs(w - g) <= 2 * Math.ulp((float) w));
            if (!ok) fail(what + ": element " + i + " is " + g + ", expected " + w + "\nexpected " + Arrays.toString(want)
                    + "\ngot      " + Arrays.toString(got));
        }
    }
}
