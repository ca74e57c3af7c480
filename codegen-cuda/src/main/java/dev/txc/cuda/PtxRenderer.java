package dev.txc.cuda;

import dev.txc.cuda.math.PtxMath;
import dev.txc.ir.Op;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.ElementwiseOps.Ptx;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders one lowered {@link Kernel} as a PTX entry: a grid-stride loop over the kernel's index space (of a rank known
 * from the IR), each element computed by its ops' PTX forms in {@link ElementwiseOps} (a table of instruction
 * templates and math routines; this class is the short loop around it). Sizes and strides are parameters, so one
 * entry serves every shape:
 * <ul>
 *   <li>{@code p<k>}: the device address of operand k (outputs first, contiguous; inputs at their first element);
 *   <li>{@code n}: the number of elements of the index space (below 2^31, as every device array); {@code d<i>}: its
 *       dims (the broadcast shape);
 *   <li>{@code s<k>_<i>}: the stride in elements of input k along dim i (0 where it broadcasts), for each input
 *       that is not a scalar;
 *   <li>{@code flat}: nonzero when every such input is contiguous over the index space (its strides are the
 *       row-major strides of the dims), so that the element index is every operand's offset;
 *   <li>reductions over the last axis: {@code rows} = n / d<sub>last</sub>, one block per row (grid-stride over
 *       rows); p0 holds one value per row. Reductions over all: {@code parts}, the number of blocks launched; p0
 *       is a scratch buffer of {@code parts} f64 partial sums, which {@link #finish} adds in order.
 * </ul>
 * Values are held as the JVM holds them: f64, f32 and i64 in registers of their type, narrower integers in 32-bit
 * registers wrapped after each op, bool as predicates (one byte per element in memory, 0 or 1). Sums accumulate in
 * f64: each thread adds its elements in index order with Neumaier's compensation (as the reference interpreter),
 * then a fixed warp-shuffle and shared-memory tree adds the threads' sums, so results do not depend on timing.
 */
public final class PtxRenderer {
    /** Threads per block of every entry rendered here (the block reduction's tree assumes it). */
    public static final int BLOCK = 256;
    private static final int WARPS = BLOCK / 32;

    private PtxRenderer() {}

    /** Renders kernel {@code k} over an index space of rank {@code rank} as entry {@code name}. */
    public static PtxEntry render(String name, Kernel k, int rank) {
        return new Emitter(name, k, rank).entry();
    }

    /**
     * The routine computing float op {@code name} in dtype {@code t}: PtxMath's, or (where PtxMath has none for f32)
     * its f64 routine on the widened value (float // and % are PtxFloorDiv's f64 routines, f32 widened). A routine the
     * libraries lack is still named (a relocatable module declares it extern).
     */
    static String routineName(String name, DType t) {
        Op op = Op.bySpelling(name);
        if (op != null && PtxMath.has(op, t)) return PtxMath.name(op, t);
        return "txc_" + name + "_f64";
    }

    /**
     * The second pass of a reduction over all of an index space: one block adds the {@code parts} f64 partials at p1
     * in a fixed order, divides by {@code n} for a mean, and stores the result as {@code out} at p0. Launch it with
     * rows = 1.
     */
    public static PtxEntry finish(DType out, boolean mean) {
        String name = "txc_finish_" + (mean ? "mean_" : "sum_") + out.spelling();
        var e = new Emitter(name, null, 0);
        return e.finishEntry(out, mean);
    }

    /** Register classes: the PTX type each is declared with and its name prefix. */
    enum Reg {
        FD(".f64", "%fd"), F(".f32", "%f"), RD(".b64", "%rd"), R(".b32", "%r"), P(".pred", "%p");

        final String type, prefix;

        Reg(String type, String prefix) {
            this.type = type;
            this.prefix = prefix;
        }

        static Reg of(DType d) {
            return switch (d) {
                case F64 -> FD;
                case F32 -> F;
                case I64 -> RD;
                case I8, I16, I32, U8 -> R;
                case BOOL -> P;
            };
        }
    }

    /** The type suffix a dtype's values compute with. */
    static String type(DType d) {
        return switch (d) {
            case F64 -> ".f64";
            case F32 -> ".f32";
            case I64 -> ".s64";
            case I8, I16, I32, U8 -> ".s32";
            case BOOL -> ".pred";
        };
    }

    /** The bit type of the same width. */
    static String bits(DType d) {
        return switch (d) {
            case F64, I64 -> ".b64";
            case F32, I8, I16, I32, U8 -> ".b32";
            case BOOL -> ".pred";
        };
    }

    /** The memory type of one element (ld/st). */
    static String mem(DType d) {
        return switch (d) {
            case F64 -> ".f64";
            case F32 -> ".f32";
            case I64 -> ".s64";
            case I32 -> ".s32";
            case I16 -> ".s16";
            case I8 -> ".s8";
            case U8, BOOL -> ".u8";
        };
    }

    /** An immediate of dtype d: floats by their bits (0d.../0f...), integers in decimal. */
    static String imm(DType d, double f, long i) {
        return switch (d) {
            case F64 -> String.format("0d%016X", Double.doubleToRawLongBits(f));
            case F32 -> String.format("0f%08X", Float.floatToRawIntBits((float) f));
            case I8, I16, I32, I64, U8, BOOL -> Long.toString(i);
        };
    }

    private static int log2(int itemSize) {
        return Integer.numberOfTrailingZeros(itemSize);
    }

    /** The state of rendering one entry: its text, registers, labels and routines. */
    private static final class Emitter {
        private final String name;
        private final Kernel k;
        private final int rank;
        private final StringBuilder code = new StringBuilder();
        private final int[] regs = new int[Reg.values().length];
        private final Set<String> routines = new LinkedHashSet<>();
        private final List<PtxEntry.Param> params = new ArrayList<>();
        private int labels;
        /** Registers of the kernel's values by id, the operands' base addresses and offsets. */
        private String[] values;
        private String[] base, offset;
        private String flat, n;
        private String[] dims;
        /** The dims as 32-bit values, for splitting indices (an index space has fewer than 2^31 elements: its output's). */
        private String[] dims32;
        private String[][] strides;

        Emitter(String name, Kernel k, int rank) {
            this.name = name;
            this.k = k;
            this.rank = rank;
        }

        String reg(Reg r) {
            return r.prefix + (++regs[r.ordinal()]);
        }

        String label() {
            return "$L__" + (++labels);
        }

        void emit(String line) {
            code.append(line.endsWith(":") ? "" : "\t").append(line).append('\n');
        }

        String param(String pname, PtxEntry.Kind kind) {
            params.add(new PtxEntry.Param(pname, kind));
            String r = reg(kind == PtxEntry.Kind.U32 ? Reg.R : Reg.RD);
            emit("ld.param" + kind.ptx() + " " + r + ", [" + pname + "];");
            return r;
        }

        String pointer(String pname) {
            String r = param(pname, PtxEntry.Kind.PTR);
            emit("cvta.to.global.u64 " + r + ", " + r + ";");
            return r;
        }

        PtxEntry entry() {
            var red = k.reduction();
            int ops = k.operands().size();
            base = new String[ops];
            offset = new String[ops];
            values = new String[k.body().size()];
            for (int o = 0; o < ops; o++) base[o] = pointer("p" + o);
            n = param("n", PtxEntry.Kind.U64);
            flat = param("flat", PtxEntry.Kind.U32);
            dims = new String[rank];
            for (int i = 0; i < rank; i++) dims[i] = param("d" + i, PtxEntry.Kind.U64);
            dims32 = new String[rank];
            for (int i = 1; i < rank; i++) {
                dims32[i] = reg(Reg.R);
                emit("cvt.u32.u64 " + dims32[i] + ", " + dims[i] + ";");
            }
            strides = new String[ops][];
            for (int o = 0; o < ops; o++) {
                if (!streamed(o)) continue;
                strides[o] = new String[rank];
                for (int i = 0; i < rank; i++) strides[o][i] = param("s" + o + "_" + i, PtxEntry.Kind.U64);
            }
            invariants();
            PtxEntry.Launch launch;
            if (red == null) {
                elementwise();
                launch = new PtxEntry.Launch.Flat("n", BLOCK);
            } else if (!red.all()) {
                String rows = param("rows", PtxEntry.Kind.U64);
                lastAxis(rows, red.mean());
                launch = new PtxEntry.Launch.Rows("rows", BLOCK, 0);
            } else {
                allAxes(param("parts", PtxEntry.Kind.U64));
                launch = new PtxEntry.Launch.Rows("parts", BLOCK, 0);
            }
            emit("ret;");
            return new PtxEntry(name, text(red != null), routines, params, launch);
        }

        /** Whether operand o is read or written per element (not a scalar input, not a reduction's output). */
        boolean streamed(int o) {
            var op = k.operands().get(o);
            return op.role() == Kernel.Role.IN && !op.scalar();
        }

        String text(boolean shared) {
            var sb = new StringBuilder(".visible .entry ").append(name).append("(\n");
            for (int i = 0; i < params.size(); i++) {
                var p = params.get(i);
                sb.append("\t.param ").append(p.kind().ptx()).append(' ').append(p.name()).append(i + 1 < params.size() ? ",\n" : "\n");
            }
            sb.append(")\n.maxntid ").append(BLOCK).append(", 1, 1\n{\n");
            for (Reg r : Reg.values()) if (regs[r.ordinal()] > 0) sb.append("\t.reg ").append(r.type).append(' ').append(r.prefix).append('<').append(regs[r.ordinal()] + 1).append(">;\n");
            if (shared) sb.append("\t.shared .align 8 .f64 red[").append(WARPS).append("];\n");
            return sb.append(code).append("}\n").toString();
        }

        /** Scalar inputs and literals, loaded or set once before the loop. */
        void invariants() {
            for (int id = 0; id < k.body().size(); id++) {
                switch (k.body().get(id)) {
                    case Instr.Load l -> {
                        if (k.operands().get(l.operand()).scalar()) values[id] = load(l.operand(), base[l.operand()]);
                    }
                    case Instr.Lit c -> values[id] = literal(c);
                    case Instr.Apply a -> { }
                    case Instr.Store s -> { }
                }
            }
        }

        String literal(Instr.Lit c) {
            if (c.dtype() == DType.BOOL) {
                String r = reg(Reg.R), p = reg(Reg.P);
                emit("mov.u32 " + r + ", " + c.i() + ";");
                emit("setp.ne.u32 " + p + ", " + r + ", 0;");
                return p;
            }
            String r = reg(Reg.of(c.dtype()));
            emit("mov" + bits(c.dtype()) + " " + r + ", " + imm(c.dtype(), c.f(), c.i()) + ";");
            return r;
        }

        /** Loads the element at address {@code addr} of operand o into a new register. */
        String load(int o, String addr) {
            DType d = k.operands().get(o).dtype();
            if (d == DType.BOOL) {
                String r = reg(Reg.R), p = reg(Reg.P);
                emit("ld.global.u8 " + r + ", [" + addr + "];");
                emit("setp.ne.u32 " + p + ", " + r + ", 0;");
                return p;
            }
            String r = reg(Reg.of(d));
            emit("ld.global" + mem(d) + " " + r + ", [" + addr + "];");
            return r;
        }

        void store(DType d, String addr, String value) {
            if (d == DType.BOOL) {
                String r = reg(Reg.R);
                emit("selp.u32 " + r + ", 1, 0, " + value + ";");
                value = r;
            }
            emit("st.global" + mem(d) + " [" + addr + "], " + value + ";");
        }

        /** base + index * itemSize of dtype d, in a new register. */
        String address(String b, String index, DType d) {
            String a = reg(Reg.RD);
            if (d.itemSize() == 1) emit("add.s64 " + a + ", " + b + ", " + index + ";");
            else {
                emit("shl.b64 " + a + ", " + index + ", " + log2(d.itemSize()) + ";");
                emit("add.s64 " + a + ", " + b + ", " + a + ";");
            }
            return a;
        }

        /** Registers holding the thread's global index and the grid's thread count. */
        String[] globalIndex() {
            String c = reg(Reg.R), t = reg(Reg.R), b = reg(Reg.R), g = reg(Reg.R), i = reg(Reg.RD), ti = reg(Reg.RD), step = reg(Reg.RD);
            emit("mov.u32 " + c + ", %ctaid.x;");
            emit("mov.u32 " + b + ", %ntid.x;");
            emit("mov.u32 " + t + ", %tid.x;");
            emit("mov.u32 " + g + ", %nctaid.x;");
            emit("mul.wide.u32 " + i + ", " + c + ", " + b + ";");
            emit("cvt.u64.u32 " + ti + ", " + t + ";");
            emit("add.s64 " + i + ", " + i + ", " + ti + ";");
            emit("mul.wide.u32 " + step + ", " + g + ", " + b + ";");
            return new String[] {i, step};
        }

        /**
         * for (i = global index; i < n; i += grid threads) { element i }, after a loop over 16-byte vectors where the
         * kernel can take one ({@link #vectorWidth()}) and the call allows it (flat, every streamed base aligned).
         */
        void elementwise() {
            String[] is = globalIndex();
            int width = vectorWidth();
            if (width > 1) vectors(is[0], is[1], width);
            String i = is[0], head = label(), done = label(), p = reg(Reg.P);
            emit(head + ":");
            emit("setp.ge.u64 " + p + ", " + i + ", " + n + ";");
            emit("@" + p + " bra " + done + ";");
            offsets(i);
            String out = body(null);
            store(k.operands().getFirst().dtype(), address(base[0], i, k.operands().getFirst().dtype()), out);
            emit("add.s64 " + i + ", " + i + ", " + is[1] + ";");
            emit("bra " + head + ";");
            emit(done + ":");
        }

        /**
         * Elements per 16-byte vector access when the output and every streamed input have one item size of 4 or 8
         * bytes (f32/i32: 4, f64/i64: 2), else 1 (no vector path: bool, narrow integers, mixed widths).
         */
        int vectorWidth() {
            DType out = k.operands().getFirst().dtype();
            int size = out.itemSize();
            if (out == DType.BOOL || (size != 4 && size != 8)) return 1;
            for (int o = 1; o < k.operands().size(); o++)
                if (streamed(o) && k.operands().get(o).dtype().itemSize() != size) return 1;
            return 16 / size;
        }

        /**
         * The vector path: when {@code flat} is set and the output's and every streamed input's base are 16-byte
         * aligned, thread g handles vectors g, g + grid threads, ... of the n / w whole vectors (one ld.global.vW per
         * input, the body once per lane, one st.global.vW), then leaves {@code i} at the first element after them, so
         * that the scalar loop does the tail. Otherwise (a view at an odd offset, a strided input) nothing happens here
         * and the scalar loop does everything. The lanes compute the scalar loop's values.
         */
        void vectors(String i, String step, int w) {
            String ok = reg(Reg.P), bits = reg(Reg.RD), nv = reg(Reg.RD), j = reg(Reg.RD), at = reg(Reg.RD), p = reg(Reg.P);
            String skip = label(), head = label(), done = label();
            emit("mov.b64 " + bits + ", " + base[0] + ";");
            for (int o = 1; o < base.length; o++) if (streamed(o)) emit("or.b64 " + bits + ", " + bits + ", " + base[o] + ";");
            emit("and.b64 " + bits + ", " + bits + ", 15;");
            emit("setp.ne.u32 " + ok + ", " + flat + ", 0;");
            emit("setp.eq.and.u64 " + ok + ", " + bits + ", 0, " + ok + ";");
            emit("@!" + ok + " bra " + skip + ";");
            emit("shr.u64 " + nv + ", " + n + ", " + log2(w) + ";");
            emit("mov.u64 " + j + ", " + i + ";");
            emit(head + ":");
            emit("setp.ge.u64 " + p + ", " + j + ", " + nv + ";");
            emit("@" + p + " bra " + done + ";");
            emit("shl.b64 " + at + ", " + j + ", 4;");
            var lanes = new String[w][k.operands().size()];
            for (int o = 1; o < base.length; o++) {
                if (!streamed(o)) continue;
                DType d = k.operands().get(o).dtype();
                var regs = new ArrayList<String>();
                for (int l = 0; l < w; l++) regs.add(lanes[l][o] = reg(Reg.of(d)));
                emit("ld.global.v" + w + mem(d) + " {" + String.join(", ", regs) + "}, [" + addBytes(base[o], at) + "];");
            }
            var outs = new ArrayList<String>();
            for (int l = 0; l < w; l++) outs.add(body(lanes[l]));
            emit("st.global.v" + w + mem(k.operands().getFirst().dtype()) + " [" + addBytes(base[0], at) + "], {" + String.join(", ", outs) + "};");
            emit("add.s64 " + j + ", " + j + ", " + step + ";");
            emit("bra " + head + ";");
            emit(done + ":");
            emit("mad.lo.s64 " + i + ", " + nv + ", " + w + ", " + i + ";");
            emit(skip + ":");
        }

        /** b + bytes, in a new register. */
        String addBytes(String b, String bytes) {
            String a = reg(Reg.RD);
            emit("add.s64 " + a + ", " + b + ", " + bytes + ";");
            return a;
        }

        /**
         * Each streamed input's offset of element i: i itself on the flat path, else the sum over dims of its
         * coordinate times the input's stride (coordinates by division from the innermost dim out).
         */
        void offsets(String i) {
            for (int o = 0; o < offset.length; o++) if (streamed(o)) offset[o] = reg(Reg.RD);
            if (rank == 0) {
                for (int o = 0; o < offset.length; o++) if (streamed(o)) emit("mov.u64 " + offset[o] + ", " + i + ";");
                return;
            }
            String isFlat = reg(Reg.P), flatPath = label(), ready = label();
            emit("setp.ne.u32 " + isFlat + ", " + flat + ", 0;");
            emit("@" + isFlat + " bra " + flatPath + ";");
            String rest = reg(Reg.R), c = reg(Reg.R), coord = reg(Reg.RD);
            emit("cvt.u32.u64 " + rest + ", " + i + ";");
            for (int o = 0; o < offset.length; o++) if (streamed(o)) emit("mov.u64 " + offset[o] + ", 0;");
            for (int d = rank - 1; d >= 0; d--) {
                if (d > 0) {
                    emit("rem.u32 " + c + ", " + rest + ", " + dims32[d] + ";");
                    emit("div.u32 " + rest + ", " + rest + ", " + dims32[d] + ";");
                    emit("cvt.u64.u32 " + coord + ", " + c + ";");
                } else emit("cvt.u64.u32 " + coord + ", " + rest + ";");
                for (int o = 0; o < offset.length; o++)
                    if (streamed(o)) emit("mad.lo.s64 " + offset[o] + ", " + coord + ", " + strides[o][d] + ", " + offset[o] + ";");
            }
            emit("bra " + ready + ";");
            emit(flatPath + ":");
            for (int o = 0; o < offset.length; o++) if (streamed(o)) emit("mov.u64 " + offset[o] + ", " + i + ";");
            emit(ready + ":");
        }

        /**
         * The body's values at the current offsets, or with the streamed inputs already loaded ({@code loaded[o]}: the
         * register of operand o's element, where not null); returns the register of the stored value.
         */
        String body(String[] loaded) {
            String[] v = values.clone();
            String stored = null;
            for (int id = 0; id < k.body().size(); id++) {
                switch (k.body().get(id)) {
                    case Instr.Load l -> {
                        if (v[id] != null) continue;
                        v[id] = loaded != null && loaded[l.operand()] != null ? loaded[l.operand()]
                                : load(l.operand(), address(base[l.operand()], offset[l.operand()], k.operands().get(l.operand()).dtype()));
                    }
                    case Instr.Lit c -> { }
                    case Instr.Apply a -> v[id] = apply(a, v);
                    case Instr.Store s -> stored = v[s.arg()];
                }
            }
            return stored;
        }

        DType dtypeOf(int id) {
            return k.dtypeOf(id);
        }

        /** One op by its PTX form; narrow integer results are wrapped to their dtype. */
        String apply(Instr.Apply a, String[] v) {
            var args = new ArrayList<String>();
            for (int arg : a.args()) args.add(v[arg]);
            DType operand = dtypeOf(a.args().get(a.op() == Op.WHERE ? 1 : 0));
            String r = switch (ElementwiseOps.of(a.op()).ptx()) {
                case Ptx.None none -> throw new IllegalArgumentException("not an elementwise op: " + a.op().spelling());
                case Ptx.Identity id -> args.getFirst();
                case Ptx.Convert c -> convert(args.getFirst(), operand, a.dtype());
                case Ptx.Inst t -> template(a.op(), kindTemplate(t, operand, a.op()), operand, a.dtype(), args);
                case Ptx.Routine rt -> operand.isFloat() ? call(rt.name(), operand, args)
                        : template(a.op(), rt.integer(), operand, a.dtype(), args);
            };
            return a.op() == Op.CAST ? r : narrow(r, a.dtype());
        }

        String kindTemplate(Ptx.Inst t, DType d, Op op) {
            String s = d.isFloat() ? t.real() : d == DType.BOOL ? t.bool() : t.integer();
            if (s == null) throw new IllegalArgumentException(op.spelling() + " has no PTX form for " + d.spelling());
            return s;
        }

        private static final Pattern HOLE = Pattern.compile("\\$(m1|s2|s3|[dabctuspqr01L])");

        /** Expands a template: holes are filled with registers, types and immediates of operand dtype d. */
        String template(Op op, String t, DType d, DType result, List<String> args) {
            if (t == null) throw new IllegalArgumentException(op.spelling() + " has no PTX form for " + d.spelling());
            String dest = reg(Reg.of(result));
            var scratch = new java.util.HashMap<String, String>();
            String lab = label() + "_";
            Matcher m = HOLE.matcher(t);
            var sb = new StringBuilder();
            while (m.find()) {
                String h = m.group(1);
                String with = switch (h) {
                    case "d" -> dest;
                    case "a" -> args.get(0);
                    case "b" -> args.get(1);
                    case "c" -> args.get(2);
                    case "t" -> type(d);
                    case "u" -> bits(d);
                    case "0" -> imm(d, 0, 0);
                    case "1" -> imm(d, 1, 1);
                    case "m1" -> imm(d, -1, -1);
                    case "L" -> lab;
                    case "s", "s2", "s3" -> scratch.computeIfAbsent(h, x -> reg(Reg.of(d)));
                    default -> scratch.computeIfAbsent(h, x -> reg(Reg.P));
                };
                m.appendReplacement(sb, Matcher.quoteReplacement(with));
            }
            m.appendTail(sb);
            for (String line : sb.toString().split("\n")) emit(line);
            return dest;
        }

        /** A PtxMath routine; f32 values without an f32 routine are widened, computed in f64 and rounded once. */
        String call(String fn, DType d, List<String> args) {
            String routine = routineName(fn, d);
            routines.add(routine);
            boolean widen = d == DType.F32 && routine.endsWith("_f64");
            var in = new ArrayList<String>();
            for (String a : args) {
                if (!widen) in.add(a);
                else {
                    String w = reg(Reg.FD);
                    emit("cvt.f64.f32 " + w + ", " + a + ";");
                    in.add(w);
                }
            }
            String r = reg(widen ? Reg.FD : Reg.of(d));
            emit("call (" + r + "), " + routine + ", (" + String.join(", ", in) + ");");
            if (!widen) return r;
            String f = reg(Reg.F);
            emit("cvt.rn.f32.f64 " + f + ", " + r + ";");
            return f;
        }

        /** A narrow integer wrapped to its dtype's range, as the JVM's i2b, i2s and & 0xFF. */
        String narrow(String r, DType d) {
            switch (d) {
                case I8 -> emit("cvt.s32.s8 " + r + ", " + r + ";");
                case I16 -> emit("cvt.s32.s16 " + r + ", " + r + ";");
                case U8 -> emit("and.b32 " + r + ", " + r + ", 255;");
                case I32, I64, F32, F64, BOOL -> { }
            }
            return r;
        }

        /** NumPy's astype as runtime.Cvt: nonzero (and NaN) is true, floats to integers truncate and saturate, NaN to 0. */
        String convert(String a, DType from, DType to) {
            if (from == to) return a;
            if (to == DType.BOOL) {
                String p = reg(Reg.P);
                emit("setp." + (from.isFloat() ? "neu" : "ne") + type(from) + " " + p + ", " + a + ", " + imm(from, 0, 0) + ";");
                return p;
            }
            String r = reg(Reg.of(to));
            if (from == DType.BOOL) {
                emit("selp" + type(to) + " " + r + ", " + imm(to, 1, 1) + ", " + imm(to, 0, 0) + ", " + a + ";");
                return r;
            }
            if (from.isFloat() && to.isFloat()) emit("cvt" + (to == DType.F32 ? ".rn" : "") + type(to) + type(from) + " " + r + ", " + a + ";");
            else if (to.isFloat()) emit("cvt.rn" + type(to) + type(from) + " " + r + ", " + a + ";");
            else if (from.isFloat()) {
                emit("cvt.rzi" + type(to) + type(from) + " " + r + ", " + a + ";");
                clamp(r, to);
            } else if (from == DType.I64) {
                emit("cvt.u32.u64 " + r + ", " + a + ";");
                narrow(r, to);
            } else if (to == DType.I64) emit("cvt.s64.s32 " + r + ", " + a + ";");
            else {
                emit("mov.b32 " + r + ", " + a + ";");
                narrow(r, to);
            }
            return r;
        }

        /** Saturates an int already saturated to the i32 range to a narrower dtype's range. */
        void clamp(String r, DType to) {
            long[] range = switch (to) {
                case I8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
                case I16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
                case U8 -> new long[] {0, 255};
                case I32, I64, F32, F64, BOOL -> null;
            };
            if (range == null) return;
            emit("max.s32 " + r + ", " + r + ", " + range[0] + ";");
            emit("min.s32 " + r + ", " + r + ", " + range[1] + ";");
        }

        /**
         * acc += the stored value as an f64, with Neumaier's compensation in comp (the reference interpreter's sum):
         * the rounding error of each addition, taken from the operand of smaller magnitude, is added to comp.
         */
        void accumulate(String acc, String comp, String value, DType d) {
            String x = value;
            if (d == DType.F32) {
                x = reg(Reg.FD);
                emit("cvt.f64.f32 " + x + ", " + value + ";");
            }
            String t = reg(Reg.FD), as = reg(Reg.FD), ax = reg(Reg.FD), e1 = reg(Reg.FD), e2 = reg(Reg.FD), p = reg(Reg.P);
            emit("add.rn.f64 " + t + ", " + acc + ", " + x + ";");
            emit("abs.f64 " + as + ", " + acc + ";");
            emit("abs.f64 " + ax + ", " + x + ";");
            emit("setp.ge.f64 " + p + ", " + as + ", " + ax + ";");
            emit("sub.rn.f64 " + e1 + ", " + acc + ", " + t + ";");
            emit("add.rn.f64 " + e1 + ", " + e1 + ", " + x + ";");
            emit("sub.rn.f64 " + e2 + ", " + x + ", " + t + ";");
            emit("add.rn.f64 " + e2 + ", " + e2 + ", " + acc + ";");
            emit("selp.f64 " + e1 + ", " + e1 + ", " + e2 + ", " + p + ";");
            emit("add.rn.f64 " + comp + ", " + comp + ", " + e1 + ";");
            emit("mov.f64 " + acc + ", " + t + ";");
        }

        /** acc + comp, or acc itself where it is infinite (its compensation is then inf - inf, NaN). */
        void settle(String acc, String comp) {
            String p = reg(Reg.P), s = reg(Reg.FD);
            emit("testp.infinite.f64 " + p + ", " + acc + ";");
            emit("add.rn.f64 " + s + ", " + acc + ", " + comp + ";");
            emit("selp.f64 " + acc + ", " + acc + ", " + s + ", " + p + ";");
        }

        String zero(Reg r) {
            String z = reg(r);
            emit("mov.f64 " + z + ", 0d0000000000000000;");
            return z;
        }

        /** One block per row (grid-stride over rows): threads sum the row's elements j = tid, tid + BLOCK, ...; a tree adds them. */
        void lastAxis(String rows, boolean mean) {
            String len = dims[rank - 1];
            String row = reg(Reg.RD), step = reg(Reg.RD), tid = reg(Reg.R), t64 = reg(Reg.RD), ctaid = reg(Reg.R), grid = reg(Reg.R);
            emit("mov.u32 " + ctaid + ", %ctaid.x;");
            emit("mov.u32 " + grid + ", %nctaid.x;");
            emit("mov.u32 " + tid + ", %tid.x;");
            emit("cvt.u64.u32 " + row + ", " + ctaid + ";");
            emit("cvt.u64.u32 " + step + ", " + grid + ";");
            emit("cvt.u64.u32 " + t64 + ", " + tid + ";");
            String rowHead = label(), rowDone = label(), colHead = label(), colDone = label(), p = reg(Reg.P), q = reg(Reg.P);
            emit(rowHead + ":");
            emit("setp.ge.u64 " + p + ", " + row + ", " + rows + ";");
            emit("@" + p + " bra " + rowDone + ";");
            String acc = zero(Reg.FD), comp = zero(Reg.FD), j = reg(Reg.RD), i = reg(Reg.RD);
            emit("mov.u64 " + j + ", " + t64 + ";");
            emit(colHead + ":");
            emit("setp.ge.u64 " + q + ", " + j + ", " + len + ";");
            emit("@" + q + " bra " + colDone + ";");
            emit("mad.lo.s64 " + i + ", " + row + ", " + len + ", " + j + ";");
            offsets(i);
            accumulate(acc, comp, body(null), k.operands().getFirst().dtype());
            emit("add.s64 " + j + ", " + j + ", " + BLOCK + ";");
            emit("bra " + colHead + ";");
            emit(colDone + ":");
            settle(acc, comp);
            blockSum(acc, tid);
            String last = label(), z = reg(Reg.P);
            emit("setp.ne.u32 " + z + ", " + tid + ", 0;");
            emit("@" + z + " bra " + last + ";");
            if (mean) divide(acc, len);
            DType out = k.operands().getFirst().dtype();
            storeResult(out, address(base[0], row, out), acc);
            emit(last + ":");
            emit("bar.sync 0;");
            emit("add.s64 " + row + ", " + row + ", " + step + ";");
            emit("bra " + rowHead + ";");
            emit(rowDone + ":");
        }

        /**
         * Each block sums its grid-stride share of the index space; thread 0 writes the block's partial to p0[ctaid],
         * and 0 to the partials of the blocks a clamped grid did not launch (p0[ctaid + k * nctaid] below
         * {@code parts}), whose elements the launched blocks' grid-stride loops covered.
         */
        void allAxes(String parts) {
            String[] is = globalIndex();
            String i = is[0], head = label(), done = label(), p = reg(Reg.P), tid = reg(Reg.R);
            String acc = zero(Reg.FD), comp = zero(Reg.FD);
            emit("mov.u32 " + tid + ", %tid.x;");
            emit(head + ":");
            emit("setp.ge.u64 " + p + ", " + i + ", " + n + ";");
            emit("@" + p + " bra " + done + ";");
            offsets(i);
            accumulate(acc, comp, body(null), k.operands().getFirst().dtype());
            emit("add.s64 " + i + ", " + i + ", " + is[1] + ";");
            emit("bra " + head + ";");
            emit(done + ":");
            settle(acc, comp);
            blockSum(acc, tid);
            String skip = label(), z = reg(Reg.P), c = reg(Reg.R), c64 = reg(Reg.RD);
            emit("setp.ne.u32 " + z + ", " + tid + ", 0;");
            emit("@" + z + " bra " + skip + ";");
            emit("mov.u32 " + c + ", %ctaid.x;");
            emit("cvt.u64.u32 " + c64 + ", " + c + ";");
            emit("st.global.f64 [" + address(base[0], c64, DType.F64) + "], " + acc + ";");
            String g = reg(Reg.R), g64 = reg(Reg.RD), zhead = label(), zp = reg(Reg.P);
            emit("mov.u32 " + g + ", %nctaid.x;");
            emit("cvt.u64.u32 " + g64 + ", " + g + ";");
            emit("add.s64 " + c64 + ", " + c64 + ", " + g64 + ";");
            emit(zhead + ":");
            emit("setp.ge.u64 " + zp + ", " + c64 + ", " + parts + ";");
            emit("@" + zp + " bra " + skip + ";");
            emit("st.global.f64 [" + address(base[0], c64, DType.F64) + "], 0d0000000000000000;");
            emit("add.s64 " + c64 + ", " + c64 + ", " + g64 + ";");
            emit("bra " + zhead + ";");
            emit(skip + ":");
        }

        PtxEntry finishEntry(DType out, boolean mean) {
            String o = pointer("p0"), partials = pointer("p1");
            String parts = param("parts", PtxEntry.Kind.U64), count = param("n", PtxEntry.Kind.U64);
            param("rows", PtxEntry.Kind.U64);
            String tid = reg(Reg.R), j = reg(Reg.RD), x = reg(Reg.FD), p = reg(Reg.P);
            String acc = zero(Reg.FD), comp = zero(Reg.FD);
            emit("mov.u32 " + tid + ", %tid.x;");
            emit("cvt.u64.u32 " + j + ", " + tid + ";");
            String head = label(), done = label();
            emit(head + ":");
            emit("setp.ge.u64 " + p + ", " + j + ", " + parts + ";");
            emit("@" + p + " bra " + done + ";");
            emit("ld.global.f64 " + x + ", [" + address(partials, j, DType.F64) + "];");
            accumulate(acc, comp, x, DType.F64);
            emit("add.s64 " + j + ", " + j + ", " + BLOCK + ";");
            emit("bra " + head + ";");
            emit(done + ":");
            settle(acc, comp);
            blockSum(acc, tid);
            String skip = label(), z = reg(Reg.P);
            emit("setp.ne.u32 " + z + ", " + tid + ", 0;");
            emit("@" + z + " bra " + skip + ";");
            if (mean) divide(acc, count);
            storeResult(out, o, acc);
            emit(skip + ":");
            emit("ret;");
            return new PtxEntry(name, text(true), Set.of(), params, new PtxEntry.Launch.Rows("rows", BLOCK, 0));
        }

        void divide(String acc, String count) {
            String c = reg(Reg.FD);
            emit("cvt.rn.f64.u64 " + c + ", " + count + ";");
            emit("div.rn.f64 " + acc + ", " + acc + ", " + c + ";");
        }

        void storeResult(DType out, String addr, String acc) {
            String v = acc;
            if (out == DType.F32) {
                v = reg(Reg.F);
                emit("cvt.rn.f32.f64 " + v + ", " + acc + ";");
            }
            emit("st.global" + mem(out) + " [" + addr + "], " + v + ";");
        }

        /**
         * Adds acc over the block into thread 0's acc: shuffles down within each warp (a fixed tree), the warps' sums
         * through shared memory, then the first warp's shuffles again. Every thread of the block must arrive here.
         */
        void blockSum(String acc, String tid) {
            warpSum(acc);
            String lane = reg(Reg.R), warp = reg(Reg.R), p = reg(Reg.P), addr = reg(Reg.R), red = reg(Reg.R);
            emit("and.b32 " + lane + ", " + tid + ", 31;");
            emit("shr.u32 " + warp + ", " + tid + ", 5;");
            emit("mov.u32 " + red + ", red;");
            emit("setp.eq.u32 " + p + ", " + lane + ", 0;");
            emit("mad.lo.s32 " + addr + ", " + warp + ", 8, " + red + ";");
            emit("@" + p + " st.shared.f64 [" + addr + "], " + acc + ";");
            emit("bar.sync 0;");
            String q = reg(Reg.P), a2 = reg(Reg.R);
            emit("mov.f64 " + acc + ", 0d0000000000000000;");
            emit("setp.lt.u32 " + q + ", " + tid + ", " + WARPS + ";");
            emit("mad.lo.s32 " + a2 + ", " + tid + ", 8, " + red + ";");
            emit("@" + q + " ld.shared.f64 " + acc + ", [" + a2 + "];");
            warpSum(acc);
        }

        void warpSum(String acc) {
            String lo = reg(Reg.R), hi = reg(Reg.R), other = reg(Reg.FD);
            for (int off = 16; off > 0; off /= 2) {
                emit("mov.b64 {" + lo + ", " + hi + "}, " + acc + ";");
                emit("shfl.sync.down.b32 " + lo + ", " + lo + ", " + off + ", 31, -1;");
                emit("shfl.sync.down.b32 " + hi + ", " + hi + ", " + off + ", 31, -1;");
                emit("mov.b64 " + other + ", {" + lo + ", " + hi + "};");
                emit("add.rn.f64 " + acc + ", " + acc + ", " + other + ";");
            }
        }
    }
}
