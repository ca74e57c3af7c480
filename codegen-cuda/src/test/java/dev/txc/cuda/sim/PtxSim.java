package dev.txc.cuda.sim;

import dev.txc.cuda.PtxEntry;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An interpreter for the subset of PTX that txc emits, so that tests can execute kernels without a GPU.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * PtxSim sim = PtxSim.load(moduleText);
 * long x = sim.alloc(8 * n);                 // device memory, filled with 0xFF bytes (NaN / -1) like cuMemAlloc's garbage
 * sim.write(x, doubles);
 * sim.launch("saxpy", PtxSim.dim(4), PtxSim.dim(128), 0, x, y, (long) n, 2.0);
 * double[] out = sim.readDoubles(y, n);
 * sim.launch(ptxEntry, x, y, (long) n);       // grid and block from the entry's Launch
 * }</pre>
 * Arguments are matched to the entry's parameters in order: {@code .u64/.s64/.b64} and pointers take a Long or
 * Integer, 32-bit integers an Integer or Long, {@code .f32} a Float, {@code .f64} a Double.
 * {@link #load(String, DeviceMemory)} loads several modules onto one memory, as a CUDA context's modules share device
 * memory; {@link SimCudaApi} puts the runtime's driver interface ({@code dev.txc.runtime.cuda.CudaApi}) on top, so the
 * whole {@code --device cuda} path runs without a GPU.
 *
 * <h2>Supported PTX</h2>
 * <ul>
 * <li>Module: {@code .version}, {@code .target}, {@code .address_size 64}, {@code .visible/.weak/.extern} {@code .entry}
 * and {@code .func} (with {@code .reg} or {@code .param} parameters and return parameters, prototypes), module-level
 * {@code .global/.const} variables and arrays with initializers, {@code .shared} arrays (static, and {@code .extern
 * .shared x[]} for the launch's dynamic shared memory, placed after the static ones), performance directives
 * (ignored).</li>
 * <li>In functions: {@code .reg} declarations including ranges {@code %r<32>}, {@code .param}, {@code .local} and
 * {@code .shared} arrays with {@code .align}, labels, nested {@code { }} scopes, {@code .pragma} (ignored).</li>
 * <li>Memory: {@code ld/st} in {@code .param/.global/.shared/.local/.const} and generic space, {@code .v2/.v4},
 * {@code .nc} and cache or ordering qualifiers (ignored), natural alignment checked; {@code mov} of registers,
 * immediates, special registers, variable addresses and vector pack/unpack; {@code cvta} and {@code cvta.to} for
 * global/shared/local. Global accesses outside every allocation, misaligned accesses and shared or local accesses
 * out of bounds are errors naming the line, the thread and the block.</li>
 * <li>Arithmetic in every integer width and f32/f64: {@code add sub mul(.lo/.hi/.wide) mad(.lo/.hi/.wide)
 * fma.rn div rem neg abs min max (.NaN) sqrt rcp rsqrt copysign}, {@code .sat}, {@code .ftz}; integer
 * {@code add.sat.s32}; bits {@code and or xor not cnot shl shr popc clz brev bfe bfi}; {@code testp}, {@code setp}
 * with every comparison (ordered and unordered, {@code num}, {@code nan}, unsigned {@code lo ls hi hs}) and
 * {@code .and/.or/.xor} of a predicate, two destinations {@code p|q}; {@code selp}, {@code slct}; {@code cvt} between
 * all integer and float types with {@code .rn/.rz/.rm/.rp}, {@code .rni/.rzi/.rmi/.rpi}, {@code .sat}, {@code .ftz}
 * (float to integer saturates and maps NaN to 0, as PTX does).</li>
 * <li>Control: {@code @p}/{@code @!p} guards on any instruction, {@code bra(.uni)}, {@code call(.uni)} with register
 * or {@code .param} arguments and return values, {@code ret}, {@code exit}, {@code trap} (an error).</li>
 * <li>Synchronization: {@code bar.sync/bar.cta.sync/barrier.sync(.aligned)} (threads that exited count as arrived,
 * as in PTX), {@code shfl.sync.up/down/bfly/idx} with the clamp/segment operand, member mask and optional predicate
 * destination, {@code vote.sync.all/any/uni/ballot}, {@code redux.sync}, {@code bar.warp.sync}, {@code membar/fence}
 * (no-ops: threads run one at a time); {@code atom} and {@code red} ({@code add inc dec min max exch cas and or xor})
 * in global, shared and generic space.</li>
 * <li>Special registers: {@code %tid %ntid %ctaid %nctaid} (.x/.y/.z), {@code %laneid %warpid %nwarpid
 * %lanemask_eq/lt/le/gt/ge %clock %clock64 WARP_SZ}.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * Every operation is IEEE in its instruction's type: f32 steps are computed in Java {@code float} (round to nearest
 * even), {@code fma}/{@code mad} of floats by {@link Math#fma}, {@code .b32/.b64} moves reinterpret bits. Registers hold
 * 64-bit patterns; a value is sign- or zero-extended by the type it is read with. Rounding modifiers other than
 * {@code .rn} are supported only on {@code cvt}; elsewhere they are an error. The approximate instructions
 * ({@code ex2 lg2 sin cos tanh rcp rsqrt sqrt div} with {@code .approx} or {@code .full}) are modelled as the correctly
 * rounded {@link StrictMath} value (computed in double and rounded to the type): the simulator cannot reproduce the
 * hardware's approximation error, so tests must not rely on it. Floating-point {@code add/mul} without {@code .rn} are
 * executed as written, although ptxas may contract them into an fma on a GPU. Integer division by zero is an error (PTX
 * leaves its value unspecified). A shuffle from a lane outside the member mask reads 0xFFFFFFFF (PTX: undefined).
 *
 * <h2>Execution</h2>
 * Blocks run one after another; within a block each thread runs alone until it reaches a barrier, a warp-collective
 * instruction ({@code shfl/vote/redux/bar.warp}) or its exit. A warp collective completes when every lane of its member
 * mask waits at the same instruction with the same mask (a named lane that exited or does not exist is an error); a
 * barrier completes when every thread that has not exited waits at one. If nothing can proceed the launch fails with a
 * deadlock error naming where each thread waits. Runs are deterministic; so that a missing barrier cannot hide behind
 * that order, two threads touching a shared byte (one writing) with no barrier between is an error
 * ({@link SharedRaces}; {@link #raceCheck(boolean)}). Races in global memory between blocks are not detected.
 */
public final class PtxSim {
    static final long GLOBAL_BASE = 0x7f00_0000_0000L;
    static final long SHARED_WINDOW = 0x7e00_0000_0000L;
    static final long LOCAL_WINDOW = 0x7d00_0000_0000L;
    static final long WINDOW = 1L << 32;

    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** A grid or block extent. */
    public record Dim(int x, int y, int z) {
        public Dim {
            if (x < 1 || y < 1 || z < 1) throw new IllegalArgumentException("a dimension must be positive: " + x + "," + y + "," + z);
        }

        int count() {
            return x * y * z;
        }
    }

    public static Dim dim(int x) {
        return new Dim(x, 1, 1);
    }

    public static Dim dim(int x, int y, int z) {
        return new Dim(x, y, z);
    }

    // ---------------------------------------------------------------- module

    final Map<String, Fn> fns = new HashMap<>();
    final Map<String, Long> globalSyms = new HashMap<>();
    final Map<String, Long> sharedSyms = new HashMap<>();
    int staticShared;
    String dynamicSharedName;
    private final DeviceMemory mem;
    private long stepLimit = 2_000_000_000L;
    private int maxGrid = Integer.MAX_VALUE;
    long steps;
    private long launches;

    private PtxSim(DeviceMemory mem) {
        this.mem = mem;
    }

    /** Parses and decodes a PTX module with a memory of its own; any unsupported syntax is an error naming its line. */
    public static PtxSim load(String moduleText) {
        return load(moduleText, new DeviceMemory());
    }

    /** Parses and decodes a PTX module whose kernels use {@code memory} (as modules of one CUDA context share it). */
    public static PtxSim load(String moduleText, DeviceMemory memory) {
        PtxSim sim = new PtxSim(memory);
        PtxParser.ModuleDecl m = PtxParser.parse(moduleText);
        new Decoder(sim, m).build();
        return sim;
    }

    /** Limits the instructions executed per launch (default 2e9); exceeding it is an error (an endless loop). */
    public PtxSim stepLimit(long limit) {
        this.stepLimit = limit;
        return this;
    }

    private boolean raceCheck = true;

    /** Turns the detection of shared-memory races ({@link SharedRaces}, on by default) on or off. */
    public PtxSim raceCheck(boolean on) {
        this.raceCheck = on;
        return this;
    }

    /** Caps grid.x of {@link #launch(PtxEntry, Object...)} so that grid-stride loops run more than once. */
    public PtxSim maxGrid(int blocks) {
        this.maxGrid = blocks;
        return this;
    }

    /** Instructions executed by the last launch. */
    public long steps() {
        return steps;
    }

    public boolean hasEntry(String name) {
        Fn f = fns.get(name);
        return f != null && f.entry;
    }

    // ---------------------------------------------------------------- global memory (delegated to the device's)

    /** The global memory this module's kernels read and write (shared by modules loaded onto the same memory). */
    public DeviceMemory memory() {
        return mem;
    }

    /** Allocates {@code bytes} of global memory (256-byte aligned), filled with 0xFF bytes. */
    public long alloc(long bytes) {
        return mem.alloc(bytes);
    }

    public void free(long addr) {
        mem.free(addr);
    }

    public void write(long addr, byte[] v) {
        mem.write(addr, v);
    }

    public void write(long addr, double[] v) {
        mem.write(addr, v);
    }

    public void write(long addr, float[] v) {
        mem.write(addr, v);
    }

    public void write(long addr, long[] v) {
        mem.write(addr, v);
    }

    public void write(long addr, int[] v) {
        mem.write(addr, v);
    }

    public byte[] readBytes(long addr, int n) {
        return mem.readBytes(addr, n);
    }

    public double[] readDoubles(long addr, int n) {
        return mem.readDoubles(addr, n);
    }

    public float[] readFloats(long addr, int n) {
        return mem.readFloats(addr, n);
    }

    public long[] readLongs(long addr, int n) {
        return mem.readLongs(addr, n);
    }

    public int[] readInts(long addr, int n) {
        return mem.readInts(addr, n);
    }

    /** The address of the module's {@code .global} or {@code .const} variable {@code name}, or null. */
    public Long global(String name) {
        return globalSyms.get(name);
    }

    long globalLoad(long a, int size) {
        return mem.load(a, size);
    }

    void globalStore(long a, int size, long v) {
        mem.store(a, size, v);
    }

    /** Global memory for a module-level variable, zeroed. */
    long allocVar(long bytes, int align) {
        long a = mem.alloc(Math.max(bytes, 1));
        mem.fill(a, (byte) 0, Math.max(bytes, 1));
        return a;
    }

    static long get(byte[] d, int off, int size) {
        return switch (size) {
            case 1 -> d[off] & 0xFFL;
            case 2 -> (short) I16.get(d, off) & 0xFFFFL;
            case 4 -> (int) I32.get(d, off) & 0xFFFF_FFFFL;
            case 8 -> (long) I64.get(d, off);
            default -> throw new IllegalStateException("access size " + size);
        };
    }

    static void put(byte[] d, int off, int size, long v) {
        switch (size) {
            case 1 -> d[off] = (byte) v;
            case 2 -> I16.set(d, off, (short) v);
            case 4 -> I32.set(d, off, (int) v);
            case 8 -> I64.set(d, off, v);
            default -> throw new IllegalStateException("access size " + size);
        }
    }

    // ---------------------------------------------------------------- memory spaces seen by a thread

    enum Space { GLOBAL, SHARED, LOCAL, CONST, GENERIC }

    long load(Space sp, long a, int size, Thr t) {
        if ((a & (size - 1)) != 0) throw misaligned(a, size);
        return switch (sp) {
            case GLOBAL, CONST -> globalLoad(a, size);
            case SHARED -> {
                int off = checkShared(a, size, t);
                if (t.blk.races != null && !t.atomic) t.blk.races.read(off, size, t);
                yield get(t.blk.shared, off, size);
            }
            case LOCAL -> get(t.local, checkLocal(a, size, t), size);
            case GENERIC -> a >= SHARED_WINDOW && a < SHARED_WINDOW + WINDOW ? load(Space.SHARED, a - SHARED_WINDOW, size, t)
                    : a >= LOCAL_WINDOW && a < LOCAL_WINDOW + WINDOW ? load(Space.LOCAL, a - LOCAL_WINDOW, size, t)
                    : globalLoad(a, size);
        };
    }

    void store(Space sp, long a, int size, long v, Thr t) {
        if ((a & (size - 1)) != 0) throw misaligned(a, size);
        switch (sp) {
            case GLOBAL -> globalStore(a, size, v);
            case CONST -> throw new PtxSimException("a store to .const space");
            case SHARED -> {
                int off = checkShared(a, size, t);
                if (t.blk.races != null && !t.atomic) t.blk.races.write(off, size, t);
                put(t.blk.shared, off, size, v);
            }
            case LOCAL -> put(t.local, checkLocal(a, size, t), size, v);
            case GENERIC -> {
                if (a >= SHARED_WINDOW && a < SHARED_WINDOW + WINDOW) store(Space.SHARED, a - SHARED_WINDOW, size, v, t);
                else if (a >= LOCAL_WINDOW && a < LOCAL_WINDOW + WINDOW) store(Space.LOCAL, a - LOCAL_WINDOW, size, v, t);
                else globalStore(a, size, v);
            }
        }
    }

    private static PtxSimException misaligned(long a, int size) {
        return new PtxSimException("misaligned " + size + "-byte access at address 0x" + Long.toHexString(a));
    }

    private static int checkShared(long a, int size, Thr t) {
        if (a < 0 || a + size > t.blk.shared.length)
            throw new PtxSimException("shared address " + a + " (" + size + " bytes) is outside the block's "
                    + t.blk.shared.length + " bytes of shared memory");
        return (int) a;
    }

    private static int checkLocal(long a, int size, Thr t) {
        if (a < 0 || a + size > t.localTop)
            throw new PtxSimException("local address " + a + " (" + size + " bytes) is outside the thread's "
                    + t.localTop + " bytes of local memory");
        return (int) a;
    }

    // ---------------------------------------------------------------- runtime structures

    /** A decoded function. */
    static final class Fn {
        String name;
        boolean entry;
        int line;
        Ty[] regTy;
        int nparams; // param-space variables (formals and body declarations)
        int[] paramBytes;
        int[] formals; // for each formal parameter: a register index, or -1 - param index
        Ty[] formalTy;
        boolean[] formalArray;
        int[] rets;
        int localBytes;
        Insn[] code;
        boolean defined;
    }

    /** One decoded instruction. */
    static final class Insn {
        enum Kind { NORMAL, BARRIER, WARP }

        final int line;
        final String text;
        int guard = -1;
        boolean guardNeg;
        Kind kind = Kind.NORMAL;
        Exec exec;
        /** BARRIER: the barrier id; WARP: the member mask. Read before the thread waits. */
        Decoder.Src syncArg;
        /** WARP: executes the collective for the lanes waiting at it (in lane order). */
        WarpExec warp;

        Insn(int line, String text) {
            this.line = line;
            this.text = text;
        }
    }

    interface Exec {
        void run(Thr t, Frame f);
    }

    interface WarpExec {
        void run(Thr[] lanes, long mask, PtxSim sim);
    }

    static final class Frame {
        final Fn fn;
        final long[] r;
        final byte[][] params;
        int pc;
        Frame caller;
        Insn callSite;
        int[] callRets;
        int localBase;

        Frame(Fn fn) {
            this.fn = fn;
            this.r = new long[fn.regTy.length];
            this.params = new byte[fn.nparams][];
        }
    }

    static final class Blk {
        int x, y, z;
        byte[] shared;
        SharedRaces races;
    }

    static final class Launch {
        Dim grid, block;
    }

    enum State { RUN, BARRIER, WARP, EXIT }

    static final class Thr {
        int x, y, z, linear, lane, warp;
        /** Inside an atom/red instruction (not tracked for races). */
        boolean atomic;
        Blk blk;
        Launch launch;
        Frame frame;
        State state = State.RUN;
        Insn waitAt;
        long waitArg;
        byte[] local = new byte[0];
        int localTop;

        String where() {
            return "thread (" + x + "," + y + "," + z + ") of block (" + blk.x + "," + blk.y + "," + blk.z + ")";
        }

        /** Pushes a frame, growing local memory for its .local variables. */
        void push(Frame f) {
            f.localBase = localTop;
            localTop += (f.fn.localBytes + 15) & ~15;
            if (localTop > local.length) {
                int old = local.length;
                local = Arrays.copyOf(local, Math.max(localTop, 2 * local.length));
                Arrays.fill(local, old, local.length, (byte) 0xFF);
            }
            frame = f;
        }
    }

    // ---------------------------------------------------------------- launching

    /** Launches {@code entry} over {@code grid} blocks of {@code block} threads with {@code dynShared} bytes. */
    public void launch(String entry, Dim grid, Dim block, int dynShared, Object... args) {
        Fn fn = fns.get(entry);
        if (fn == null || !fn.entry) throw new PtxSimException("the module has no .entry named '" + entry + "'");
        if (block.count() > 1024) throw new PtxSimException("a block has at most 1024 threads, not " + block.count());
        if (args.length != fn.formals.length)
            throw new PtxSimException(entry + " takes " + fn.formals.length + " parameters, not " + args.length);
        byte[][] params = new byte[fn.nparams][];
        for (int i = 0; i < args.length; i++) params[-1 - fn.formals[i]] = paramBytes(fn, i, args[i]);
        Launch l = new Launch();
        l.grid = grid;
        l.block = block;
        steps = 0;
        launches++;
        for (int bz = 0; bz < grid.z; bz++)
            for (int by = 0; by < grid.y; by++)
                for (int bx = 0; bx < grid.x; bx++) runBlock(fn, l, params, bx, by, bz, dynShared);
    }

    /** Launches a rendered entry with the grid and block its {@link PtxEntry.Launch} gives for these arguments. */
    public void launch(PtxEntry e, Object... args) {
        if (args.length != e.params().size())
            throw new PtxSimException(e.name() + " takes " + e.params().size() + " parameters, not " + args.length);
        Map<String, Long> values = new HashMap<>();
        for (int i = 0; i < args.length; i++)
            if (args[i] instanceof Number n) values.put(e.params().get(i).name(), n.longValue());
        switch (e.launch()) {
            case PtxEntry.Launch.Flat f -> launch(e.name(), dim(blocks(ceilDiv(value(values, f.count()), f.block()))),
                    dim(f.block()), 0, args);
            case PtxEntry.Launch.Rows r -> launch(e.name(), dim(blocks(value(values, r.rows()))), dim(r.block()),
                    r.sharedBytes(), args);
            case PtxEntry.Launch.Tiles t -> launch(e.name(),
                    dim(blocks(ceilDiv(value(values, t.n()), t.tileN())), (int) ceilDiv(value(values, t.m()), t.tileM()),
                            (int) Math.max(1, value(values, t.batch()))), dim(t.block()), t.sharedBytes(), args);
        }
    }

    private int blocks(long n) {
        return (int) Math.max(1, Math.min(n, Math.min(maxGrid, Integer.MAX_VALUE)));
    }

    private static long ceilDiv(long a, long b) {
        return Math.max(1, (a + b - 1) / b);
    }

    private static long value(Map<String, Long> values, String name) {
        Long v = values.get(name);
        if (v == null) throw new PtxSimException("the launch names parameter '" + name + "', which has no integer argument");
        return v;
    }

    private static byte[] paramBytes(Fn fn, int i, Object arg) {
        int idx = -1 - fn.formals[i];
        byte[] b = new byte[fn.paramBytes[idx]];
        Ty ty = fn.formalTy[i];
        if (fn.formalArray[i] || b.length > 8)
            throw new PtxSimException("parameter " + i + " of " + fn.name + " is an aggregate, not supported");
        long bits = switch (arg) {
            case Double d when ty == Ty.F64 -> Double.doubleToRawLongBits(d);
            case Float f when ty == Ty.F32 -> Float.floatToRawIntBits(f);
            case Long v when ty.isInt() -> v;
            case Integer v when ty.isInt() -> v;
            case Short v when ty.isInt() -> v;
            case Byte v when ty.isInt() -> v;
            case Boolean v when ty.isInt() -> v ? 1 : 0;
            default -> throw new PtxSimException("parameter " + i + " of " + fn.name + " (" + ty
                    + ") cannot take " + arg + " (" + arg.getClass().getSimpleName() + ")");
        };
        put(b, 0, b.length, bits);
        return b;
    }

    private void runBlock(Fn fn, Launch l, byte[][] params, int bx, int by, int bz, int dynShared) {
        Blk blk = new Blk();
        blk.x = bx;
        blk.y = by;
        blk.z = bz;
        blk.shared = new byte[staticShared + dynShared];
        Arrays.fill(blk.shared, (byte) 0xFF);
        Dim b = l.block;
        if (raceCheck && blk.shared.length > 0) blk.races = new SharedRaces(blk.shared.length, (b.count() + 31) / 32);
        Thr[] ts = new Thr[b.count()];
        for (int i = 0; i < ts.length; i++) {
            Thr t = new Thr();
            t.x = i % b.x;
            t.y = (i / b.x) % b.y;
            t.z = i / (b.x * b.y);
            t.linear = i;
            t.lane = i & 31;
            t.warp = i >> 5;
            t.blk = blk;
            t.launch = l;
            Frame f = new Frame(fn);
            System.arraycopy(params, 0, f.params, 0, params.length);
            for (int k = 0; k < f.params.length; k++) if (f.params[k] == null) f.params[k] = fresh(fn.paramBytes[k]);
            t.push(f);
            ts[i] = t;
        }
        while (true) {
            for (Thr t : ts) if (t.state == State.RUN) run(t);
            boolean any = false;
            for (Thr t : ts) any |= t.state != State.EXIT;
            if (!any) return;
            if (resolveWarps(ts)) continue;
            if (resolveBarrier(ts)) continue;
            throw deadlock(ts);
        }
    }

    static byte[] fresh(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xFF);
        return b;
    }

    private void run(Thr t) {
        while (true) {
            Frame f = t.frame;
            Insn in = f.fn.code[f.pc];
            if (in.guard >= 0 && (f.r[in.guard] != 0) == in.guardNeg) {
                f.pc++;
                continue;
            }
            if (++steps > stepLimit)
                throw fault(in, t, "more than " + stepLimit + " instructions executed in one launch (an endless loop?)");
            try {
                switch (in.kind) {
                    case NORMAL -> {
                        f.pc++;
                        in.exec.run(t, f);
                        if (t.state == State.EXIT) return;
                    }
                    case BARRIER, WARP -> {
                        t.waitArg = in.syncArg.get(t, f);
                        t.waitAt = in;
                        t.state = in.kind == Insn.Kind.BARRIER ? State.BARRIER : State.WARP;
                        return;
                    }
                }
            } catch (PtxSimException e) {
                throw fault(in, t, e.getMessage());
            } catch (ArithmeticException | IndexOutOfBoundsException e) {
                throw fault(in, t, e.toString());
            }
        }
    }

    private PtxSimException fault(Insn in, Thr t, String msg) {
        if (msg.startsWith("line ")) return new PtxSimException(msg);
        return PtxSimException.at(in.line, in.text, msg + " (" + t.where() + ", in " + t.frame.fn.name + ")");
    }

    private boolean resolveWarps(Thr[] ts) {
        boolean progress = false;
        int nw = (ts.length + 31) / 32;
        for (int w = 0; w < nw; w++) {
            int lo = w * 32, hi = Math.min(ts.length, lo + 32);
            for (int i = lo; i < hi; i++) {
                Thr t = ts[i];
                if (t.state != State.WARP) continue;
                long mask = t.waitArg & 0xFFFF_FFFFL;
                Insn at = t.waitAt;
                if ((mask >>> t.lane & 1) == 0)
                    throw fault(at, t, "the executing lane " + t.lane + " is not in the member mask 0x" + Long.toHexString(mask));
                boolean ready = true;
                List<Thr> group = new ArrayList<>();
                for (int l = 0; l < 32; l++) {
                    if ((mask >>> l & 1) == 0) continue;
                    if (lo + l >= hi) throw fault(at, t, "the member mask 0x" + Long.toHexString(mask) + " names lane " + l
                            + ", which this warp does not have (block of " + ts.length + " threads)");
                    Thr o = ts[lo + l];
                    if (o.state == State.EXIT)
                        throw fault(at, t, "the member mask 0x" + Long.toHexString(mask) + " names lane " + l + ", which has exited");
                    if (o.state != State.WARP || o.waitAt != at) {
                        ready = false;
                        break;
                    }
                    if ((o.waitArg & 0xFFFF_FFFFL) != mask)
                        throw fault(at, o, "lanes " + t.lane + " and " + l + " give different member masks");
                    group.add(o);
                }
                if (!ready) continue;
                Thr[] lanes = group.toArray(new Thr[0]);
                try {
                    at.warp.run(lanes, mask, this);
                } catch (PtxSimException e) {
                    throw fault(at, t, e.getMessage());
                }
                for (Thr o : lanes) {
                    o.state = State.RUN;
                    o.frame.pc++;
                }
                if (t.blk.races != null) t.blk.races.warpSyncs[w]++;
                progress = true;
            }
        }
        return progress;
    }

    private boolean resolveBarrier(Thr[] ts) {
        long id = -1;
        for (Thr t : ts) {
            if (t.state == State.EXIT) continue;
            if (t.state != State.BARRIER) return false;
            if (id >= 0 && t.waitArg != id) return false;
            id = t.waitArg;
        }
        for (Thr t : ts) {
            if (t.state == State.BARRIER) {
                t.state = State.RUN;
                t.frame.pc++;
            }
        }
        if (ts[0].blk.races != null) ts[0].blk.races.barriers++;
        return true;
    }

    private PtxSimException deadlock(Thr[] ts) {
        StringBuilder sb = new StringBuilder("deadlock in block (" + ts[0].blk.x + "," + ts[0].blk.y + "," + ts[0].blk.z + "):");
        int shown = 0;
        for (Thr t : ts) {
            if (t.state == State.EXIT) continue;
            if (shown++ == 8) {
                sb.append("\n  ...");
                break;
            }
            sb.append("\n  thread ").append(t.linear).append(" waits at line ").append(t.waitAt.line).append(": ")
                    .append(t.waitAt.text.strip());
        }
        int exited = 0;
        for (Thr t : ts) if (t.state == State.EXIT) exited++;
        sb.append("\n  (").append(exited).append(" of ").append(ts.length).append(" threads have exited)");
        return new PtxSimException(sb.toString());
    }
}
