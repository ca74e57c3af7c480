package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxEntry.Kind;
import dev.txc.cuda.lib.Accumulator.Fold;
import dev.txc.ir.Op;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Reductions over any set of axes: sum, prod, max, min, mean, any, all, argmax, argmin, logsumexp, and arg_mask.
 *
 * <p>The input is a strided view whose dims are split, by the host, into <em>kept</em> dims (one output element per
 * index) and <em>reduced</em> dims (folded together, in C order: an argmax is the flat C-order index within the
 * reduced sub-block). Both lists are static in rank; sizes and element strides are run-time parameters, so one
 * entry serves every shape. A dim may be kept and reduced at once with one of its two sizes 1: that is how
 * {@code sum_to} reduces over whichever dims broadcast at run time.
 *
 * <p>Parameters, in order: {@code out} (PTR; the result in C order over the kept dims: element {@code o} at
 * {@code out + o*itemSize}), {@code in} (PTR; element 0 of the view), {@code count} (U64: the number of outputs,
 * the product of the kept sizes), {@code inner} (U64: the product of the reduced sizes), then for each kept dim
 * {@code ksize_d} (U64), {@code kstride_d} (S64), then for each reduced dim {@code rsize_d} (U64), {@code rstride_d}
 * (S64). arg_mask writes no {@code out} element per output but a bool mask shaped like the input: after the
 * reduced dims come {@code kmask_d} (S64, the mask's stride of each kept dim) and {@code rmask_d} (S64, of each
 * reduced dim), and {@code out} is the mask.
 *
 * <p>Two schedules, same parameters and same results bit for bit only up to the order of float additions:
 * {@link Schedule#BLOCK} runs one block per output element (grid-stride over outputs) with a warp-shuffle and
 * shared-memory tree (for long reduced extents: a row reduction), {@link Schedule#WARP} the same code with blocks of
 * one warp (rows of moderate length); {@link Schedule#THREAD} runs one thread per output,
 * each folding its elements in order (for short extents or outputs adjacent in memory: a column reduction). Either
 * is deterministic: no atomics.
 *
 * <p>Semantics follow the JVM runtime ({@code runtime.Reductions}, {@code runtime.Softmax}): floats accumulate in
 * f64 (f32 widened exactly), sums with Neumaier compensation; integers in i64, wrapping, stored in the input's
 * dtype (sum, prod) or as i64 (argmax, argmin); max/min/argmax/argmin propagate NaN, the first index winning ties
 * and the first NaN counting as both maximum and minimum; mean divides the compensated sum by {@code inner} (0/0 is
 * NaN); logsumexp is {@code m + log(sum exp(x - m))} with {@code m} the NaN-propagating maximum, and {@code m}
 * itself when it is infinite (so an empty slice gives -inf). An empty reduced extent with no identity (max, min,
 * argmax, argmin) is the host's error to raise before launching, as the JVM runtime does.
 */
public final class PtxReduce {
    private PtxReduce() {}

    /** The block size of the BLOCK and THREAD schedules. */
    public static final int BLOCK = 256;

    /** How outputs map to threads. */
    public enum Schedule {
        /** One block of 256 threads per output: long reduced extents, few outputs. */
        BLOCK,
        /** One block of 32 threads (a warp) per output: reduced extents of tens to hundreds, many outputs. */
        WARP,
        /** One thread per output, folding in order: short extents, or outputs adjacent in memory (columns). */
        THREAD;

        /**
         * The schedule for a reduction known only by its axes (sizes come at run time): BLOCK when every dim is
         * reduced (one output; for a large input the host may run {@link #partials} and {@link #finish} instead),
         * WARP when the innermost dim is reduced (rows: a warp reads consecutive elements), THREAD otherwise (only
         * outer dims reduced, or none: adjacent threads compute adjacent outputs and read consecutive elements).
         * Softmax over {@code axis} is the reduction over {@code {axis}}.
         */
        public static Schedule forAxes(int rank, int[] axes) {
            if (axes.length == rank && rank > 0) return BLOCK;
            for (int a : axes) if (a == rank - 1) return WARP;
            return THREAD;
        }

        /** The threads of a block. */
        public int threads() {
            return this == WARP ? 32 : BLOCK_THREADS;
        }

        /** The launch: one block per item ({@code Rows}) or one thread per item ({@code Flat}). */
        PtxEntry.Launch launch(String count) {
            return this == THREAD ? new PtxEntry.Launch.Flat(count, threads()) : new PtxEntry.Launch.Rows(count, threads(), 0);
        }
    }

    private static final int BLOCK_THREADS = 256;

    /**
     * A reduction entry.
     *
     * @param name        the entry's name
     * @param op          one of SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP
     * @param in          the input dtype, as the type rules allow it for {@code op} (bool for any/all)
     * @param keptRank    how many kept dims the parameters describe
     * @param reducedRank how many reduced dims the parameters describe
     * @param schedule    one block per output or one thread per output
     * @return an entry with {@link PtxEntry.Launch.Rows}{@code ("count", 256, 0)} for BLOCK,
     *     {@code Rows("count", 32, 0)} for WARP, or {@link PtxEntry.Launch.Flat}{@code ("count", 256)} for THREAD. Rule
     *     of thumb for a lowering that knows only the axes: BLOCK or WARP when the reduced dims include the input's
     *     innermost (contiguous) dim, so that a block's threads read consecutive elements; THREAD when only outer
     *     dims are reduced, so that adjacent threads (adjacent outputs) read consecutive elements.
     */
    public static PtxEntry reduce(String name, Op op, DType in, int keptRank, int reducedRank, Schedule schedule) {
        Reducer r = Reducer.valueOf(op.name());
        check(r, in);
        return new PtxReduce.Gen(name, r, in, keptRank, reducedRank, schedule, false).build();
    }

    /**
     * An arg_mask entry: a bool mask shaped like the input, true exactly at the first maximal ({@code max}) or minimal
     * element of each reduced slice (float NaN counting as both); parameters as {@link #reduce} plus the mask strides.
     */
    public static PtxEntry argMask(String name, DType in, boolean max, int keptRank, int reducedRank, Schedule schedule) {
        Reducer r = max ? Reducer.ARGMAX : Reducer.ARGMIN;
        check(r, in);
        return new PtxReduce.Gen(name, r, in, keptRank, reducedRank, schedule, true).build();
    }

    /**
     * The first pass of a two-pass reduction, for few outputs over a long extent (a full reduction of a large input):
     * each output's reduced extent is cut into {@code parts} consecutive chunks, one block per (output, chunk), and
     * each block writes its accumulator (Accumulator components, 8 bytes each: {@link #partialBytes}) to
     * {@code out[(o * parts + c)]}; {@link #finish} combines them in chunk order. Parameters: as {@link #reduce}
     * (with {@code out} the scratch of {@code count * parts} records), then {@code parts} (U64) and {@code units}
     * (U64: {@code count * parts}). Launch: {@link PtxEntry.Launch.Rows}{@code ("units", 256, 0)}. Not for logsumexp.
     */
    public static PtxEntry partials(String name, Op op, DType in, int keptRank, int reducedRank) {
        Reducer r = Reducer.valueOf(op.name());
        check(r, in);
        if (r == Reducer.LOGSUMEXP) throw new IllegalArgumentException("logsumexp runs in one pass");
        var g = new PtxReduce.Gen(name, r, in, keptRank, reducedRank, Schedule.BLOCK, false);
        g.partial = true;
        return g.build();
    }

    /** The bytes of one partial record of {@link #partials}. */
    public static int partialBytes(Op op, DType in) {
        return 8 * fold(Reducer.valueOf(op.name()), in).components();
    }

    /**
     * The second pass: {@code out[o]} = the partials of output o combined in order, then finished as {@link #reduce}
     * finishes (the mean's division, the dtype's rounding). Parameters: {@code out} (PTR), {@code partials} (PTR),
     * {@code count} (U64), {@code inner} (U64: the reduced extent, for the mean), {@code parts} (U64). Launch:
     * {@link PtxEntry.Launch.Flat}{@code ("count", 256)}: one thread per output.
     */
    public static PtxEntry finish(String name, Op op, DType in) {
        Reducer r = Reducer.valueOf(op.name());
        check(r, in);
        if (r == Reducer.LOGSUMEXP) throw new IllegalArgumentException("logsumexp runs in one pass");
        var g = new PtxReduce.Gen(name, r, in, 0, 0, Schedule.THREAD, false);
        return g.finish();
    }

    /** The reductions, named as their {@link Op}s. */
    enum Reducer { SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP }

    /** The dtype of the result of {@code op} over {@code in} (bool sums are not accepted by the type rules). */
    public static DType resultType(Op op, DType in) {
        return switch (Reducer.valueOf(op.name())) {
            case ARGMAX, ARGMIN -> DType.I64;
            case ANY, ALL -> DType.BOOL;
            case SUM, PROD, MAX, MIN, MEAN, LOGSUMEXP -> in;
        };
    }

    private static void check(Reducer r, DType in) {
        boolean ok = switch (r) {
            case SUM, PROD, MAX, MIN, ARGMAX, ARGMIN -> in.isNumeric();
            case MEAN, LOGSUMEXP -> in.isFloat();
            case ANY, ALL -> in == DType.BOOL;
        };
        if (!ok) throw new IllegalArgumentException(r.name().toLowerCase() + " does not take " + in.spelling());
    }

    static Fold fold(Reducer r, DType in) {
        boolean f = in.isFloat();
        return switch (r) {
            case SUM, MEAN -> f ? Fold.FSUM : Fold.ISUM;
            case PROD -> f ? Fold.FPROD : Fold.IPROD;
            case MAX, LOGSUMEXP -> f ? Fold.FMAX : Fold.IMAX;
            case MIN -> f ? Fold.FMIN : Fold.IMIN;
            case ANY -> Fold.OR;
            case ALL -> Fold.AND;
            case ARGMAX -> f ? Fold.FARGMAX : Fold.IARGMAX;
            case ARGMIN -> f ? Fold.FARGMIN : Fold.IARGMIN;
        };
    }

    /** One entry being generated. */
    private static final class Gen {
        private final Reducer r;
        private final DType in;
        private final int kept, reduced;
        private final boolean block, mask;
        private boolean partial;
        private final Schedule schedule;
        private String parts, units, lo, hi;
        private final Ptx x;
        private String out, src, count, inner, tid, step, smem;
        private final List<String> ksize = new ArrayList<>(), kstride = new ArrayList<>(), rsize = new ArrayList<>(),
                rstride = new ArrayList<>(), kmask = new ArrayList<>(), rmask = new ArrayList<>();

        Gen(String name, Reducer r, DType in, int kept, int reduced, Schedule s, boolean mask) {
            this.r = r;
            this.in = in;
            this.kept = kept;
            this.reduced = reduced;
            this.block = s != Schedule.THREAD;
            this.schedule = s;
            this.mask = mask;
            this.x = new Ptx(name);
        }

        PtxEntry build() {
            params();
            // outputs: o = first; o < count; o += stride (blocks, or threads of the whole grid)
            String o = x.r64(), ostep = x.r64(), top = x.label(), done = x.label(), p = x.pred();
            if (block) {
                tid = x.special("%tid.x");
                step = x.special("%ntid.x");
                x.op("mov.b64 " + o + ", " + x.special("%ctaid.x"));
                String g = x.special("%nctaid.x");
                x.op("mov.b64 " + ostep + ", " + g);
                smem = x.sharedArray("smem", 32 * 2 * 8 + 16);
            } else {
                String t = x.special("%tid.x"), nt = x.special("%ntid.x"), c = x.special("%ctaid.x"), g = x.special("%nctaid.x");
                x.op("mad.lo.s64 " + o + ", " + c + ", " + nt + ", " + t);
                x.op("mul.lo.s64 " + ostep + ", " + g + ", " + nt);
                tid = x.const64(0);
                step = x.const64(1);
            }
            x.at(top);
            x.op("setp.ge.u64 " + p + ", " + o + ", " + (partial ? units : count));
            x.braIf(p, done);
            if (partial) part(o);
            else one(o);
            x.op("add.s64 " + o + ", " + o + ", " + ostep);
            x.bra(top);
            x.at(done);
            var launch = partial ? new PtxEntry.Launch.Rows("units", BLOCK, 0)
                    : schedule.launch("count");
            return x.entry(launch);
        }

        PtxEntry finish() {
            out = x.param("out", Kind.PTR);
            String partials = x.param("partials", Kind.PTR);
            count = x.param("count", Kind.U64);
            inner = x.param("inner", Kind.U64);
            parts = x.param("parts", Kind.U64);
            Fold fold = fold(r, in);
            int comps = fold.components();
            PtxCopy.gridStride(x, count, o -> {
                Accumulator acc = Accumulator.identity(x, fold);
                String one = x.const64(1), zero = x.const64(0), first = x.r64();
                x.op("mul.lo.s64 " + first + ", " + o + ", " + parts);
                x.forRange(zero, parts, one, c -> {
                    String at = x.r64();
                    x.op("add.s64 " + at + ", " + first + ", " + c);
                    x.op("mad.lo.s64 " + at + ", " + at + ", " + 8 * comps + ", " + partials);
                    var other = new ArrayList<String>();
                    for (int k = 0; k < comps; k++) {
                        String reg = k == 0 && fold.floatValue() || fold == Fold.FSUM ? x.f64() : x.r64();
                        x.op("ld.global.b64 " + reg + ", [" + at + "+" + 8 * k + "]");
                        other.add(reg);
                    }
                    acc.merge(other);
                });
                storeResult(acc, o);
            });
            return x.entry(new PtxEntry.Launch.Flat("count", BLOCK));
        }

        private void params() {
            out = x.param("out", Kind.PTR);
            src = x.param("in", Kind.PTR);
            count = x.param("count", Kind.U64);
            inner = x.param("inner", Kind.U64);
            for (int d = 0; d < kept; d++) {
                ksize.add(x.param("ksize" + d, Kind.U64));
                kstride.add(x.param("kstride" + d, Kind.S64));
            }
            for (int d = 0; d < reduced; d++) {
                rsize.add(x.param("rsize" + d, Kind.U64));
                rstride.add(x.param("rstride" + d, Kind.S64));
            }
            if (partial) {
                parts = x.param("parts", Kind.U64);
                units = x.param("units", Kind.U64);
            }
            if (mask) {
                for (int d = 0; d < kept; d++) kmask.add(x.param("kmask" + d, Kind.S64));
                for (int d = 0; d < reduced; d++) rmask.add(x.param("rmask" + d, Kind.S64));
            }
        }

        // the reduction of output o
        private void one(String o) {
            String base = x.const64(0), mbase = x.const64(0);
            if (mask) x.offset(o, ksize, List.of(kstride, kmask), List.of(base, mbase));
            else x.offset(o, ksize, List.of(kstride), List.of(base));
            Fold fold = fold(r, in);
            Accumulator acc = Accumulator.identity(x, fold);
            elements(base, (v, j) -> acc.add(v, j));
            combine(acc);
            if (mask) {
                String best = broadcast(acc.regs.get(1), false);
                writeMask(mbase, best);
            } else if (r == Reducer.LOGSUMEXP) {
                logsumexp(base, o, broadcast(acc.regs.getFirst(), true));
            } else {
                storeResult(acc, o);
            }
            if (block) x.op("bar.sync 0");
        }

        // unit u of the first pass: part c = u % parts of output o = u / parts, its accumulator's components stored
        private void part(String u) {
            String o = x.r64(), c = x.r64(), chunk = x.r64(), base = x.const64(0);
            lo = x.r64();
            hi = x.r64();
            x.op("div.u64 " + o + ", " + u + ", " + parts);
            x.op("rem.u64 " + c + ", " + u + ", " + parts);
            x.op("add.s64 " + chunk + ", " + inner + ", " + parts);
            x.op("sub.s64 " + chunk + ", " + chunk + ", 1");
            x.op("div.u64 " + chunk + ", " + chunk + ", " + parts);
            x.op("mul.lo.s64 " + lo + ", " + c + ", " + chunk);
            x.op("min.u64 " + lo + ", " + lo + ", " + inner);
            x.op("add.s64 " + hi + ", " + lo + ", " + chunk);
            x.op("min.u64 " + hi + ", " + hi + ", " + inner);
            x.op("add.s64 " + lo + ", " + lo + ", " + tid);
            x.offset(o, ksize, List.of(kstride), List.of(base));
            Accumulator acc = Accumulator.identity(x, fold(r, in));
            elements(base, (v, j) -> acc.add(v, j));
            combine(acc);
            String p = x.pred(), skip = x.label(), at = x.r64();
            x.op("setp.ne.s64 " + p + ", " + tid + ", 0");
            x.braIf(p, skip);
            x.op("mul.lo.s64 " + at + ", " + u + ", " + 8 * acc.fold.components());
            x.op("add.s64 " + at + ", " + at + ", " + out);
            for (int k = 0; k < acc.regs.size(); k++) x.op("st.global.b64 [" + at + "+" + 8 * k + "], " + acc.regs.get(k));
            x.at(skip);
            x.op("bar.sync 0");
        }

        /** Runs {@code body} over this thread's elements of the slice at {@code base}: v widened, j its flat index. */
        private void elements(String base, java.util.function.BiConsumer<String, String> body) {
            x.forRange(partial ? lo : tid, partial ? hi : inner, step, j -> {
                String off = x.r64();
                x.op("mov.b64 " + off + ", " + base);
                x.offset(j, rsize, List.of(rstride), List.of(off));
                body.accept(x.loadWide(in, x.address(src, off, in.itemSize())), j);
            });
        }

        private void combine(Accumulator acc) {
            if (block) acc.blockReduce(smem, tid, step);
        }

        /** The block's result (in thread 0) made visible to every thread through shared memory; a no-op per thread. */
        private String broadcast(String reg, boolean isFloat) {
            return block ? x.broadcast(reg, isFloat, tid, smem + "+" + 32 * 2 * 8) : reg;
        }

        private void storeResult(Accumulator acc, String o) {
            String skip = x.label();
            if (block) {
                String p = x.pred();
                x.op("setp.ne.s64 " + p + ", " + tid + ", 0");
                x.braIf(p, skip);
            }
            DType outType = resultType(Op.valueOf(r.name()), in);
            String v = switch (acc.fold) {
                case FSUM -> {
                    String s = acc.sumValue();
                    if (r == Reducer.MEAN) {
                        String n = x.f64();
                        x.op("cvt.rn.f64.u64 " + n + ", " + inner);
                        x.op("div.rn.f64 " + s + ", " + s + ", " + n);
                    }
                    yield s;
                }
                case FARGMAX, FARGMIN, IARGMAX, IARGMIN -> acc.regs.get(1);
                case FPROD, FMAX, FMIN, ISUM, IPROD, IMAX, IMIN, OR, AND -> acc.regs.getFirst();
            };
            x.storeWide(outType, x.address(out, o, outType.itemSize()), v);
            x.at(skip);
        }

        private void logsumexp(String base, String o, String m) {
            String a = x.f64(), p = x.pred(), result = x.f64(), store = x.label();
            x.op("mov.f64 " + result + ", " + m);
            x.op("abs.f64 " + a + ", " + m);
            x.op("setp.eq.f64 " + p + ", " + a + ", " + Accumulator.POS_INF);
            x.braIf(p, store);
            Accumulator sum = Accumulator.identity(x, Fold.FSUM);
            elements(base, (v, j) -> {
                String z = x.f64(), e = x.f64();
                x.op("sub.rn.f64 " + z + ", " + v + ", " + m);
                x.op("call (" + e + "), txc_exp_f64, (" + z + ")");
                sum.add(e, j);
            });
            x.calls("txc_exp_f64");
            x.calls("txc_log_f64");
            combine(sum);
            String s = sum.sumValue(), l = x.f64();
            x.op("call (" + l + "), txc_log_f64, (" + s + ")");
            x.op("add.rn.f64 " + result + ", " + m + ", " + l);
            x.at(store);
            String skip = x.label();
            if (block) {
                String q = x.pred();
                x.op("setp.ne.s64 " + q + ", " + tid + ", 0");
                x.braIf(q, skip);
            }
            x.storeWide(in, x.address(out, o, in.itemSize()), result);
            x.at(skip);
        }

        // mask[j] = (j == best) over this thread's elements of the slice
        private void writeMask(String mbase, String best) {
            x.forRange(tid, inner, step, j -> {
                String off = x.r64(), q = x.pred(), b = x.r32();
                x.op("mov.b64 " + off + ", " + mbase);
                x.offset(j, rsize, List.of(rmask), List.of(off));
                x.op("setp.eq.s64 " + q + ", " + j + ", " + best);
                x.op("selp.b32 " + b + ", 1, 0, " + q);
                x.op("st.global.b8 [" + x.address(out, off, 1) + "], " + b);
            });
        }
    }
}
