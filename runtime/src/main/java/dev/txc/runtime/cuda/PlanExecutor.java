package dev.txc.runtime.cuda;

import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.NativeBuffer;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.cuda.plan.HostPlan.Arg;
import dev.txc.runtime.cuda.plan.HostPlan.Expr;
import dev.txc.types.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@link HostPlan} on a device: the {@link DeviceFunction} of one function compiled for CUDA. Each value of
 * the plan is a strided view of a {@link DeviceArray}; the steps allocate, view and launch in order, integer
 * expressions are evaluated on the host from the views' shapes, grids are clamped to the device's limits (kernels
 * grid-stride), and after the last step the module's {@code txc_error} word is read and cleared. Constants are
 * uploaded once per executor. Outputs and updates that are views, constants, shared arrays or repeated are copied
 * into fresh arrays, so that every array the caller keeps has one owner; everything else a call allocated is freed
 * when it returns.
 */
public final class PlanExecutor implements DeviceFunction {
    /** What a kernel's nonzero error word means (PtxModuleText's codes), as the JVM backend words the same error. */
    private static final Map<Integer, String> ERRORS = Map.of(1, "integers to negative integer powers are not allowed");

    private final HostPlan plan;
    private final DType[] dtypes;
    /** Each entry's declared parameter types (.u64, .s64, .u32, .f64, ...), read from the module text. */
    private final Map<String, List<String>> paramTypes;
    private final Map<CudaDevice, DeviceArray[]> constants = Collections.synchronizedMap(new IdentityHashMap<>());

    public PlanExecutor(HostPlan plan) {
        this.plan = plan;
        this.dtypes = new DType[plan.dtypes().size()];
        for (int v = 0; v < dtypes.length; v++) {
            String d = plan.dtypes().get(v);
            dtypes[v] = d == null ? null : DType.fromSpelling(d); // null: a shared variable the function does not use
        }
        this.paramTypes = paramTypes(plan.module());
    }

    public HostPlan plan() {
        return plan;
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+(?:\\.align\\s+\\d+\\s+)?(\\.[a-z0-9]+)");

    static Map<String, List<String>> paramTypes(String module) {
        var out = new HashMap<String, List<String>>();
        Matcher e = ENTRY.matcher(module);
        while (e.find()) {
            var types = new ArrayList<String>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) types.add(p.group(1));
            out.put(e.group(1), List.copyOf(types));
        }
        return out;
    }

    /** A value: a view of device memory, and for i64 shape vectors the host's copy of the elements. */
    private record Val(DeviceArray array, DType dtype, int[] shape, int[] strides, int offset, long[] host) {
        static Val of(DeviceArray a) {
            return new Val(a, a.dtype(), a.shape(), Shapes.contiguousStrides(a.shape()), 0, null);
        }

        /** The array's memory in order from its start, in any shape (the array itself, or a reshape of it). */
        boolean dense() {
            return offset == 0 && Arrays.equals(strides, Shapes.contiguousStrides(shape)) && Shapes.size(shape) == array.size();
        }

        /** The array itself, in its own shape. */
        boolean whole() {
            return dense() && Arrays.equals(shape, array.shape());
        }

        long address() {
            return array.pointer() + (long) offset * dtype.itemSize();
        }
    }

    /** One call's state: the values and the arrays it allocated. */
    private final class Call {
        final CudaDevice device;
        final Val[] vals = new Val[dtypes.length];
        final List<DeviceArray> allocated = new ArrayList<>();
        /** The arrays handed to the caller. */
        final Set<DeviceArray> kept = Collections.newSetFromMap(new IdentityHashMap<>());

        Call(CudaDevice device) {
            this.device = device;
        }

        /** Fresh memory for a kernel's output or a copy: not cleared (the launches write every element). */
        DeviceArray alloc(DType t, int[] shape) {
            DeviceArray a = DeviceArray.uninitialized(device, t, shape);
            allocated.add(a);
            return a;
        }
    }

    @Override
    public DeviceArray[] call(CudaDevice device, DeviceArray[] args, DeviceArray[] shared) {
        if (args.length != plan.params() || shared.length != plan.shared())
            throw new IllegalArgumentException(plan.function() + ": the plan takes " + plan.params() + " arguments and " + plan.shared() + " shared variables");
        Call c = new Call(device);
        try {
            for (int k = 0; k < args.length; k++) c.vals[k] = Val.of(args[k]);
            for (int k = 0; k < shared.length; k++) c.vals[plan.params() + k] = Val.of(shared[k]);
            CudaModule module = device.module(plan.module());
            DeviceArray[] consts = constants.computeIfAbsent(device, d -> new DeviceArray[dtypes.length]);
            for (HostPlan.Step s : plan.steps()) step(c, module, consts, s);
            checkErrorWord(device, module);
            return results(c, args, shared, consts);
        } finally {
            for (DeviceArray a : c.allocated) if (!c.kept.contains(a)) a.free();
        }
    }

    private void step(Call c, CudaModule module, DeviceArray[] consts, HostPlan.Step s) {
        switch (s) {
            case HostPlan.Check k -> {
                if (eval(c, k.ok()) == 0) throw new TxRuntimeException(k.message());
            }
            case HostPlan.Upload u -> {
                synchronized (consts) {
                    if (consts[u.value()] == null) consts[u.value()] = upload(c.device, dtypes[u.value()], ints(u.shape()), u.bits());
                }
                c.vals[u.value()] = Val.of(consts[u.value()]);
            }
            case HostPlan.Shape sh -> {
                int[] dims = c.vals[sh.of()].shape();
                long[] host = new long[dims.length];
                for (int i = 0; i < dims.length; i++) host[i] = dims[i];
                DeviceArray a = c.alloc(DType.I64, new int[] {dims.length});
                a.upload(NDArray.ofLongs(host));
                c.vals[sh.value()] = new Val(a, DType.I64, new int[] {dims.length}, new int[] {1}, 0, host);
            }
            case HostPlan.Reshape r -> {
                long[] dims = hostElements(c, r.shape());
                int[] target = new int[dims.length];
                for (int i = 0; i < dims.length; i++) target[i] = Math.toIntExact(dims[i]);
                Val base = contiguous(c, c.vals[r.base()]);
                NDArray v = phantom(base).reshape(target);
                c.vals[r.value()] = new Val(base.array(), base.dtype(), v.shape(), v.strides(), v.offset(), null);
            }
            case HostPlan.Slice sl -> {
                Val base = c.vals[sl.base()];
                NDArray v = phantom(base).sliceNumpy(ints(sl.starts()), ints(sl.stops()), ints(sl.steps()));
                c.vals[sl.value()] = new Val(base.array(), base.dtype(), v.shape(), v.strides(), v.offset(), null);
            }
            case HostPlan.Alloc a -> c.vals[a.value()] = Val.of(c.alloc(dtypes[a.value()], evalAll(c, a.shape())));
            case HostPlan.View v -> {
                Val base = c.vals[v.base()];
                c.vals[v.value()] = new Val(base.array(), base.dtype(), evalAll(c, v.shape()), evalAll(c, v.strides()), Math.toIntExact(eval(c, v.offset())), null);
            }
            case HostPlan.Launch l -> launch(c, module, l);
            case HostPlan.DynSlice d -> {
                Val base = c.vals[d.base()];
                int r = base.shape().length;
                int[] starts = new int[r], stops = new int[r], steps = new int[r];
                Arrays.fill(starts, Integer.MIN_VALUE);
                Arrays.fill(stops, Integer.MIN_VALUE);
                Arrays.fill(steps, Integer.MIN_VALUE);
                starts[d.axis()] = clampedBound(eval(c, d.start()));
                stops[d.axis()] = clampedBound(eval(c, d.stop()));
                steps[d.axis()] = clampedBound(d.step());
                NDArray v = phantom(base).sliceNumpy(starts, stops, steps);
                c.vals[d.value()] = new Val(base.array(), base.dtype(), v.shape(), v.strides(), v.offset(), null);
            }
            case HostPlan.Arange a -> c.vals[a.value()] = Val.of(c.alloc(dtypes[a.value()], new int[] {arangeLength(c, a)}));
            case HostPlan.Scan sc -> scan(c, module, consts, sc);
        }
    }

    /**
     * A run-time slice bound as an int that NDArray.sliceNumpy clamps as Python's slice.indices clamps the long: never
     * its absent markers (Integer.MIN_VALUE, MAX_VALUE), since clamping already sends far bounds to the ends.
     */
    private static int clampedBound(long v) {
        return (int) Math.max(Integer.MIN_VALUE + 1L, Math.min(Integer.MAX_VALUE - 1L, v));
    }

    /** The length of arange(start, stop, step) with the JVM runtime's rules and errors (JvmOps.arange, Kernels.arange). */
    private int arangeLength(Call c, HostPlan.Arange a) {
        DType t = dtypes[a.value()];
        NDArray start = download(c.vals[a.start()]), stop = download(c.vals[a.stop()]), step = download(c.vals[a.step()]);
        if (t.isFloat()) {
            double s0 = start.buffer().getDouble(0), s1 = stop.buffer().getDouble(0), st = step.buffer().getDouble(0);
            return Kernels.arangeLength(s0, s1, st);
        }
        return Kernels.arangeLength(start.buffer().getLong(0), stop.buffer().getLong(0), step.buffer().getLong(0));
    }

    // ---- scan: a host loop over the body's steps, the carries and stacks on the device

    private void scan(Call c, CudaModule module, DeviceArray[] consts, HostPlan.Scan s) {
        int nseq = s.seqs().size(), ncarry = s.inits().size(), nres = s.results().size(), every = s.every();
        int steps = c.vals[s.seqs().getFirst()].shape()[0];
        for (int q : s.seqs()) {
            int n = c.vals[q].shape()[0];
            if (n != steps) throw new TxRuntimeException("scan: sequences have different lengths (" + steps + " and " + n + ")");
        }
        Val[] carry = new Val[ncarry];
        for (int k = 0; k < ncarry; k++) carry[k] = c.vals[s.inits().get(k)];
        DeviceArray[] stacks = new DeviceArray[nres];
        Set<DeviceArray> kept = Collections.newSetFromMap(new IdentityHashMap<>()), held = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int t = 0; t < steps; t++) {
            int mark = c.allocated.size();
            for (int k = 0; k < nseq; k++) c.vals[s.params().get(k)] = row(c.vals[s.seqs().get(k)], t);
            for (int k = 0; k < ncarry; k++) c.vals[s.params().get(nseq + k)] = carry[k];
            for (HostPlan.Step b : s.body()) step(c, module, consts, b);
            boolean carries = (t + 1) % every == 0;
            for (int k = 0; k < nres; k++) {
                if (s.last().contains(k) || (k < ncarry && !carries)) continue;
                boolean isCarry = k < ncarry;
                stacks[k] = stackRow(c, stacks[k], c.vals[s.results().get(k)], dtypes[s.outs().get(k)], isCarry ? t / every : t,
                        isCarry ? steps / every : steps, t);
                kept.add(stacks[k]);
            }
            for (int k = 0; k < ncarry; k++) {
                Val next = c.vals[s.results().get(k)];
                if (!Arrays.equals(next.shape(), c.vals[s.inits().get(k)].shape()))
                    throw new TxRuntimeException("scan: carry " + k + " starts with shape " + Shapes.format(c.vals[s.inits().get(k)].shape())
                            + " but step " + t + " gives " + Shapes.format(next.shape()));
                carry[k] = next;
            }
            held = release(c, mark, held, carry, kept);
        }
        for (int k = 0; k < nres; k++) {
            int out = s.outs().get(k);
            if (s.last().contains(k)) c.vals[out] = carry[k];
            else if (stacks[k] != null) c.vals[out] = Val.of(stacks[k]);
            else c.vals[out] = Val.of(c.alloc(dtypes[out], emptyStack(c, s.empty().get(k))));
        }
    }

    /** Row t of a value along dim 0, a view. */
    private static Val row(Val v, int t) {
        int r = v.shape().length;
        return new Val(v.array(), v.dtype(), Arrays.copyOfRange(v.shape(), 1, r), Arrays.copyOfRange(v.strides(), 1, r),
                v.offset() + t * v.strides()[0], null);
    }

    /** Writes a step's value (C-contiguous) into row {@code row} of its stack of {@code rows} rows, allocated at its first row. */
    private DeviceArray stackRow(Call c, DeviceArray stack, Val v, DType dtype, int row, int rows, int t) {
        int[] inner = v.shape();
        if (stack == null) {
            int[] shape = new int[inner.length + 1];
            shape[0] = rows;
            System.arraycopy(inner, 0, shape, 1, inner.length);
            stack = c.alloc(dtype, shape);
        } else if (!Arrays.equals(inner, Arrays.copyOfRange(stack.shape(), 1, stack.shape().length))) {
            throw new TxRuntimeException("scan: step " + t + " gives shape " + Shapes.format(inner) + " but step 0 gave "
                    + Shapes.format(Arrays.copyOfRange(stack.shape(), 1, stack.shape().length)));
        }
        if (!phantom(v).isContiguous() || v.dtype() != dtype) throw new IllegalStateException("scan: a stacked value is not a contiguous " + dtype.spelling() + " array");
        long bytes = (long) Shapes.size(inner) * dtype.itemSize();
        if (bytes > 0) c.device.api().memcpyDtoD(stack.pointer() + row * bytes, v.address(), bytes);
        return stack;
    }

    /**
     * Frees what the step allocated (from {@code mark} on) and the previous carries' arrays, except the arrays holding
     * the new carries and the stacks; returns the arrays the loop allocated that hold the new carries.
     */
    private static Set<DeviceArray> release(Call c, int mark, Set<DeviceArray> held, Val[] carry, Set<DeviceArray> stacks) {
        Set<DeviceArray> now = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Val v : carry) now.add(v.array());
        Set<DeviceArray> loop = Collections.newSetFromMap(new IdentityHashMap<>());
        loop.addAll(held);
        loop.addAll(c.allocated.subList(mark, c.allocated.size()));
        Set<DeviceArray> next = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<DeviceArray> freed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (DeviceArray a : loop) {
            if (now.contains(a)) next.add(a);
            else if (!stacks.contains(a)) {
                a.free();
                freed.add(a);
            }
        }
        if (!freed.isEmpty()) c.allocated.removeIf(freed::contains);
        return next;
    }

    /** The shape of a stack with no rows: [0, inner...]. */
    private int[] emptyStack(Call c, List<Expr> inner) {
        if (inner == null) throw new TxRuntimeException("scan with zero steps cannot tell the shape of its output");
        int[] in = evalAll(c, inner), shape = new int[in.length + 1];
        System.arraycopy(in, 0, shape, 1, in.length);
        return shape;
    }

    private void launch(Call c, CudaModule module, HostPlan.Launch l) {
        long[] grid = new long[3];
        Arrays.fill(grid, 1);
        for (int i = 0; i < l.grid().size(); i++) grid[i] = eval(c, l.grid().get(i));
        for (long g : grid) if (g <= 0) return; // nothing to compute
        List<String> types = paramTypes.get(l.entry());
        if (types == null || types.size() != l.args().size())
            throw new IllegalStateException("entry " + l.entry() + " of " + plan.function() + " takes " + (types == null ? "no such entry" : types.size() + " parameters")
                    + "; the plan passes " + l.args().size());
        Object[] params = new Object[l.args().size()];
        for (int i = 0; i < params.length; i++) params[i] = param(c, l.args().get(i), types.get(i));
        c.device.launch(module, l.entry(), new CudaApi.Dim3(c.device.clampGrid(grid[0], 0), c.device.clampGrid(grid[1], 1), c.device.clampGrid(grid[2], 2)),
                CudaApi.Dim3.of(l.block()), l.sharedBytes(), params);
    }

    private Object param(Call c, Arg a, String type) {
        return switch (a) {
            case HostPlan.Ptr p -> c.vals[p.value()].address();
            case HostPlan.Int i -> type.equals(".u32") || type.equals(".s32") || type.equals(".b32") ? (Object) Math.toIntExact(eval(c, i.value())) : (Object) eval(c, i.value());
            case HostPlan.F64 f -> type.equals(".f32") ? (Object) (float) f.value() : (Object) f.value();
        };
    }

    // ---- expressions

    private int[] evalAll(Call c, List<Expr> es) {
        int[] out = new int[es.size()];
        for (int i = 0; i < out.length; i++) out[i] = Math.toIntExact(eval(c, es.get(i)));
        return out;
    }

    private long eval(Call c, Expr e) {
        return switch (e) {
            case HostPlan.Lit l -> l.value();
            case HostPlan.DimOf d -> c.vals[d.value()].shape()[d.axis()];
            case HostPlan.SizeOf s -> Shapes.size(c.vals[s.value()].shape());
            case HostPlan.StrideOf s -> c.vals[s.value()].strides()[s.axis()];
            case HostPlan.OffsetOf o -> c.vals[o.value()].offset();
            case HostPlan.BroadcastStride b -> {
                Val v = c.vals[b.value()];
                int d = b.axis() - (b.rank() - v.shape().length);
                yield d < 0 || v.shape()[d] == 1 ? 0 : v.strides()[d];
            }
            case HostPlan.Broadcast b -> broadcast(c, b);
            case HostPlan.Element el -> hostElements(c, el.value())[el.index()];
            case HostPlan.Mul m -> {
                long p = 1;
                for (Expr t : m.terms()) p *= eval(c, t);
                yield p;
            }
            case HostPlan.CeilDiv d -> {
                long a = eval(c, d.a()), b = eval(c, d.b());
                yield (a + b - 1) / b;
            }
            case HostPlan.Min m -> Math.min(eval(c, m.a()), eval(c, m.b()));
            case HostPlan.Add a -> eval(c, a.a()) + eval(c, a.b());
            case HostPlan.Eq q -> eval(c, q.a()) == eval(c, q.b()) ? 1 : 0;
            case HostPlan.Select sel -> eval(c, sel.cond()) != 0 ? eval(c, sel.a()) : eval(c, sel.b());
            case HostPlan.Max m -> Math.max(eval(c, m.a()), eval(c, m.b()));
            case HostPlan.Contiguous k -> {
                int[] dims = evalAll(c, k.dims());
                boolean all = true;
                for (int v : k.values()) {
                    Val x = c.vals[v];
                    all &= Arrays.equals(x.shape(), dims) && phantom(x).isContiguous();
                }
                yield all ? 1 : 0;
            }
        };
    }

    private long broadcast(Call c, HostPlan.Broadcast b) {
        long size = 1;
        var seen = new ArrayList<Long>();
        for (Expr e : b.sizes()) {
            long s = eval(c, e);
            seen.add(s);
            if (s == 1) continue;
            if (size != 1 && size != s)
                throw new TxRuntimeException("shapes do not broadcast (" + b.what() + "): sizes " + seen.stream().map(String::valueOf).reduce((x, y) -> x + " and " + y).orElse(""));
            size = s;
        }
        return size;
    }

    /**
     * The elements (in C order) of an integer vector or scalar on the host: the copy a Shape step keeps, else read
     * back from the device.
     */
    private long[] hostElements(Call c, int value) {
        Val v = c.vals[value];
        if (v.host() != null) return v.host();
        NDArray h = download(contiguous(c, v)); // C order from offset 0 (download makes it so), of any rank
        long[] out = new long[h.size()];
        for (int i = 0; i < out.length; i++) out[i] = h.buffer().getLong(i);
        c.vals[value] = new Val(v.array(), v.dtype(), v.shape(), v.strides(), v.offset(), out);
        return out;
    }

    // ---- views and copies

    /**
     * An NDArray with {@code v}'s shape, strides and offset over a buffer of the length of v's array that holds no
     * memory: NDArray's own view arithmetic (reshape of a contiguous view, NumPy slicing) and its errors, without
     * touching the elements.
     */
    private static NDArray phantom(Val v) {
        NativeBuffer none = NativeBuffer.wrap(DType.I8, MemorySegment.NULL.reinterpret(Math.max(1, v.array().size())));
        return NDArray.strided(none, v.shape(), v.strides(), v.offset());
    }

    /** {@code v} if it is C-contiguous, else a C-contiguous copy of it (through the host). */
    private Val contiguous(Call c, Val v) {
        if (phantom(v).isContiguous()) return v;
        DeviceArray a = c.alloc(v.dtype(), v.shape());
        a.upload(download(v));
        return Val.of(a);
    }

    /** The elements of view {@code v} on the host. */
    private static NDArray download(Val v) {
        NDArray whole = v.array().toHost();
        return NDArray.strided(whole.buffer(), v.shape(), v.strides(), v.offset()).contiguous();
    }

    private static DeviceArray upload(CudaDevice device, DType t, int[] shape, long[] bits) {
        NDArray h = NDArray.zeros(t, shape);
        Object a = h.heapArray();
        for (int i = 0; i < bits.length; i++) {
            switch (a) {
                case double[] d -> d[i] = Double.longBitsToDouble(bits[i]);
                case float[] f -> f[i] = Float.intBitsToFloat((int) bits[i]);
                case long[] l -> l[i] = bits[i];
                case int[] n -> n[i] = (int) bits[i];
                case short[] s -> s[i] = (short) bits[i];
                case byte[] b -> b[i] = (byte) bits[i];
                case boolean[] b -> b[i] = bits[i] != 0;
                default -> throw new IllegalStateException("no storage for " + t);
            }
        }
        return DeviceArray.fromHost(device, h);
    }

    /**
     * The outputs then the updates, each an array the caller may own: a whole argument or a fresh array of this call
     * as it is, anything else (a view, a constant, a shared variable's array, one already returned) copied.
     */
    private DeviceArray[] results(Call c, DeviceArray[] args, DeviceArray[] shared, DeviceArray[] consts) {
        var owned = Collections.newSetFromMap(new IdentityHashMap<DeviceArray, Boolean>());
        owned.addAll(c.allocated);
        owned.addAll(Arrays.asList(args));
        var out = new ArrayList<DeviceArray>();
        var values = new ArrayList<Integer>(plan.outputs());
        for (HostPlan.Update u : plan.updates()) values.add(u.value());
        for (int v : values) {
            Val x = c.vals[v];
            DeviceArray a;
            if (x.whole() && owned.remove(x.array())) {
                a = x.array();
            } else {
                a = c.alloc(x.dtype(), x.shape());
                if (x.whole()) a.copyFrom(x.array());
                else if (x.dense() && a.byteSize() > 0) c.device.api().memcpyDtoD(a.pointer(), x.array().pointer(), a.byteSize());
                else if (!x.dense()) a.upload(download(x));
                owned.remove(a);
            }
            c.kept.add(a);
            out.add(a);
        }
        return out.toArray(new DeviceArray[0]);
    }

    private static void checkErrorWord(CudaDevice device, CudaModule module) {
        long word = module.errorWord();
        device.synchronize();
        MemorySegment host = MemorySegment.ofArray(new int[1]);
        device.api().memcpyDtoH(host, word);
        int code = host.get(ValueLayout.JAVA_INT, 0);
        if (code == 0) return;
        device.api().memsetD8(word, (byte) 0, 4);
        throw new TxRuntimeException(ERRORS.getOrDefault(code, "a kernel reported error " + code));
    }

    private static int[] ints(List<Integer> xs) {
        int[] out = new int[xs.size()];
        for (int i = 0; i < out.length; i++) out[i] = xs.get(i);
        return out;
    }
}
