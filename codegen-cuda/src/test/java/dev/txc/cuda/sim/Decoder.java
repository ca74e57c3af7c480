package dev.txc.cuda.sim;

import dev.txc.cuda.sim.PtxParser.Addr;
import dev.txc.cuda.sim.PtxParser.FnDecl;
import dev.txc.cuda.sim.PtxParser.Ins;
import dev.txc.cuda.sim.PtxParser.ModuleDecl;
import dev.txc.cuda.sim.PtxParser.Name;
import dev.txc.cuda.sim.PtxParser.Num;
import dev.txc.cuda.sim.PtxParser.Opd;
import dev.txc.cuda.sim.PtxParser.Pair;
import dev.txc.cuda.sim.PtxParser.Paren;
import dev.txc.cuda.sim.PtxParser.Var;
import dev.txc.cuda.sim.PtxParser.Vec;
import dev.txc.cuda.sim.PtxSim.Exec;
import dev.txc.cuda.sim.PtxSim.Fn;
import dev.txc.cuda.sim.PtxSim.Frame;
import dev.txc.cuda.sim.PtxSim.Insn;
import dev.txc.cuda.sim.PtxSim.Space;
import dev.txc.cuda.sim.PtxSim.State;
import dev.txc.cuda.sim.PtxSim.Thr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns parsed PTX functions into executable instructions (one closure per instruction, operands resolved). */
final class Decoder {
    /** A source operand: its value's bits, normalized to the type the instruction reads it with. */
    interface Src {
        long get(Thr t, Frame f);
    }

    interface Adr {
        long get(Thr t, Frame f);
    }

    interface I1 { long ap(long a); }
    interface I2 { long ap(long a, long b); }
    interface I3 { long ap(long a, long b, long c); }
    interface F1 { float ap(float a); }
    interface F2 { float ap(float a, float b); }
    interface F3 { float ap(float a, float b, float c); }
    interface D1 { double ap(double a); }
    interface D2 { double ap(double a, double b); }
    interface D3 { double ap(double a, double b, double c); }

    /** A function's names: registers, param-space variables, local and shared variables. */
    private static final class Ctx {
        final Map<String, Integer> regs = new HashMap<>();
        final List<Ty> regTy = new ArrayList<>();
        final Map<String, Integer> params = new HashMap<>();
        final List<Integer> paramBytes = new ArrayList<>();
        final Map<String, Integer> locals = new HashMap<>();
        final Map<String, Long> shared = new HashMap<>();
        final Map<String, Long> globals = new HashMap<>();
        int localBytes;
    }

    /** An opcode split into its base, type suffixes and other modifiers. */
    private final class Op {
        final String base;
        final List<Ty> types = new ArrayList<>();
        final Set<String> mods = new LinkedHashSet<>();

        Op(String opcode) {
            String[] parts = opcode.split("\\.");
            base = parts[0];
            for (int i = 1; i < parts.length; i++) {
                Ty t = Ty.of(parts[i]);
                if (t != null) types.add(t);
                else mods.add(parts[i]);
            }
        }

        boolean has(String m) {
            return mods.contains(m);
        }

        /** Fails on any modifier not named here. */
        void allow(String... ok) {
            for (String m : mods)
                if (!Arrays.asList(ok).contains(m)) throw err("unsupported modifier ." + m + " on " + base);
        }

        Ty type() {
            if (types.size() != 1) throw err(base + " needs exactly one type suffix");
            return types.getFirst();
        }

        /** The one of these modifiers present, or null; two of them is an error. */
        String oneOf(String... names) {
            String found = null;
            for (String n : names) {
                if (mods.contains(n)) {
                    if (found != null) throw err(base + " has both ." + found + " and ." + n);
                    found = n;
                }
            }
            return found;
        }
    }

    private static final Set<String> CACHE = Set.of("ca", "cg", "cs", "lu", "cv", "wb", "wt", "nc", "volatile",
            "relaxed", "acquire", "release", "weak", "sys", "gpu", "cta", "mmio");

    private final PtxSim sim;
    private final ModuleDecl m;
    private final Map<String, Ctx> ctxs = new HashMap<>();
    private Ctx cx;
    private FnDecl fd;
    private Ins cur;
    private int curLine;

    Decoder(PtxSim sim, ModuleDecl m) {
        this.sim = sim;
        this.m = m;
    }

    // ---------------------------------------------------------------- errors

    private PtxSimException err(String msg) {
        String text = curLine >= 1 && curLine <= m.lines.length ? m.lines[curLine - 1] : null;
        return PtxSimException.at(curLine, text, msg);
    }

    // ---------------------------------------------------------------- module

    void build() {
        List<Var> dynamic = new ArrayList<>();
        for (Var v : m.vars) {
            curLine = v.line();
            switch (v.space()) {
                case "global", "const" -> sim.globalSyms.put(v.name(), globalVar(v));
                case "shared" -> {
                    if (v.array() && v.count() == 0) dynamic.add(v);
                    else sim.sharedSyms.put(v.name(), sharedVar(v));
                }
                default -> throw err("unsupported module-level ." + v.space() + " variable");
            }
        }
        for (FnDecl d : m.fns.values()) {
            Fn f = new Fn();
            f.name = d.name;
            f.entry = d.entry;
            f.line = d.line;
            f.defined = d.defined;
            sim.fns.put(d.name, f);
            curLine = d.line;
            declare(d, f);
        }
        for (FnDecl d : m.fns.values()) {
            for (Var v : d.vars) {
                if (v.space().equals("shared") && v.array() && v.count() == 0) dynamic.add(v);
            }
        }
        sim.staticShared = (sim.staticShared + 15) & ~15;
        for (Var v : dynamic) {
            sim.sharedSyms.put(v.name(), (long) sim.staticShared);
            for (Ctx c : ctxs.values()) c.shared.putIfAbsent(v.name(), (long) sim.staticShared);
        }
        for (FnDecl d : m.fns.values()) if (d.defined) code(d, sim.fns.get(d.name));
    }

    private long globalVar(Var v) {
        long a = sim.allocVar(v.bytes(), v.align());
        int k = 0;
        for (Opd o : v.init()) {
            if (k >= Math.max(v.count(), 1)) throw err("too many initializers for " + v.name());
            long bits = switch (o) {
                case Num n -> imm(n, v.ty());
                case Name n when sim.globalSyms.containsKey(n.name()) -> sim.globalSyms.get(n.name());
                default -> throw err("unsupported initializer for " + v.name());
            };
            sim.globalStore(a + (long) k * v.ty().bytes(), v.ty().bytes(), bits);
            k++;
        }
        return a;
    }

    private long sharedVar(Var v) {
        int align = Math.max(v.align(), 1);
        long off = (sim.staticShared + align - 1) / align * align;
        sim.staticShared = (int) (off + v.bytes());
        return off;
    }

    private void declare(FnDecl d, Fn f) {
        Ctx c = new Ctx();
        ctxs.put(d.name, c);
        f.formals = formals(c, d.params);
        f.formalTy = d.params.stream().map(Var::ty).toArray(Ty[]::new);
        f.formalArray = new boolean[d.params.size()];
        for (int i = 0; i < d.params.size(); i++) f.formalArray[i] = d.params.get(i).array();
        f.rets = formals(c, d.rets);
        for (Var v : d.vars) {
            curLine = v.line();
            switch (v.space()) {
                case "reg" -> addReg(c, v);
                case "param" -> addParam(c, v);
                case "local" -> {
                    int align = Math.max(v.align(), 1);
                    c.localBytes = (c.localBytes + align - 1) / align * align;
                    c.locals.put(v.name(), c.localBytes);
                    c.localBytes += (int) v.bytes();
                }
                case "shared" -> {
                    if (!(v.array() && v.count() == 0)) c.shared.put(v.name(), sharedVar(v));
                }
                case "global", "const" -> c.globals.put(v.name(), globalVar(v));
                default -> throw err("unsupported ." + v.space() + " declaration");
            }
        }
        f.regTy = c.regTy.toArray(new Ty[0]);
        f.nparams = c.paramBytes.size();
        f.paramBytes = c.paramBytes.stream().mapToInt(Integer::intValue).toArray();
        f.localBytes = c.localBytes;
    }

    private int[] formals(Ctx c, List<Var> vs) {
        int[] out = new int[vs.size()];
        for (int i = 0; i < vs.size(); i++) {
            Var v = vs.get(i);
            curLine = v.line();
            if (v.space().equals("reg")) {
                addReg(c, v);
                out[i] = c.regs.get(v.name());
            } else {
                addParam(c, v);
                out[i] = -1 - c.params.get(v.name());
            }
        }
        return out;
    }

    private void addReg(Ctx c, Var v) {
        if (v.array()) throw err("register arrays are not supported");
        if (v.name().endsWith("<>")) {
            String stem = v.name().substring(0, v.name().length() - 2);
            for (int i = 0; i < v.count(); i++) addReg(c, stem + i, v.ty());
        } else {
            addReg(c, v.name(), v.ty());
        }
    }

    private void addReg(Ctx c, String name, Ty ty) {
        if (c.regs.containsKey(name)) {
            if (c.regTy.get(c.regs.get(name)) != ty) throw err("register " + name + " is declared twice with different types");
            return;
        }
        c.regs.put(name, c.regTy.size());
        c.regTy.add(ty);
    }

    private void addParam(Ctx c, Var v) {
        if (c.params.containsKey(v.name())) return; // the same name in another { } scope shares the slot
        c.params.put(v.name(), c.paramBytes.size());
        c.paramBytes.add((int) v.bytes());
    }

    // ---------------------------------------------------------------- code

    private void code(FnDecl d, Fn f) {
        fd = d;
        cx = ctxs.get(d.name);
        Insn[] code = new Insn[d.body.size() + 1];
        for (int i = 0; i < d.body.size(); i++) {
            cur = d.body.get(i);
            curLine = cur.line();
            code[i] = decode(cur);
        }
        Insn end = new Insn(d.line, "(end of " + d.name + ")");
        end.exec = ret(f);
        code[code.length - 1] = end;
        f.code = code;
    }

    private Insn decode(Ins ins) {
        Insn in = new Insn(ins.line(), m.lines[ins.line() - 1]);
        if (ins.guard() != null) {
            in.guard = reg(ins.guard());
            if (cx.regTy.get(in.guard) != Ty.PRED) throw err("the guard " + ins.guard() + " is not a predicate");
            in.guardNeg = ins.guardNeg();
        }
        Op o = new Op(ins.opcode());
        List<Opd> a = ins.ops();
        switch (o.base) {
            case "mov" -> in.exec = mov(o, a);
            case "ld" -> in.exec = ld(o, a);
            case "st" -> in.exec = st(o, a);
            case "cvta" -> in.exec = cvta(o, a);
            case "cvt" -> in.exec = cvt(o, a);
            case "add", "sub", "mul", "mad", "fma", "div", "rem", "min", "max", "copysign" -> in.exec = arith(o, a);
            case "neg", "abs", "sqrt", "rcp", "rsqrt", "ex2", "lg2", "sin", "cos", "tanh" -> in.exec = unary(o, a);
            case "and", "or", "xor", "not", "cnot", "shl", "shr", "popc", "clz", "brev", "bfe", "bfi" -> in.exec = bits(o, a);
            case "testp" -> in.exec = testp(o, a);
            case "setp" -> in.exec = setp(o, a);
            case "selp" -> in.exec = selp(o, a);
            case "slct" -> in.exec = slct(o, a);
            case "atom", "red" -> in.exec = atom(o, a);
            case "bra" -> in.exec = bra(o, a);
            case "call" -> in.exec = call(o, a);
            case "ret" -> {
                o.allow("uni");
                count(a, 0);
                in.exec = ret(sim.fns.get(fd.name));
            }
            case "exit" -> {
                count(a, 0);
                in.exec = (t, f) -> t.state = State.EXIT;
            }
            case "trap" -> in.exec = (t, f) -> {
                throw new PtxSimException("trap executed");
            };
            case "membar", "fence" -> in.exec = (t, f) -> {};
            case "bar", "barrier" -> barrier(in, o, a);
            case "shfl" -> shfl(in, o, a);
            case "vote" -> vote(in, o, a);
            case "redux" -> redux(in, o, a);
            default -> throw err("unsupported instruction '" + ins.opcode() + "'");
        }
        return in;
    }

    private void count(List<Opd> a, int n) {
        if (a.size() != n) throw err("expected " + n + " operands, found " + a.size());
    }

    // ---------------------------------------------------------------- operands

    private int reg(String name) {
        Integer r = cx.regs.get(name);
        if (r == null) throw err("unknown register '" + name + "'");
        return r;
    }

    /** A destination register (or -1 for the sink {@code _}). */
    private int dst(Opd o) {
        if (o instanceof Name n && !n.neg()) return n.name().equals("_") ? -1 : reg(n.name());
        throw err("expected a destination register");
    }

    private Src src(Opd o, Ty ty) {
        return switch (o) {
            case Name n when n.neg() -> {
                Src p = pred(o);
                yield p;
            }
            case Name n when cx.regs.containsKey(n.name()) -> {
                int r = cx.regs.get(n.name());
                yield switch (ty) {
                    case U32, B32, F32 -> (t, f) -> f.r[r] & 0xFFFF_FFFFL;
                    case S32 -> (t, f) -> (int) f.r[r];
                    case U64, B64, S64, F64 -> (t, f) -> f.r[r];
                    case PRED -> (t, f) -> f.r[r] != 0 ? 1 : 0;
                    default -> (t, f) -> ty.norm(f.r[r]);
                };
            }
            case Name n -> special(n.name(), ty);
            case Num n -> {
                long v = imm(n, ty);
                yield (t, f) -> v;
            }
            default -> throw err("expected a register or an immediate");
        };
    }

    private Src pred(Opd o) {
        if (!(o instanceof Name n)) throw err("expected a predicate");
        int r = reg(n.name());
        if (cx.regTy.get(r) != Ty.PRED) throw err(n.name() + " is not a predicate register");
        return n.neg() ? (t, f) -> f.r[r] != 0 ? 0 : 1 : (t, f) -> f.r[r] != 0 ? 1 : 0;
    }

    private Src special(String name, Ty ty) {
        Src s = switch (name) {
            case "%tid.x" -> (t, f) -> t.x;
            case "%tid.y" -> (t, f) -> t.y;
            case "%tid.z" -> (t, f) -> t.z;
            case "%ntid.x" -> (t, f) -> t.launch.block.x();
            case "%ntid.y" -> (t, f) -> t.launch.block.y();
            case "%ntid.z" -> (t, f) -> t.launch.block.z();
            case "%ctaid.x" -> (t, f) -> t.blk.x;
            case "%ctaid.y" -> (t, f) -> t.blk.y;
            case "%ctaid.z" -> (t, f) -> t.blk.z;
            case "%nctaid.x" -> (t, f) -> t.launch.grid.x();
            case "%nctaid.y" -> (t, f) -> t.launch.grid.y();
            case "%nctaid.z" -> (t, f) -> t.launch.grid.z();
            case "%laneid" -> (t, f) -> t.lane;
            case "%warpid" -> (t, f) -> t.warp;
            case "%nwarpid" -> (t, f) -> (t.launch.block.count() + 31) / 32;
            case "%lanemask_eq" -> (t, f) -> 1L << t.lane;
            case "%lanemask_lt" -> (t, f) -> (1L << t.lane) - 1;
            case "%lanemask_le" -> (t, f) -> (2L << t.lane) - 1;
            case "%lanemask_gt" -> (t, f) -> 0xFFFF_FFFFL & ~((2L << t.lane) - 1);
            case "%lanemask_ge" -> (t, f) -> 0xFFFF_FFFFL & ~((1L << t.lane) - 1);
            case "%clock" -> (t, f) -> sim.steps & 0xFFFF_FFFFL;
            case "%clock64" -> (t, f) -> sim.steps;
            case "WARP_SZ" -> (t, f) -> 32;
            default -> null;
        };
        if (s == null) {
            if (symbolKind(name) != null) throw err("the variable '" + name + "' is not a value here; use mov to take its address");
            throw err("unknown register or symbol '" + name + "'");
        }
        return (t, f) -> ty.norm(s.get(t, f));
    }

    /** The bits of an immediate of type ty. */
    private long imm(Num n, Ty ty) {
        String s = n.text();
        boolean neg = s.startsWith("-");
        if (neg) s = s.substring(1);
        if (s.length() == 10 && (s.startsWith("0f") || s.startsWith("0F"))) {
            int bits = (int) Long.parseLong(s.substring(2), 16);
            if (neg) bits ^= 0x8000_0000;
            return switch (ty) {
                case F32, B32, U32, S32 -> bits & 0xFFFF_FFFFL;
                case F64 -> Double.doubleToRawLongBits(Float.intBitsToFloat(bits));
                default -> throw err("a float literal for a " + ty + " operand");
            };
        }
        if (s.length() == 18 && (s.startsWith("0d") || s.startsWith("0D"))) {
            long bits = Long.parseUnsignedLong(s.substring(2), 16);
            double v = Double.longBitsToDouble(bits);
            if (ty == Ty.F64 || ty == Ty.B64 || ty == Ty.U64 || ty == Ty.S64) return neg ? bits ^ Long.MIN_VALUE : bits;
            if (ty == Ty.F32) return Float.floatToRawIntBits((float) (neg ? -v : v)) & 0xFFFF_FFFFL;
            throw err("a double literal for a " + ty + " operand");
        }
        Long iv = PtxParser.parseInt(s);
        if (iv != null) {
            long v = neg ? -iv : iv;
            return switch (ty.kind) {
                case 'f' -> ty == Ty.F32 ? Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(v);
                case 'p' -> v != 0 ? 1 : 0;
                default -> ty.norm(v);
            };
        }
        try {
            double v = Double.parseDouble(s);
            if (neg) v = -v;
            if (ty == Ty.F64) return Double.doubleToRawLongBits(v);
            if (ty == Ty.F32) return Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL;
        } catch (NumberFormatException e) {
            throw err("cannot read the number '" + n.text() + "'");
        }
        throw err("a floating-point literal for a " + ty + " operand");
    }

    /** "shared", "local", "global" or "param" for a variable name visible here, else null. */
    private String symbolKind(String name) {
        if (cx.params.containsKey(name)) return "param";
        if (cx.locals.containsKey(name)) return "local";
        if (cx.shared.containsKey(name) || sim.sharedSyms.containsKey(name)) return "shared";
        if (cx.globals.containsKey(name) || sim.globalSyms.containsKey(name)) return "global";
        return null;
    }

    /** The address of a variable in the given space (GENERIC: its generic address). */
    private Adr symbol(String name, Space sp) {
        String kind = symbolKind(name);
        if (kind == null) throw err("unknown variable '" + name + "'");
        return switch (kind) {
            case "shared" -> {
                long off = cx.shared.containsKey(name) ? cx.shared.get(name) : sim.sharedSyms.get(name);
                if (sp == Space.SHARED) yield (t, f) -> off;
                if (sp == Space.GENERIC) yield (t, f) -> PtxSim.SHARED_WINDOW + off;
                throw err("the .shared variable " + name + " used in " + sp.name().toLowerCase() + " space");
            }
            case "local" -> {
                long off = cx.locals.get(name);
                if (sp == Space.LOCAL) yield (t, f) -> f.localBase + off;
                if (sp == Space.GENERIC) yield (t, f) -> PtxSim.LOCAL_WINDOW + f.localBase + off;
                throw err("the .local variable " + name + " used in " + sp.name().toLowerCase() + " space");
            }
            case "global" -> {
                long a = cx.globals.containsKey(name) ? cx.globals.get(name) : sim.globalSyms.get(name);
                if (sp == Space.SHARED || sp == Space.LOCAL)
                    throw err("the global variable " + name + " used in " + sp.name().toLowerCase() + " space");
                yield (t, f) -> a;
            }
            default -> throw err("the address of the .param variable " + name + " cannot be taken here");
        };
    }

    private Adr address(Opd o, Space sp) {
        if (!(o instanceof Addr a)) throw err("expected an address [..]");
        long off = a.offset();
        if (a.base() == null) return (t, f) -> off;
        Integer r = cx.regs.get(a.base());
        if (r != null) {
            if (cx.regTy.get(r).bits <= 32) return (t, f) -> (f.r[r] & 0xFFFF_FFFFL) + off;
            return (t, f) -> f.r[r] + off;
        }
        Adr s = symbol(a.base(), sp);
        return (t, f) -> s.get(t, f) + off;
    }

    private static Space space(Op o) {
        Space sp = Space.GENERIC;
        for (String s : List.of("global", "shared", "local", "const", "param")) {
            if (o.has(s)) {
                sp = switch (s) {
                    case "global" -> Space.GLOBAL;
                    case "shared" -> Space.SHARED;
                    case "local" -> Space.LOCAL;
                    case "const" -> Space.CONST;
                    default -> null;
                };
            }
        }
        return sp;
    }

    private static float f32(long v) {
        return Float.intBitsToFloat((int) v);
    }

    private static long bits(float v) {
        return Float.floatToRawIntBits(v) & 0xFFFF_FFFFL;
    }

    private static double f64(long v) {
        return Double.longBitsToDouble(v);
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static float ftz(float x) {
        return Math.abs(x) < Float.MIN_NORMAL && x != 0 ? Math.copySign(0f, x) : x;
    }

    private static float sat(float x) {
        return x > 0 ? Math.min(x, 1f) : 0f;
    }

    private static double sat(double x) {
        return x > 0 ? Math.min(x, 1.0) : 0.0;
    }

    // ---------------------------------------------------------------- data movement

    private Exec mov(Op o, List<Opd> a) {
        o.allow();
        Ty ty = o.type();
        count(a, 2);
        if (a.get(0) instanceof Vec v) { // unpack
            int k = v.elems().size();
            int w = ty.bits / k;
            int[] ds = new int[k];
            for (int i = 0; i < k; i++) ds[i] = dst(v.elems().get(i));
            Src s = src(a.get(1), ty);
            long mask = w == 64 ? -1 : (1L << w) - 1;
            return (t, f) -> {
                long x = s.get(t, f);
                for (int i = 0; i < k; i++) if (ds[i] >= 0) f.r[ds[i]] = (x >>> (i * w)) & mask;
            };
        }
        int d = dst(a.get(0));
        if (a.get(1) instanceof Vec v) { // pack
            int k = v.elems().size();
            int w = ty.bits / k;
            Ty part = Ty.of("b" + w);
            if (part == null) throw err("cannot pack " + k + " parts into " + ty);
            Src[] ss = new Src[k];
            for (int i = 0; i < k; i++) ss[i] = src(v.elems().get(i), part);
            return (t, f) -> {
                long x = 0;
                for (int i = 0; i < k; i++) x |= ss[i].get(t, f) << (i * w);
                f.r[d] = x;
            };
        }
        if (a.get(1) instanceof Name n && !cx.regs.containsKey(n.name()) && symbolKind(n.name()) != null) {
            String kind = symbolKind(n.name());
            Adr s = symbol(n.name(), switch (kind) {
                case "shared" -> Space.SHARED;
                case "local" -> Space.LOCAL;
                default -> Space.GLOBAL;
            });
            return (t, f) -> f.r[d] = ty.norm(s.get(t, f));
        }
        Src s = src(a.get(1), ty);
        return (t, f) -> f.r[d] = s.get(t, f);
    }

    private Exec cvta(Op o, List<Opd> a) {
        boolean to = o.has("to");
        String which = o.oneOf("global", "shared", "local");
        if (which == null) throw err("cvta needs .global, .shared or .local");
        o.allow("to", which);
        Ty ty = o.type();
        count(a, 2);
        int d = dst(a.get(0));
        long window = switch (which) {
            case "shared" -> PtxSim.SHARED_WINDOW;
            case "local" -> PtxSim.LOCAL_WINDOW;
            default -> 0;
        };
        Src s;
        if (a.get(1) instanceof Name n && !cx.regs.containsKey(n.name()) && symbolKind(n.name()) != null) {
            Adr sym = symbol(n.name(), which.equals("global") ? Space.GLOBAL : which.equals("shared") ? Space.SHARED : Space.LOCAL);
            s = sym::get;
        } else s = src(a.get(1), ty);
        if (!to) return (t, f) -> f.r[d] = ty.norm(s.get(t, f) + window);
        if (window == 0) return (t, f) -> f.r[d] = s.get(t, f);
        return (t, f) -> {
            long g = s.get(t, f);
            if (g < window || g >= window + PtxSim.WINDOW)
                throw new PtxSimException("cvta.to." + which + " of 0x" + Long.toHexString(g) + ", which is not a " + which + " address");
            f.r[d] = ty.norm(g - window);
        };
    }

    private int vecWidth(Op o) {
        String v = o.oneOf("v2", "v4", "v8");
        return v == null ? 1 : Integer.parseInt(v.substring(1));
    }

    private void allowMemory(Op o, String... more) {
        List<String> ok = new ArrayList<>(CACHE);
        ok.addAll(List.of("global", "shared", "local", "const", "param", "v2", "v4"));
        ok.addAll(List.of(more));
        o.allow(ok.toArray(new String[0]));
    }

    private Exec ld(Op o, List<Opd> a) {
        allowMemory(o);
        Ty ty = o.type();
        count(a, 2);
        int k = vecWidth(o);
        int[] ds = dests(a.get(0), k);
        int size = ty.bytes();
        if (o.has("param")) {
            int[] slot = paramSlot(a.get(1), size * k);
            return (t, f) -> {
                byte[] p = f.params[slot[0]];
                for (int i = 0; i < k; i++) {
                    long v = ty.norm(PtxSim.get(p, slot[1] + i * size, size));
                    if (ds[i] >= 0) f.r[ds[i]] = v;
                }
            };
        }
        Space sp = space(o);
        Adr ad = address(a.get(1), sp);
        int total = size * k;
        return (t, f) -> {
            long base = ad.get(t, f);
            if ((base & (total - 1)) != 0)
                throw new PtxSimException("misaligned " + total + "-byte access at address 0x" + Long.toHexString(base));
            for (int i = 0; i < k; i++) {
                long v = ty.norm(sim.load(sp, base + (long) i * size, size, t));
                if (ds[i] >= 0) f.r[ds[i]] = v;
            }
        };
    }

    private Exec st(Op o, List<Opd> a) {
        allowMemory(o);
        Ty ty = o.type();
        count(a, 2);
        int k = vecWidth(o);
        Src[] ss = new Src[k];
        if (k == 1) ss[0] = src(a.get(1), ty);
        else if (a.get(1) instanceof Vec v && v.elems().size() == k) {
            for (int i = 0; i < k; i++) ss[i] = src(v.elems().get(i), ty);
        } else throw err("expected a vector of " + k + " values");
        int size = ty.bytes();
        if (o.has("param")) {
            int[] slot = paramSlot(a.get(0), size * k);
            return (t, f) -> {
                byte[] p = f.params[slot[0]];
                for (int i = 0; i < k; i++) PtxSim.put(p, slot[1] + i * size, size, ss[i].get(t, f));
            };
        }
        Space sp = space(o);
        Adr ad = address(a.get(0), sp);
        int total = size * k;
        return (t, f) -> {
            long base = ad.get(t, f);
            if ((base & (total - 1)) != 0)
                throw new PtxSimException("misaligned " + total + "-byte access at address 0x" + Long.toHexString(base));
            for (int i = 0; i < k; i++) sim.store(sp, base + (long) i * size, size, ss[i].get(t, f), t);
        };
    }

    private int[] dests(Opd o, int k) {
        if (k == 1) return new int[] {dst(o)};
        if (!(o instanceof Vec v) || v.elems().size() != k) throw err("expected a vector of " + k + " registers");
        int[] ds = new int[k];
        for (int i = 0; i < k; i++) ds[i] = dst(v.elems().get(i));
        return ds;
    }

    /** {param index, byte offset} of a [name+off] in param space, bounds-checked. */
    private int[] paramSlot(Opd o, int bytes) {
        if (!(o instanceof Addr ad) || ad.base() == null || !cx.params.containsKey(ad.base()))
            throw err("a .param access needs [param_name+offset] naming a .param variable of this function");
        int idx = cx.params.get(ad.base());
        if (ad.offset() < 0 || ad.offset() + bytes > cx.paramBytes.get(idx))
            throw err("the access of " + bytes + " bytes at offset " + ad.offset() + " runs past the "
                    + cx.paramBytes.get(idx) + "-byte parameter " + ad.base());
        return new int[] {idx, (int) ad.offset()};
    }

    // ---------------------------------------------------------------- conversions

    private Exec cvt(Op o, List<Opd> a) {
        String rnd = o.oneOf("rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi");
        o.allow("rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi", "sat", "ftz");
        if (o.types.size() != 2) throw err("cvt needs a destination and a source type");
        Ty dt = o.types.get(0), at = o.types.get(1);
        if (dt == Ty.F16 || at == Ty.F16 || dt == Ty.PRED || at == Ty.PRED) throw err("cvt with " + dt + at + " is not supported");
        boolean sat = o.has("sat"), ftz = o.has("ftz");
        count(a, 2);
        int d = dst(a.get(0));
        Src s = src(a.get(1), at);
        if (at.isFloat()) {
            if (dt.isInt() && (rnd == null || !rnd.endsWith("i")))
                throw err("a float-to-integer cvt needs .rni, .rzi, .rmi or .rpi");
            if (dt.isFloat() && dt == at && rnd != null && !rnd.endsWith("i"))
                throw err("a float-to-float cvt of one type rounds with .rni, .rzi, .rmi or .rpi");
            if (dt == Ty.F32 && at == Ty.F64 && (rnd == null || rnd.endsWith("i")))
                throw err("cvt.f32.f64 needs .rn, .rz, .rm or .rp");
            String mode = rnd;
            return (t, f) -> {
                double x = at == Ty.F32 ? f32(s.get(t, f)) : f64(s.get(t, f));
                if (ftz && at == Ty.F32) x = ftz((float) x);
                f.r[d] = floatTo(x, dt, mode, sat, ftz);
            };
        }
        if (dt.isFloat()) {
            if (rnd == null || rnd.endsWith("i")) throw err("an integer-to-float cvt needs .rn, .rz, .rm or .rp");
            String mode = rnd;
            return (t, f) -> {
                long v = s.get(t, f);
                BigInteger exact = at.isSigned() || at.bits < 64 ? BigInteger.valueOf(v)
                        : new BigInteger(Long.toUnsignedString(v));
                double r = dt == Ty.F32 ? roundFloat(new BigDecimal(exact), mode) : roundDouble(new BigDecimal(exact), mode);
                f.r[d] = dt == Ty.F32 ? bits(sat ? sat((float) r) : (float) r) : bits(sat ? sat(r) : r);
            };
        }
        if (rnd != null) throw err("an integer-to-integer cvt takes no rounding modifier");
        if (!sat) return (t, f) -> f.r[d] = dt.norm(s.get(t, f));
        return (t, f) -> f.r[d] = dt.norm(clampInt(s.get(t, f), at, dt));
    }

    private static long clampInt(long v, Ty at, Ty dt) {
        BigInteger x = at.isSigned() || at.bits < 64 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
        BigInteger lo = dt.isSigned() ? BigInteger.ONE.shiftLeft(dt.bits - 1).negate() : BigInteger.ZERO;
        BigInteger hi = dt.isSigned() ? BigInteger.ONE.shiftLeft(dt.bits - 1).subtract(BigInteger.ONE)
                : BigInteger.ONE.shiftLeft(dt.bits).subtract(BigInteger.ONE);
        return x.max(lo).min(hi).longValue();
    }

    /** A float value (exact in double) converted to dt's bits under a PTX rounding modifier. */
    static long floatTo(double x, Ty dt, String mode, boolean sat, boolean ftz) {
        if (dt.isFloat()) {
            double r = mode != null && mode.endsWith("i") ? roundInt(x, mode) : x;
            if (dt == Ty.F64) return bits(sat ? sat(r) : r);
            float g = mode == null || mode.endsWith("i") ? (float) r : roundFloat(r, mode);
            if (ftz) g = ftz(g);
            return bits(sat ? sat(g) : g);
        }
        if (Double.isNaN(x)) return 0;
        double r = roundInt(x, mode);
        if (dt.isSigned()) {
            double lo = -Math.pow(2, dt.bits - 1), hi = Math.pow(2, dt.bits - 1);
            long max = dt.bits == 64 ? Long.MAX_VALUE : (1L << (dt.bits - 1)) - 1;
            if (r <= lo) return dt.norm(-max - 1);
            if (r >= hi) return dt.norm(max);
            return dt.norm((long) r);
        }
        if (r <= 0) return 0;
        double hi = Math.pow(2, dt.bits);
        if (r >= hi) return dt.norm(-1L);
        if (r >= 0x1p63) return (long) (r - 0x1p63) ^ Long.MIN_VALUE;
        return (long) r;
    }

    static double roundInt(double x, String mode) {
        return switch (mode) {
            case "rni" -> Math.rint(x);
            case "rzi" -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case "rmi" -> Math.floor(x);
            case "rpi" -> Math.ceil(x);
            default -> throw new IllegalStateException(mode);
        };
    }

    /** x rounded to float under .rn/.rz/.rm/.rp. */
    static float roundFloat(double x, String mode) {
        float g = (float) x;
        if (Double.isNaN(x) || g == x) return g;
        return switch (mode) {
            case "rn" -> g;
            case "rz" -> Math.abs((double) g) > Math.abs(x) ? Math.nextAfter(g, 0.0) : g;
            case "rm" -> g > x ? Math.nextDown(g) : g;
            case "rp" -> g < x ? Math.nextUp(g) : g;
            default -> throw new IllegalStateException(mode);
        };
    }

    static float roundFloat(BigDecimal x, String mode) {
        float g = x.floatValue();
        int c = new BigDecimal(g).compareTo(x);
        if (c == 0) return g;
        return switch (mode) {
            case "rn" -> g;
            case "rz" -> (c > 0) == (x.signum() > 0) ? Math.nextAfter(g, 0.0) : g;
            case "rm" -> c > 0 ? Math.nextDown(g) : g;
            case "rp" -> c < 0 ? Math.nextUp(g) : g;
            default -> throw new IllegalStateException(mode);
        };
    }

    static double roundDouble(BigDecimal x, String mode) {
        double g = x.doubleValue();
        int c = new BigDecimal(g).compareTo(x);
        if (c == 0) return g;
        return switch (mode) {
            case "rn" -> g;
            case "rz" -> (c > 0) == (x.signum() > 0) ? Math.nextAfter(g, 0.0) : g;
            case "rm" -> c > 0 ? Math.nextDown(g) : g;
            case "rp" -> c < 0 ? Math.nextUp(g) : g;
            default -> throw new IllegalStateException(mode);
        };
    }

    // ---------------------------------------------------------------- arithmetic

    private Exec arith(Op o, List<Opd> a) {
        Ty ty = o.type();
        if (ty == Ty.F16 || ty == Ty.PRED) throw err(o.base + ty + " is not supported");
        if (ty.isFloat()) return floatArith(o, ty, a);
        boolean three = o.base.equals("mad");
        count(a, three ? 4 : 3);
        String part = o.oneOf("lo", "hi", "wide");
        Ty rt = ty;
        if ("wide".equals(part)) {
            if (ty.bits > 32) throw err(o.base + ".wide takes a 16- or 32-bit type");
            rt = Ty.of((ty.isSigned() ? "s" : "u") + ty.bits * 2);
        }
        Ty res = rt;
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty), y = src(a.get(2), ty);
        boolean signed = ty.isSigned();
        int bitsW = ty.bits;
        I2 op = switch (o.base) {
            case "add" -> {
                o.allow("sat", "cc");
                if (o.has("cc")) throw err("carry flags (.cc) are not supported");
                if (o.has("sat") && ty != Ty.S32) throw err("add.sat takes .s32");
                yield o.has("sat") ? (p, q) -> Math.clamp(p + q, Integer.MIN_VALUE, Integer.MAX_VALUE) : (p, q) -> p + q;
            }
            case "sub" -> {
                o.allow("sat");
                if (o.has("sat") && ty != Ty.S32) throw err("sub.sat takes .s32");
                yield o.has("sat") ? (p, q) -> Math.clamp(p - q, Integer.MIN_VALUE, Integer.MAX_VALUE) : (p, q) -> p - q;
            }
            case "mul", "mad" -> {
                o.allow("lo", "hi", "wide");
                if (part == null) throw err(o.base + " on integers needs .lo, .hi or .wide");
                yield switch (part) {
                    case "hi" -> bitsW == 64 ? (signed ? Math::multiplyHigh : Math::unsignedMultiplyHigh)
                            : signed ? (p, q) -> (p * q) >> bitsW : (p, q) -> (p * q) >>> bitsW;
                    default -> (p, q) -> p * q;
                };
            }
            case "div" -> {
                o.allow();
                yield signed ? (p, q) -> {
                    if (q == 0) throw new PtxSimException("integer division by zero (PTX leaves the result unspecified)");
                    return p / q;
                } : (p, q) -> {
                    if (q == 0) throw new PtxSimException("integer division by zero (PTX leaves the result unspecified)");
                    return Long.divideUnsigned(p, q);
                };
            }
            case "rem" -> {
                o.allow();
                yield signed ? (p, q) -> {
                    if (q == 0) throw new PtxSimException("integer remainder by zero (PTX leaves the result unspecified)");
                    return p % q;
                } : (p, q) -> {
                    if (q == 0) throw new PtxSimException("integer remainder by zero (PTX leaves the result unspecified)");
                    return Long.remainderUnsigned(p, q);
                };
            }
            case "min" -> {
                o.allow();
                yield signed ? Math::min : (p, q) -> Long.compareUnsigned(p, q) <= 0 ? p : q;
            }
            case "max" -> {
                o.allow();
                yield signed ? Math::max : (p, q) -> Long.compareUnsigned(p, q) >= 0 ? p : q;
            }
            default -> throw err(o.base + " does not take " + ty);
        };
        if (three) {
            Src z = src(a.get(3), res);
            return (t, f) -> f.r[d] = res.norm(op.ap(x.get(t, f), y.get(t, f)) + z.get(t, f));
        }
        return (t, f) -> f.r[d] = res.norm(op.ap(x.get(t, f), y.get(t, f)));
    }

    private Exec floatArith(Op o, Ty ty, List<Opd> a) {
        boolean ftz = o.has("ftz"), sat = o.has("sat");
        switch (o.base) {
            case "add", "sub", "mul" -> o.allow("rn", "ftz", "sat");
            case "mad", "fma" -> {
                o.allow("rn", "ftz", "sat");
                if (o.base.equals("fma") && !o.has("rn")) throw err("fma needs .rn (other roundings are not supported)");
            }
            case "div" -> {
                o.allow("rn", "full", "approx", "ftz");
                if (ty == Ty.F64 && !o.has("rn")) throw err("div.f64 needs .rn");
                if (o.oneOf("rn", "full", "approx") == null) throw err("div.f32 needs .rn, .full or .approx");
            }
            case "min", "max" -> o.allow("ftz", "NaN");
            case "copysign" -> o.allow();
            default -> throw err(o.base + " does not take " + ty);
        }
        boolean nan = o.has("NaN");
        boolean three = o.base.equals("mad") || o.base.equals("fma");
        count(a, three ? 4 : 3);
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty), y = src(a.get(2), ty), z = three ? src(a.get(3), ty) : null;
        if (ty == Ty.F32) {
            F3 op = switch (o.base) {
                case "add" -> (p, q, r) -> p + q;
                case "sub" -> (p, q, r) -> p - q;
                case "mul" -> (p, q, r) -> p * q;
                case "mad", "fma" -> (p, q, r) -> Math.fma(p, q, r);
                case "div" -> (p, q, r) -> p / q;
                case "min" -> (p, q, r) -> fmin(p, q, nan);
                case "max" -> (p, q, r) -> fmax(p, q, nan);
                default -> (p, q, r) -> Math.copySign(q, p);
            };
            return (t, f) -> {
                float p = f32(x.get(t, f)), q = f32(y.get(t, f)), r = z == null ? 0 : f32(z.get(t, f));
                if (ftz) {
                    p = ftz(p);
                    q = ftz(q);
                    r = ftz(r);
                }
                float v = op.ap(p, q, r);
                if (ftz) v = ftz(v);
                if (sat) v = sat(v);
                f.r[d] = bits(v);
            };
        }
        D3 op = switch (o.base) {
            case "add" -> (p, q, r) -> p + q;
            case "sub" -> (p, q, r) -> p - q;
            case "mul" -> (p, q, r) -> p * q;
            case "mad", "fma" -> Math::fma;
            case "div" -> (p, q, r) -> p / q;
            case "min" -> (p, q, r) -> fmin(p, q, nan);
            case "max" -> (p, q, r) -> fmax(p, q, nan);
            default -> (p, q, r) -> Math.copySign(q, p);
        };
        if (sat) return (t, f) -> f.r[d] = bits(sat(op.ap(f64(x.get(t, f)), f64(y.get(t, f)), z == null ? 0 : f64(z.get(t, f)))));
        return (t, f) -> f.r[d] = bits(op.ap(f64(x.get(t, f)), f64(y.get(t, f)), z == null ? 0 : f64(z.get(t, f))));
    }

    private static float fmin(float p, float q, boolean nan) {
        if (Float.isNaN(p) || Float.isNaN(q)) return nan ? Float.NaN : Float.isNaN(p) ? q : p;
        return Math.min(p, q);
    }

    private static float fmax(float p, float q, boolean nan) {
        if (Float.isNaN(p) || Float.isNaN(q)) return nan ? Float.NaN : Float.isNaN(p) ? q : p;
        return Math.max(p, q);
    }

    private static double fmin(double p, double q, boolean nan) {
        if (Double.isNaN(p) || Double.isNaN(q)) return nan ? Double.NaN : Double.isNaN(p) ? q : p;
        return Math.min(p, q);
    }

    private static double fmax(double p, double q, boolean nan) {
        if (Double.isNaN(p) || Double.isNaN(q)) return nan ? Double.NaN : Double.isNaN(p) ? q : p;
        return Math.max(p, q);
    }

    private Exec unary(Op o, List<Opd> a) {
        Ty ty = o.type();
        count(a, 2);
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty);
        if (ty.isInt()) {
            o.allow();
            I1 op = switch (o.base) {
                case "neg" -> p -> -p;
                case "abs" -> Math::abs;
                default -> throw err(o.base + " does not take " + ty);
            };
            if (!ty.isSigned()) throw err(o.base + " takes a signed integer type");
            return (t, f) -> f.r[d] = ty.norm(op.ap(x.get(t, f)));
        }
        if (ty != Ty.F32 && ty != Ty.F64) throw err(o.base + " does not take " + ty);
        switch (o.base) {
            case "neg", "abs" -> o.allow("ftz");
            case "sqrt", "rcp" -> {
                o.allow("rn", "approx", "ftz");
                if (o.oneOf("rn", "approx") == null) throw err(o.base + " needs .rn or .approx");
            }
            default -> {
                o.allow("approx", "ftz");
                if (!o.has("approx")) throw err(o.base + " needs .approx");
            }
        }
        boolean ftz = o.has("ftz");
        D1 op = switch (o.base) {
            case "neg" -> p -> -p;
            case "abs" -> Math::abs;
            case "sqrt" -> Math::sqrt;
            case "rcp" -> p -> 1.0 / p;
            case "rsqrt" -> p -> 1.0 / StrictMath.sqrt(p);
            case "ex2" -> p -> StrictMath.pow(2.0, p);
            case "lg2" -> p -> StrictMath.log(p) / StrictMath.log(2.0);
            case "sin" -> StrictMath::sin;
            case "cos" -> StrictMath::cos;
            default -> StrictMath::tanh;
        };
        if (ty == Ty.F32) {
            boolean exactF = o.base.equals("rcp") || o.base.equals("neg") || o.base.equals("abs");
            return (t, f) -> {
                float p = f32(x.get(t, f));
                if (ftz) p = ftz(p);
                float v = exactF ? (o.base.equals("rcp") ? 1f / p : (float) op.ap(p)) : (float) op.ap(p);
                if (ftz) v = ftz(v);
                f.r[d] = bits(v);
            };
        }
        return (t, f) -> f.r[d] = bits(op.ap(f64(x.get(t, f))));
    }

    private Exec bits(Op o, List<Opd> a) {
        o.allow();
        Ty ty = o.type();
        if (ty.isFloat() && !o.base.equals("not")) throw err(o.base + " does not take " + ty);
        int w = ty.bits;
        switch (o.base) {
            case "and", "or", "xor" -> {
                count(a, 3);
                int d = dst(a.get(0));
                Src x = src(a.get(1), ty), y = src(a.get(2), ty);
                I2 op = switch (o.base) {
                    case "and" -> (p, q) -> p & q;
                    case "or" -> (p, q) -> p | q;
                    default -> (p, q) -> p ^ q;
                };
                return (t, f) -> f.r[d] = ty.norm(op.ap(x.get(t, f), y.get(t, f)));
            }
            case "not", "cnot", "popc", "clz", "brev" -> {
                count(a, 2);
                int d = dst(a.get(0));
                Src x = src(a.get(1), ty.unsigned());
                return switch (o.base) {
                    case "not" -> ty == Ty.PRED ? (t, f) -> f.r[d] = x.get(t, f) ^ 1 : (t, f) -> f.r[d] = ty.norm(~x.get(t, f));
                    case "cnot" -> (t, f) -> f.r[d] = x.get(t, f) == 0 ? 1 : 0;
                    case "popc" -> (t, f) -> f.r[d] = Long.bitCount(x.get(t, f));
                    case "clz" -> (t, f) -> f.r[d] = Long.numberOfLeadingZeros(x.get(t, f)) - (64 - w);
                    default -> (t, f) -> f.r[d] = ty.norm(Long.reverse(x.get(t, f)) >>> (64 - w));
                };
            }
            case "shl", "shr" -> {
                count(a, 3);
                int d = dst(a.get(0));
                Src x = src(a.get(1), ty), y = src(a.get(2), Ty.U32);
                if (o.base.equals("shl"))
                    return (t, f) -> {
                        long s = y.get(t, f);
                        f.r[d] = s >= w ? 0 : ty.norm(x.get(t, f) << s);
                    };
                if (ty.isSigned())
                    return (t, f) -> f.r[d] = ty.norm(x.get(t, f) >> Math.min(y.get(t, f), 63));
                return (t, f) -> {
                    long s = y.get(t, f);
                    f.r[d] = s >= w ? 0 : x.get(t, f) >>> s;
                };
            }
            case "bfe" -> {
                count(a, 4);
                int d = dst(a.get(0));
                Src x = src(a.get(1), ty), pos = src(a.get(2), Ty.U32), len = src(a.get(3), Ty.U32);
                boolean signed = ty.isSigned();
                return (t, f) -> {
                    long v = x.get(t, f);
                    int p = (int) (pos.get(t, f) & 0xFF), l = (int) (len.get(t, f) & 0xFF);
                    long sbit = signed && l > 0 ? v >>> Math.min(p + l - 1, w - 1) & 1 : 0;
                    long r = 0;
                    for (int i = 0; i < w; i++) {
                        long b = i < l && p + i < w ? v >>> (p + i) & 1 : sbit;
                        r |= b << i;
                    }
                    f.r[d] = ty.norm(r);
                };
            }
            case "bfi" -> {
                count(a, 5);
                int d = dst(a.get(0));
                Src x = src(a.get(1), ty), y = src(a.get(2), ty), pos = src(a.get(3), Ty.U32), len = src(a.get(4), Ty.U32);
                return (t, f) -> {
                    long v = x.get(t, f), r = y.get(t, f);
                    int p = (int) (pos.get(t, f) & 0xFF), l = (int) (len.get(t, f) & 0xFF);
                    for (int i = 0; i < l && p + i < w; i++) r = (r & ~(1L << (p + i))) | ((v >>> i & 1) << (p + i));
                    f.r[d] = ty.norm(r);
                };
            }
            default -> throw err("unsupported instruction " + o.base);
        }
    }

    // ---------------------------------------------------------------- comparisons and selection

    private Exec testp(Op o, List<Opd> a) {
        String k = o.oneOf("finite", "infinite", "number", "notanumber", "normal", "subnormal");
        if (k == null) throw err("testp needs .finite, .infinite, .number, .notanumber, .normal or .subnormal");
        o.allow(k);
        Ty ty = o.type();
        count(a, 2);
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty);
        D1 test = switch (k) {
            case "finite" -> v -> Double.isFinite(v) ? 1 : 0;
            case "infinite" -> v -> Double.isInfinite(v) ? 1 : 0;
            case "number" -> v -> Double.isNaN(v) ? 0 : 1;
            case "notanumber" -> v -> Double.isNaN(v) ? 1 : 0;
            case "normal" -> ty == Ty.F32 ? v -> Double.isFinite(v) && Math.abs(v) >= Float.MIN_NORMAL ? 1 : 0
                    : v -> Double.isFinite(v) && Math.abs(v) >= Double.MIN_NORMAL ? 1 : 0;
            default -> ty == Ty.F32 ? v -> v != 0 && Math.abs(v) < Float.MIN_NORMAL ? 1 : 0
                    : v -> v != 0 && Math.abs(v) < Double.MIN_NORMAL ? 1 : 0;
        };
        return (t, f) -> f.r[d] = (long) test.ap(ty == Ty.F32 ? f32(x.get(t, f)) : f64(x.get(t, f)));
    }

    private static final List<String> CMPS = List.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs",
            "equ", "neu", "ltu", "leu", "gtu", "geu", "num", "nan");

    private Exec setp(Op o, List<Opd> a) {
        String cmp = o.oneOf(CMPS.toArray(new String[0]));
        if (cmp == null) throw err("setp needs a comparison");
        String bool = o.oneOf("and", "or", "xor");
        o.allow(cmp, "ftz", "and", "or", "xor");
        Ty ty = o.type();
        if (a.size() != (bool == null ? 3 : 4)) throw err("setp" + (bool == null ? " takes 3 operands" : "." + bool + " takes 4 operands"));
        int p, q;
        if (a.get(0) instanceof Pair pr) {
            p = reg(pr.a());
            q = pr.b().equals("_") ? -1 : reg(pr.b());
        } else {
            p = dst(a.get(0));
            q = -1;
        }
        Src x = src(a.get(1), ty), y = src(a.get(2), ty);
        Src c = bool == null ? null : pred(a.get(3));
        I2 test = compare(cmp, ty, o.has("ftz"));
        int boolOp = bool == null ? -1 : List.of("and", "or", "xor").indexOf(bool);
        return (t, f) -> {
            long r = test.ap(x.get(t, f), y.get(t, f));
            long nr = r ^ 1;
            if (c != null) {
                long cv = c.get(t, f);
                switch (boolOp) {
                    case 0 -> { r &= cv; nr &= cv; }
                    case 1 -> { r |= cv; nr |= cv; }
                    default -> { r ^= cv; nr ^= cv; }
                }
            }
            f.r[p] = r;
            if (q >= 0) f.r[q] = nr;
        };
    }

    /** 1 or 0: the comparison of two values of type ty (normalized bits). */
    private I2 compare(String cmp, Ty ty, boolean ftz) {
        if (ty.isFloat()) {
            if (ty == Ty.F16) throw err("setp.f16 is not supported");
            boolean f32 = ty == Ty.F32;
            I2 lt = f32 ? (p, q) -> cmpF(fz(f32(p), ftz), fz(f32(q), ftz)) : (p, q) -> cmpF(f64(p), f64(q));
            // lt gives: -1 less, 0 equal, 1 greater, 2 unordered
            return switch (cmp) {
                case "eq" -> (p, q) -> lt.ap(p, q) == 0 ? 1 : 0;
                case "ne" -> (p, q) -> { long c = lt.ap(p, q); return c == -1 || c == 1 ? 1 : 0; };
                case "lt" -> (p, q) -> lt.ap(p, q) == -1 ? 1 : 0;
                case "le" -> (p, q) -> { long c = lt.ap(p, q); return c == -1 || c == 0 ? 1 : 0; };
                case "gt" -> (p, q) -> lt.ap(p, q) == 1 ? 1 : 0;
                case "ge" -> (p, q) -> { long c = lt.ap(p, q); return c == 1 || c == 0 ? 1 : 0; };
                case "equ" -> (p, q) -> { long c = lt.ap(p, q); return c == 0 || c == 2 ? 1 : 0; };
                case "neu" -> (p, q) -> lt.ap(p, q) != 0 ? 1 : 0;
                case "ltu" -> (p, q) -> { long c = lt.ap(p, q); return c == -1 || c == 2 ? 1 : 0; };
                case "leu" -> (p, q) -> lt.ap(p, q) != 1 ? 1 : 0;
                case "gtu" -> (p, q) -> { long c = lt.ap(p, q); return c == 1 || c == 2 ? 1 : 0; };
                case "geu" -> (p, q) -> lt.ap(p, q) != -1 ? 1 : 0;
                case "num" -> (p, q) -> lt.ap(p, q) != 2 ? 1 : 0;
                case "nan" -> (p, q) -> lt.ap(p, q) == 2 ? 1 : 0;
                default -> throw err("setp." + cmp + " does not take " + ty);
            };
        }
        if (ty == Ty.PRED) throw err("setp does not take .pred");
        boolean signed = ty.isSigned() && !List.of("lo", "ls", "hi", "hs").contains(cmp);
        if (ty.kind == 'b' && !cmp.equals("eq") && !cmp.equals("ne")) throw err("setp." + cmp + " does not take " + ty);
        I2 c = signed ? (p, q) -> Long.compare(p, q) : (p, q) -> Long.compareUnsigned(p, q);
        return switch (cmp) {
            case "eq" -> (p, q) -> p == q ? 1 : 0;
            case "ne" -> (p, q) -> p != q ? 1 : 0;
            case "lt", "lo" -> (p, q) -> c.ap(p, q) < 0 ? 1 : 0;
            case "le", "ls" -> (p, q) -> c.ap(p, q) <= 0 ? 1 : 0;
            case "gt", "hi" -> (p, q) -> c.ap(p, q) > 0 ? 1 : 0;
            case "ge", "hs" -> (p, q) -> c.ap(p, q) >= 0 ? 1 : 0;
            default -> throw err("setp." + cmp + " does not take " + ty);
        };
    }

    private static float fz(float x, boolean ftz) {
        return ftz ? ftz(x) : x;
    }

    private static long cmpF(double p, double q) {
        if (Double.isNaN(p) || Double.isNaN(q)) return 2;
        return p < q ? -1 : p > q ? 1 : 0;
    }

    private Exec selp(Op o, List<Opd> a) {
        o.allow();
        Ty ty = o.type();
        count(a, 4);
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty), y = src(a.get(2), ty), c = pred(a.get(3));
        return (t, f) -> f.r[d] = c.get(t, f) != 0 ? x.get(t, f) : y.get(t, f);
    }

    private Exec slct(Op o, List<Opd> a) {
        o.allow("ftz");
        if (o.types.size() != 2) throw err("slct needs a destination and a selector type");
        Ty ty = o.types.get(0), ct = o.types.get(1);
        if (ct != Ty.S32 && ct != Ty.F32) throw err("slct selects on .s32 or .f32");
        count(a, 4);
        int d = dst(a.get(0));
        Src x = src(a.get(1), ty), y = src(a.get(2), ty), c = src(a.get(3), ct);
        boolean ftz = o.has("ftz");
        if (ct == Ty.S32) return (t, f) -> f.r[d] = c.get(t, f) >= 0 ? x.get(t, f) : y.get(t, f);
        return (t, f) -> f.r[d] = fz(f32(c.get(t, f)), ftz) >= 0 ? x.get(t, f) : y.get(t, f);
    }

    // ---------------------------------------------------------------- atomics

    private Exec atom(Op o, List<Opd> a) {
        String op = o.oneOf("add", "inc", "dec", "min", "max", "exch", "cas", "and", "or", "xor");
        if (op == null) throw err(o.base + " needs an operation");
        List<String> ok = new ArrayList<>(List.of(op, "global", "shared", "relaxed", "acquire", "release", "acq_rel",
                "sys", "gpu", "cta", "noftz"));
        o.allow(ok.toArray(new String[0]));
        Ty ty = o.type();
        boolean red = o.base.equals("red");
        boolean cas = op.equals("cas");
        if (red && cas) throw err("red does not take .cas");
        count(a, (red ? 2 : 3) + (cas ? 1 : 0));
        int k = red ? 0 : 1;
        int d = red ? -1 : dst(a.get(0));
        Space sp = o.has("global") ? Space.GLOBAL : o.has("shared") ? Space.SHARED : Space.GENERIC;
        Adr ad = address(a.get(k), sp);
        Src b = src(a.get(k + 1), ty), c = cas ? src(a.get(k + 2), ty) : null;
        int size = ty.bytes();
        if (ty.isFloat() && !op.equals("add") && !op.equals("exch") && !op.equals("min") && !op.equals("max"))
            throw err(o.base + "." + op + " does not take " + ty);
        I3 f3 = switch (op) {
            case "add" -> ty == Ty.F32 ? (p, q, r) -> bits(f32(p) + f32(q))
                    : ty == Ty.F64 ? (p, q, r) -> bits(f64(p) + f64(q)) : (p, q, r) -> p + q;
            case "inc" -> (p, q, r) -> Long.compareUnsigned(p, q) >= 0 ? 0 : p + 1;
            case "dec" -> (p, q, r) -> p == 0 || Long.compareUnsigned(p, q) > 0 ? q : p - 1;
            case "min" -> ty.isFloat() ? (p, q, r) -> ty == Ty.F32 ? bits(fmin(f32(p), f32(q), false)) : bits(fmin(f64(p), f64(q), false))
                    : ty.isSigned() ? (p, q, r) -> Math.min(p, q) : (p, q, r) -> Long.compareUnsigned(p, q) <= 0 ? p : q;
            case "max" -> ty.isFloat() ? (p, q, r) -> ty == Ty.F32 ? bits(fmax(f32(p), f32(q), false)) : bits(fmax(f64(p), f64(q), false))
                    : ty.isSigned() ? (p, q, r) -> Math.max(p, q) : (p, q, r) -> Long.compareUnsigned(p, q) >= 0 ? p : q;
            case "exch" -> (p, q, r) -> q;
            case "cas" -> (p, q, r) -> p == q ? r : p;
            case "and" -> (p, q, r) -> p & q;
            case "or" -> (p, q, r) -> p | q;
            default -> (p, q, r) -> p ^ q;
        };
        return (t, f) -> {
            long addr = ad.get(t, f);
            t.atomic = true;
            try {
                long old = ty.norm(sim.load(sp, addr, size, t));
                long nv = f3.ap(old, b.get(t, f), c == null ? 0 : c.get(t, f));
                sim.store(sp, addr, size, nv, t);
                if (d >= 0) f.r[d] = old;
            } finally {
                t.atomic = false;
            }
        };
    }

    // ---------------------------------------------------------------- control

    private Exec bra(Op o, List<Opd> a) {
        o.allow("uni");
        count(a, 1);
        if (!(a.getFirst() instanceof Name n) || !fd.labels.containsKey(n.name())) throw err("bra needs a label of this function");
        int target = fd.labels.get(n.name());
        return (t, f) -> f.pc = target;
    }

    private Exec call(Op o, List<Opd> a) {
        o.allow("uni");
        List<Opd> rets = List.of(), args = List.of();
        int i = 0;
        if (i < a.size() && a.get(i) instanceof Paren p) {
            rets = p.elems();
            i++;
        }
        if (i >= a.size() || !(a.get(i) instanceof Name fname)) throw err("call needs a function name");
        i++;
        if (i < a.size() && a.get(i) instanceof Paren p) {
            args = p.elems();
            i++;
        }
        if (i != a.size()) throw err("indirect calls and call prototypes are not supported");
        Fn callee = sim.fns.get(fname.name());
        if (callee == null || callee.entry) throw err("unknown .func '" + fname.name() + "'");
        if (!callee.defined) throw err("the .func '" + fname.name() + "' is declared but not defined in this module");
        if (args.size() != callee.formals.length)
            throw err(fname.name() + " takes " + callee.formals.length + " arguments, not " + args.size());
        if (rets.size() != callee.rets.length)
            throw err(fname.name() + " returns " + callee.rets.length + " values, not " + rets.size());
        // arguments: a caller .param variable (bytes copied) or a value
        int n = args.size();
        int[] argParam = new int[n];
        Src[] argVal = new Src[n];
        for (int k = 0; k < n; k++) {
            Opd arg = args.get(k);
            int formal = callee.formals[k];
            Ty fty = formal >= 0 ? callee.regTy[formal] : Ty.B64;
            if (arg instanceof Name nm && cx.params.containsKey(nm.name())) {
                argParam[k] = cx.params.get(nm.name());
            } else {
                argParam[k] = -1;
                if (formal < 0) throw err("argument " + k + " of " + fname.name() + " must be a .param variable");
                argVal[k] = src(arg, fty);
            }
        }
        int[] retTo = new int[rets.size()];
        for (int k = 0; k < rets.size(); k++) {
            Opd r = rets.get(k);
            if (r instanceof Name nm && cx.params.containsKey(nm.name())) retTo[k] = -1 - cx.params.get(nm.name());
            else retTo[k] = dst(r);
        }
        return (t, f) -> {
            Frame nf = new Frame(callee);
            for (int k = 0; k < n; k++) {
                int formal = callee.formals[k];
                if (argParam[k] >= 0) {
                    byte[] src = f.params[argParam[k]];
                    if (formal >= 0) nf.r[formal] = callee.regTy[formal].norm(PtxSim.get(src, 0, Math.min(8, src.length)));
                    else nf.params[-1 - formal] = Arrays.copyOf(src, callee.paramBytes[-1 - formal]);
                } else {
                    nf.r[formal] = argVal[k].get(t, f);
                }
            }
            for (int k = 0; k < nf.params.length; k++) if (nf.params[k] == null) nf.params[k] = PtxSim.fresh(callee.paramBytes[k]);
            nf.caller = f;
            nf.callRets = retTo;
            t.push(nf);
        };
    }

    private Exec ret(Fn fn) {
        return (t, f) -> {
            Frame caller = f.caller;
            if (caller == null) {
                t.state = State.EXIT;
                return;
            }
            for (int k = 0; k < fn.rets.length; k++) {
                int from = fn.rets[k], to = f.callRets[k];
                if (from < 0 && to < 0) {
                    byte[] src = f.params[-1 - from];
                    byte[] dstb = caller.params[-1 - to];
                    System.arraycopy(src, 0, dstb, 0, Math.min(src.length, dstb.length));
                } else {
                    long v = from >= 0 ? f.r[from] : PtxSim.get(f.params[-1 - from], 0, Math.min(8, f.params[-1 - from].length));
                    if (to >= 0) caller.r[to] = v;
                    else PtxSim.put(caller.params[-1 - to], 0, Math.min(8, caller.params[-1 - to].length), v);
                }
            }
            t.localTop = f.localBase;
            t.frame = caller;
        };
    }

    // ---------------------------------------------------------------- synchronization

    private void barrier(Insn in, Op o, List<Opd> a) {
        if (o.base.equals("bar") && o.has("warp")) {
            o.allow("warp", "sync");
            count(a, 1);
            in.kind = Insn.Kind.WARP;
            in.syncArg = src(a.getFirst(), Ty.U32);
            in.warp = (lanes, mask, s) -> {};
            return;
        }
        if (!o.has("sync")) throw err(o.base + " is supported only as " + o.base + ".sync");
        o.allow("sync", "cta", "aligned");
        if (a.size() == 2) throw err("a barrier with a thread count is not supported");
        count(a, 1);
        in.kind = Insn.Kind.BARRIER;
        in.syncArg = src(a.getFirst(), Ty.U32);
    }

    private void shfl(Insn in, Op o, List<Opd> a) {
        String mode = o.oneOf("up", "down", "bfly", "idx");
        if (mode == null || !o.has("sync")) throw err("shfl.sync needs .up, .down, .bfly or .idx");
        o.allow("sync", mode);
        Ty ty = o.type();
        if (ty != Ty.B32) throw err("shfl.sync takes .b32");
        count(a, 5);
        int d, p;
        if (a.getFirst() instanceof Pair pr) {
            d = reg(pr.a());
            p = reg(pr.b());
        } else {
            d = dst(a.getFirst());
            p = -1;
        }
        Src x = src(a.get(1), Ty.B32), bs = src(a.get(2), Ty.U32), cs = src(a.get(3), Ty.U32);
        in.kind = Insn.Kind.WARP;
        in.syncArg = src(a.get(4), Ty.U32);
        int kind = List.of("up", "down", "bfly", "idx").indexOf(mode);
        in.warp = (lanes, mask, s) -> {
            long[] val = new long[32];
            for (Thr t : lanes) val[t.lane] = x.get(t, t.frame);
            for (Thr t : lanes) {
                Frame f = t.frame;
                int lane = t.lane;
                int b = (int) (bs.get(t, f) & 31), c = (int) cs.get(t, f);
                int cval = c & 31, seg = (c >> 8) & 31;
                int maxLane = (lane & seg) | (cval & ~seg), minLane = lane & seg;
                int j;
                boolean pval;
                switch (kind) {
                    case 0 -> { j = lane - b; pval = j >= maxLane; }
                    case 1 -> { j = lane + b; pval = j <= maxLane; }
                    case 2 -> { j = lane ^ b; pval = j <= maxLane; }
                    default -> { j = minLane | (b & ~seg); pval = j <= maxLane; }
                }
                if (!pval) j = lane;
                f.r[d] = j >= 0 && j < 32 && (mask >>> j & 1) != 0 ? val[j] : 0xFFFF_FFFFL;
                if (p >= 0) f.r[p] = pval ? 1 : 0;
            }
        };
    }

    private void vote(Insn in, Op o, List<Opd> a) {
        String mode = o.oneOf("all", "any", "uni", "ballot");
        if (mode == null || !o.has("sync")) throw err("vote.sync needs .all, .any, .uni or .ballot");
        o.allow("sync", mode);
        Ty ty = o.type();
        if (ty != (mode.equals("ballot") ? Ty.B32 : Ty.PRED)) throw err("vote.sync." + mode + " does not take " + ty);
        count(a, 3);
        int d = dst(a.getFirst());
        Src x = pred(a.get(1));
        in.kind = Insn.Kind.WARP;
        in.syncArg = src(a.get(2), Ty.U32);
        in.warp = (lanes, mask, s) -> {
            long ballot = 0;
            for (Thr t : lanes) ballot |= x.get(t, t.frame) << t.lane;
            long all = ballot == mask ? 1 : 0, any = ballot != 0 ? 1 : 0, uni = ballot == 0 || ballot == mask ? 1 : 0;
            long r = switch (mode) {
                case "all" -> all;
                case "any" -> any;
                case "uni" -> uni;
                default -> ballot;
            };
            for (Thr t : lanes) t.frame.r[d] = r;
        };
    }

    private void redux(Insn in, Op o, List<Opd> a) {
        String op = o.oneOf("add", "min", "max", "and", "or", "xor");
        if (op == null || !o.has("sync")) throw err("redux.sync needs an operation");
        o.allow("sync", op);
        Ty ty = o.type();
        if (ty != Ty.U32 && ty != Ty.S32 && ty != Ty.B32) throw err("redux.sync takes .u32, .s32 or .b32");
        count(a, 3);
        int d = dst(a.getFirst());
        Src x = src(a.get(1), ty);
        in.kind = Insn.Kind.WARP;
        in.syncArg = src(a.get(2), Ty.U32);
        boolean signed = ty.isSigned();
        I2 f2 = switch (op) {
            case "add" -> (p, q) -> p + q;
            case "min" -> signed ? Math::min : (p, q) -> Math.min(p, q);
            case "max" -> signed ? Math::max : (p, q) -> Math.max(p, q);
            case "and" -> (p, q) -> p & q;
            case "or" -> (p, q) -> p | q;
            default -> (p, q) -> p ^ q;
        };
        in.warp = (lanes, mask, s) -> {
            long r = x.get(lanes[0], lanes[0].frame);
            for (int i = 1; i < lanes.length; i++) r = f2.ap(r, x.get(lanes[i], lanes[i].frame));
            long v = ty.norm(r);
            for (Thr t : lanes) t.frame.r[d] = v;
        };
    }
}
