package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxEntry.Kind;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Matrix products: {@link #matmul} (batched, broadcasting batch dims, shared-memory tiled) and {@link #gemv}.
 *
 * <p>Operands are strided views: any row and column strides (a transposed operand {@code x.T} is read in place,
 * without a copy), any batch strides (0 for a broadcast batch dim). The result is written contiguously. Accumulation:
 * f64 in f64, integers as in i64 (wrapping, as NumPy's accumulator; stored in the dtype, wrapping again; dtypes
 * of at most 32 bits accumulate in 32-bit registers, whose wrapped result is the same), f32 in f32
 * with fused multiply-adds in matmul (as cuBLAS and NumPy's BLAS do; the JVM backend accumulates f32 products in
 * double, so f32 results differ from it by rounding, about k * 2^-24 relative at worst) and in f64 in gemv (a
 * bandwidth-bound kernel, where the wider accumulator costs nothing).
 */
public final class PtxMatmul {
    private PtxMatmul() {}

    static final int THREADS = 256;
    static final int TK = 16;

    /** The tile of the result one block computes (rows = columns) for a dtype: 128 up to 4-byte dtypes, 64 for 8-byte. */
    public static int tile(DType t) {
        return 16 * micro(t);
    }

    // each of the 16x16 threads computes a micro x micro block of the tile
    private static int micro(DType t) {
        return t.itemSize() <= 4 ? 8 : 4;
    }

    /**
     * {@code C[b] = A[b] @ B[b]} for every batch index b.
     *
     * <p>Parameters, in order: {@code c} (PTR: the m x n results, batch after batch, row-major and contiguous),
     * {@code a} (PTR: element 0 of A), {@code b} (PTR: element 0 of B), {@code m}, {@code n}, {@code k}, {@code batch}
     * (U64: the number of products, the product of the batch sizes), {@code ars}, {@code acs} (S64: A's row and column
     * strides, elements), {@code brs}, {@code bcs} (S64: B's), then for each batch dim, outermost first:
     * {@code bsize_d} (U64), {@code astride_d}, {@code bstride_d} (S64; 0 where that operand broadcasts).
     * Launch: {@link PtxEntry.Launch.Tiles}{@code ("m", "n", "batch", T, T, 256, 0)}, T = {@link #tile}; any grid is
     * correct (blocks loop over tiles and batches).
     *
     * @param name      the entry's name
     * @param dtype     a numeric dtype (f32, f64, i8, i16, i32, i64, u8)
     * @param batchRank the number of batch dims the parameters describe
     * @param transA    layout hint: A's columns (k) are not contiguous but its rows are (A is a transposed view);
     *                  picks the coalesced loading order, never changes the result
     * @param transB    layout hint: B's rows (k) are contiguous (B is a transposed view)
     */
    public static PtxEntry matmul(String name, DType dtype, int batchRank, boolean transA, boolean transB) {
        if (!dtype.isNumeric()) throw new IllegalArgumentException("matmul takes numbers, not " + dtype.spelling());
        return new Gen(name, dtype, batchRank, transA, transB).build();
    }

    /**
     * {@code y = A x}: y[i] = sum_t A[i, t] x[t]. For {@code x @ A} pass A's strides swapped (A.T x).
     *
     * <p>Parameters, in order: {@code y} (PTR: m results, contiguous), {@code a} (PTR), {@code x} (PTR), {@code m},
     * {@code k} (U64), {@code ars}, {@code acs} (S64: A's row and column strides), {@code xs} (S64: x's stride).
     * Floats accumulate in f64 with Neumaier compensation (products of f32 are exact in f64), integers in i64.
     * {@link PtxReduce.Schedule#BLOCK}: a block of 256 threads per row, tree-reduced
     * ({@link PtxEntry.Launch.Rows}{@code ("m", 256, 0)}; for A with contiguous rows); {@link PtxReduce.Schedule#THREAD}:
     * a thread per row ({@link PtxEntry.Launch.Flat}{@code ("m", 256)}; for A with contiguous columns, or short rows).
     */
    public static PtxEntry gemv(String name, DType dtype, PtxReduce.Schedule schedule) {
        if (!dtype.isNumeric()) throw new IllegalArgumentException("gemv takes numbers, not " + dtype.spelling());
        Ptx x = new Ptx(name);
        boolean block = schedule == PtxReduce.Schedule.BLOCK;
        String y = x.param("y", Kind.PTR), a = x.param("a", Kind.PTR), v = x.param("x", Kind.PTR);
        String m = x.param("m", Kind.U64), k = x.param("k", Kind.U64);
        String ars = x.param("ars", Kind.S64), acs = x.param("acs", Kind.S64), xs = x.param("xs", Kind.S64);
        String tid, step, first, rstep, smem = null;
        if (block) {
            tid = x.special("%tid.x");
            step = x.special("%ntid.x");
            first = x.special("%ctaid.x");
            rstep = x.special("%nctaid.x");
            smem = x.sharedArray("smem", 32 * 2 * 8);
        } else {
            String t = x.special("%tid.x"), nt = x.special("%ntid.x"), c = x.special("%ctaid.x"), g = x.special("%nctaid.x");
            first = x.r64();
            rstep = x.r64();
            x.op("mad.lo.s64 " + first + ", " + c + ", " + nt + ", " + t);
            x.op("mul.lo.s64 " + rstep + ", " + g + ", " + nt);
            tid = x.const64(0);
            step = x.const64(1);
        }
        String sm = smem;
        Accumulator.Fold fold = dtype.isFloat() ? Accumulator.Fold.FSUM : Accumulator.Fold.ISUM;
        x.forRange(first, m, rstep, i -> {
            String rowBase = x.r64();
            x.op("mul.lo.s64 " + rowBase + ", " + i + ", " + ars);
            Accumulator acc = Accumulator.identity(x, fold);
            x.forRange(tid, k, step, t -> {
                String ao = x.r64(), xo = x.r64(), prod = dtype.isFloat() ? x.f64() : x.r64();
                x.op("mad.lo.s64 " + ao + ", " + t + ", " + acs + ", " + rowBase);
                x.op("mul.lo.s64 " + xo + ", " + t + ", " + xs);
                String av = x.loadWide(dtype, x.address(a, ao, dtype.itemSize()));
                String xv = x.loadWide(dtype, x.address(v, xo, dtype.itemSize()));
                x.op((dtype.isFloat() ? "mul.rn.f64 " : "mul.lo.s64 ") + prod + ", " + av + ", " + xv);
                acc.add(prod, t);
            });
            String skip = x.label();
            if (block) {
                acc.blockReduce(sm, tid, step);
                String p = x.pred();
                x.op("setp.ne.s64 " + p + ", " + tid + ", 0");
                x.braIf(p, skip);
            }
            String result = dtype.isFloat() ? acc.sumValue() : acc.regs.getFirst();
            x.storeWide(dtype, x.address(y, i, dtype.itemSize()), result);
            x.at(skip);
            if (block) x.op("bar.sync 0");
        });
        var launch = block ? new PtxEntry.Launch.Rows("m", PtxReduce.BLOCK, 0) : new PtxEntry.Launch.Flat("m", PtxReduce.BLOCK);
        return x.entry(launch);
    }

    /** The register and shared-memory type of the accumulation: f32, f64 or s64. */
    private static String ctype(DType t) {
        return switch (t) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I64 -> "s64";
            // the low 32 bits of a sum of products depend only on the low 32 bits of the operands: the result,
            // wrapped to the dtype, is that of the JVM's i64 accumulation
            case BOOL, I8, I16, I32, U8 -> "s32";
        };
    }

    private static final class Gen {
        private final DType dtype;
        private final int batchRank, r, tm, size, rowStride;
        private final boolean transA, transB;
        private final String ct;
        private final Ptx x;
        private String c, a, b, m, n, k, batch, ars, acs, brs, bcs, tid, as, bs;
        private final List<String> bsize = new ArrayList<>(), astr = new ArrayList<>(), bstr = new ArrayList<>();

        Gen(String name, DType dtype, int batchRank, boolean transA, boolean transB) {
            this.dtype = dtype;
            this.batchRank = batchRank;
            this.transA = transA;
            this.transB = transB;
            this.r = micro(dtype);
            this.tm = 16 * r;
            this.ct = ctype(dtype);
            this.size = ct.equals("f32") || ct.equals("s32") ? 4 : 8;
            this.rowStride = tm + 16 / size;
            this.x = new Ptx(name);
        }

        String reg() {
            return switch (ct) {
                case "f32" -> x.f32();
                case "f64" -> x.f64();
                case "s32" -> x.r32();
                default -> x.r64();
            };
        }

        PtxEntry build() {
            c = x.param("c", Kind.PTR);
            a = x.param("a", Kind.PTR);
            b = x.param("b", Kind.PTR);
            m = x.param("m", Kind.U64);
            n = x.param("n", Kind.U64);
            k = x.param("k", Kind.U64);
            batch = x.param("batch", Kind.U64);
            ars = x.param("ars", Kind.S64);
            acs = x.param("acs", Kind.S64);
            brs = x.param("brs", Kind.S64);
            bcs = x.param("bcs", Kind.S64);
            for (int d = 0; d < batchRank; d++) {
                bsize.add(x.param("bsize" + d, Kind.U64));
                astr.add(x.param("astride" + d, Kind.S64));
                bstr.add(x.param("bstride" + d, Kind.S64));
            }
            x.directive(".maxntid " + THREADS + ", 1, 1");
            int bytes = TK * rowStride * size;
            x.sharedArray("As", bytes);
            x.sharedArray("Bs", bytes);
            as = x.r64();
            bs = x.r64();
            x.op("mov.u64 " + as + ", As");
            x.op("mov.u64 " + bs + ", Bs");
            tid = x.special("%tid.x");
            String tilesM = tiles(m), tilesN = tiles(n);
            String bz0 = x.special("%ctaid.z"), bzs = x.special("%nctaid.z");
            String ty0 = x.special("%ctaid.y"), tys = x.special("%nctaid.y");
            String tx0 = x.special("%ctaid.x"), txs = x.special("%nctaid.x");
            x.forRange(bz0, batch, bzs, bz -> {
                String aoff = x.const64(0), boff = x.const64(0);
                x.offset(bz, bsize, List.of(astr, bstr), List.of(aoff, boff));
                x.forRange(ty0, tilesM, tys, ti -> x.forRange(tx0, tilesN, txs, tj -> tile(bz, aoff, boff, ti, tj)));
            });
            return x.entry(new PtxEntry.Launch.Tiles("m", "n", "batch", tm, tm, THREADS, 0));
        }

        private String tiles(String extent) {
            String t = x.r64();
            x.op("add.s64 " + t + ", " + extent + ", " + (tm - 1));
            x.op("div.u64 " + t + ", " + t + ", " + tm);
            return t;
        }

        /** One tm x tm tile of C: rows ti*tm.., columns tj*tm.. of product bz. */
        private void tile(String bz, String aoff, String boff, String ti, String tj) {
            String row0 = x.r64(), col0 = x.r64();
            x.op("mul.lo.s64 " + row0 + ", " + ti + ", " + tm);
            x.op("mul.lo.s64 " + col0 + ", " + tj + ", " + tm);
            String[][] acc = new String[r][r];
            for (int i = 0; i < r; i++)
                for (int j = 0; j < r; j++) {
                    acc[i][j] = reg();
                    x.op("mov." + bits() + " " + acc[i][j] + ", 0");
                }
            int loads = tm * TK / THREADS;
            String[] ra = new String[loads], rb = new String[loads];
            for (int q = 0; q < loads; q++) {
                ra[q] = reg();
                rb[q] = reg();
            }
            String ntk = x.r64();
            x.op("add.s64 " + ntk + ", " + k + ", " + (TK - 1));
            x.op("div.u64 " + ntk + ", " + ntk + ", " + TK);
            String k0 = x.const64(0);
            String empty = x.label(), p0 = x.pred();
            x.op("setp.eq.s64 " + p0 + ", " + ntk + ", 0");
            x.braIf(p0, empty);
            fetch(ra, a, aoff, row0, m, ars, acs, !transA, k0);
            fetch(rb, b, boff, col0, n, bcs, brs, transB, k0);
            String one = x.const64(1), zero = x.const64(0);
            x.forRange(zero, ntk, one, kt -> {
                deposit(ra, as, !transA);
                deposit(rb, bs, transB);
                x.op("bar.sync 0");
                String last = x.label(), p = x.pred(), nk = x.r64();
                x.op("add.s64 " + k0 + ", " + k0 + ", " + TK);
                x.op("setp.ge.u64 " + p + ", " + k0 + ", " + k);
                x.braIf(p, last);
                fetch(ra, a, aoff, row0, m, ars, acs, !transA, k0);
                fetch(rb, b, boff, col0, n, bcs, brs, transB, k0);
                x.at(last);
                compute(acc);
                x.op("bar.sync 0");
            });
            x.at(empty);
            store(acc, bz, row0, col0);
        }

        private String bits() {
            return size == 4 ? "b32" : "b64";
        }

        // the (outer, kk) position of this thread's q-th element of a tm x TK operand tile
        private String[] position(int q, boolean kContiguous) {
            String outer = x.r64(), kk = x.r64();
            if (kContiguous) {
                x.op("rem.u64 " + kk + ", " + tid + ", " + TK);
                x.op("div.u64 " + outer + ", " + tid + ", " + TK);
                x.op("add.s64 " + outer + ", " + outer + ", " + q * (THREADS / TK));
            } else {
                x.op("rem.u64 " + outer + ", " + tid + ", " + tm);
                x.op("div.u64 " + kk + ", " + tid + ", " + tm);
                x.op("add.s64 " + kk + ", " + kk + ", " + q * (THREADS / tm));
            }
            return new String[] {outer, kk};
        }

        /** Loads this thread's elements of the operand tile at (outer0.., k0..) into registers, 0 outside the operand. */
        private void fetch(String[] regs, String base, String boff, String outer0, String outerLimit, String ostride,
                String kstride, boolean kContiguous, String k0) {
            for (int q = 0; q < regs.length; q++) {
                String[] pos = position(q, kContiguous);
                String o = x.r64(), kk = x.r64(), off = x.r64(), p = x.pred(), skip = x.label();
                x.op("add.s64 " + o + ", " + outer0 + ", " + pos[0]);
                x.op("add.s64 " + kk + ", " + k0 + ", " + pos[1]);
                x.op("mov." + bits() + " " + regs[q] + ", 0");
                x.op("setp.ge.u64 " + p + ", " + o + ", " + outerLimit);
                x.braIf(p, skip);
                x.op("setp.ge.u64 " + p + ", " + kk + ", " + k);
                x.braIf(p, skip);
                x.op("mad.lo.s64 " + off + ", " + o + ", " + ostride + ", " + boff);
                x.op("mad.lo.s64 " + off + ", " + kk + ", " + kstride + ", " + off);
                String addr = x.address(base, off, dtype.itemSize());
                switch (ct) {
                    case "f32", "f64" -> x.op("ld.global." + ct + " " + regs[q] + ", [" + addr + "]");
                    case "s32" -> x.op("ld.global." + Ptx.memType(dtype) + " " + regs[q] + ", [" + addr + "]");
                    default -> x.op("mov.b64 " + regs[q] + ", " + x.loadWide(dtype, addr));
                }
                x.at(skip);
            }
        }

        /** Stores the fetched registers into the shared tile, laid out [kk][outer] with a padded row. */
        private void deposit(String[] regs, String tileBase, boolean kContiguous) {
            for (int q = 0; q < regs.length; q++) {
                String[] pos = position(q, kContiguous);
                String off = x.r64();
                x.op("mad.lo.s64 " + off + ", " + pos[1] + ", " + rowStride + ", " + pos[0]);
                x.op("mad.lo.s64 " + off + ", " + off + ", " + size + ", " + tileBase);
                x.op("st.shared." + sharedType() + " [" + off + "], " + regs[q]);
            }
        }

        private String sharedType() {
            return ct.equals("s64") ? "b64" : ct.equals("s32") ? "b32" : ct;
        }

        /** acc += As[kk][ty*r..] x Bs[kk][tx*r..] over the TK columns of the tiles. */
        private void compute(String[][] acc) {
            String ty = x.r64(), tx = x.r64(), pa = x.r64(), pb = x.r64();
            x.op("shr.u64 " + ty + ", " + tid + ", 4");
            x.op("and.b64 " + tx + ", " + tid + ", 15");
            x.op("mad.lo.s64 " + pa + ", " + ty + ", " + r * size + ", " + as);
            x.op("mad.lo.s64 " + pb + ", " + tx + ", " + r * size + ", " + bs);
            String[] av = new String[r], bv = new String[r];
            for (int i = 0; i < r; i++) {
                av[i] = reg();
                bv[i] = reg();
            }
            for (int kk = 0; kk < TK; kk++) {
                vload(av, pa, kk * rowStride * size);
                vload(bv, pb, kk * rowStride * size);
                for (int i = 0; i < r; i++)
                    for (int j = 0; j < r; j++) {
                        String s = acc[i][j];
                        x.op(switch (ct) {
                            case "f32" -> "fma.rn.f32 " + s + ", " + av[i] + ", " + bv[j] + ", " + s;
                            case "f64" -> "fma.rn.f64 " + s + ", " + av[i] + ", " + bv[j] + ", " + s;
                            case "s32" -> "mad.lo.s32 " + s + ", " + av[i] + ", " + bv[j] + ", " + s;
                            default -> "mad.lo.s64 " + s + ", " + av[i] + ", " + bv[j] + ", " + s;
                        });
                    }
            }
        }

        // r consecutive shared elements as 16-byte vector loads
        private void vload(String[] regs, String base, int offset) {
            int per = 16 / size;
            for (int v = 0; v < regs.length; v += per) {
                var sb = new StringBuilder("{");
                for (int e = 0; e < per; e++) sb.append(e > 0 ? ", " : "").append(regs[v + e]);
                x.op("ld.shared.v" + per + "." + sharedType() + " " + sb + "}, [" + base + "+" + (offset + v * size) + "]");
            }
        }

        /** Writes the micro-tile to C where it lies inside the m x n result. */
        private void store(String[][] acc, String bz, String row0, String col0) {
            String ty = x.r64(), tx = x.r64(), cbase = x.r64(), mn = x.r64();
            x.op("shr.u64 " + ty + ", " + tid + ", 4");
            x.op("and.b64 " + tx + ", " + tid + ", 15");
            x.op("mul.lo.s64 " + mn + ", " + m + ", " + n);
            x.op("mul.lo.s64 " + cbase + ", " + bz + ", " + mn);
            for (int i = 0; i < r; i++) {
                String row = x.r64(), p = x.pred(), skipRow = x.label();
                x.op("mad.lo.s64 " + row + ", " + ty + ", " + r + ", " + row0);
                if (i > 0) x.op("add.s64 " + row + ", " + row + ", " + i);
                x.op("setp.ge.u64 " + p + ", " + row + ", " + m);
                x.braIf(p, skipRow);
                for (int j = 0; j < r; j++) {
                    String col = x.r64(), q = x.pred(), skip = x.label(), off = x.r64();
                    x.op("mad.lo.s64 " + col + ", " + tx + ", " + r + ", " + col0);
                    if (j > 0) x.op("add.s64 " + col + ", " + col + ", " + j);
                    x.op("setp.ge.u64 " + q + ", " + col + ", " + n);
                    x.braIf(q, skip);
                    x.op("mad.lo.s64 " + off + ", " + row + ", " + n + ", " + cbase);
                    x.op("add.s64 " + off + ", " + off + ", " + col);
                    String addr = x.address(c, off, dtype.itemSize());
                    switch (ct) {
                        case "f32", "f64" -> x.op("st.global." + ct + " [" + addr + "], " + acc[i][j]);
                        case "s32" -> x.op("st.global." + Ptx.storeType(dtype) + " [" + addr + "], " + acc[i][j]);
                        default -> x.storeWide(dtype, addr, acc[i][j]);
                    }
                    x.at(skip);
                }
                x.at(skipRow);
            }
        }
    }
}
