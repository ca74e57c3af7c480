package dev.txc.cuda;

import dev.txc.cuda.sim.PtxSim;
import dev.txc.ir.Tensor;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.cuda.plan.HostPlan.Expr;
import dev.txc.types.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link HostPlan} on the PTX interpreter, as the CUDA runtime runs it on a GPU: values are strided views of
 * the interpreter's global memory, expressions are evaluated over their run-time shapes, launches go to the module's
 * entries. A test's executor, following the plan's documentation and nothing else.
 */
final class SimPlanRunner {
    /** A value: an array in simulated memory and a view of it (strides and offset in elements). */
    record Val(long addr, DType dtype, int[] shape, long[] strides, long offset) {}

    private final HostPlan plan;
    private final PtxSim sim;
    private final Val[] vals;
    /** Host copies of shape vectors (Shape steps). */
    private final Map<Integer, long[]> host = new HashMap<>();

    SimPlanRunner(HostPlan plan, int maxGrid) {
        this.plan = plan;
        this.sim = PtxSim.load(plan.module()).maxGrid(maxGrid);
        this.vals = new Val[plan.dtypes().size()];
    }

    /** Calls the function on arguments and shared values; returns the outputs then the updates' new values. */
    List<Tensor> call(List<Tensor> args, List<Tensor> shared) {
        int v = 0;
        for (Tensor t : args) vals[v++] = upload(t);
        for (Tensor t : shared) vals[v++] = upload(t);
        for (HostPlan.Step s : plan.steps()) step(s);
        Long err = sim.global("txc_error");
        if (err != null && sim.readInts(err, 1)[0] != 0)
            throw new IllegalStateException("kernel error " + sim.readInts(err, 1)[0] + ": integers to negative integer powers are not allowed");
        var out = new ArrayList<Tensor>();
        for (int o : plan.outputs()) out.add(download(vals[o]));
        for (var u : plan.updates()) out.add(download(vals[u.value()]));
        return out;
    }

    private Val upload(Tensor t) {
        Val v = alloc(t.dtype(), t.shape());
        long[] bits = new long[t.size()];
        for (int i = 0; i < bits.length; i++) bits[i] = bits(t, i);
        write(v, bits);
        return v;
    }

    private static long bits(Tensor t, int i) {
        return switch (t.dtype()) {
            case F64 -> Double.doubleToRawLongBits(t.getDouble(i));
            case F32 -> Float.floatToRawIntBits((float) t.getDouble(i));
            case BOOL -> t.getBool(i) ? 1 : 0;
            case I8, I16, I32, I64, U8 -> t.getLong(i);
        };
    }

    private void write(Val v, long[] bits) {
        int size = v.dtype().itemSize();
        var b = ByteBuffer.allocate(bits.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : bits) {
            switch (size) {
                case 8 -> b.putLong(x);
                case 4 -> b.putInt((int) x);
                case 2 -> b.putShort((short) x);
                default -> b.put((byte) x);
            }
        }
        sim.write(v.addr(), b.array());
    }

    private Val alloc(DType d, int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        long addr = sim.alloc(Math.max(16, n * d.itemSize()));
        return new Val(addr, d, shape.clone(), contiguousStrides(shape), 0);
    }

    private static long[] contiguousStrides(int[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** A value's elements in C order, read through its view. */
    private Tensor download(Val v) {
        int n = 1;
        for (int s : v.shape()) n *= s;
        int size = v.dtype().itemSize();
        double[] d = new double[n];
        long[] l = new long[n];
        int[] idx = new int[v.shape().length];
        for (int i = 0; i < n; i++) {
            long off = v.offset();
            for (int k = 0; k < idx.length; k++) off += idx[k] * v.strides()[k];
            var b = ByteBuffer.wrap(sim.readBytes(v.addr() + off * size, size)).order(ByteOrder.LITTLE_ENDIAN);
            switch (v.dtype()) {
                case F64 -> d[i] = b.getDouble();
                case F32 -> d[i] = b.getFloat();
                case I64 -> l[i] = b.getLong();
                case I32 -> l[i] = b.getInt();
                case I16 -> l[i] = b.getShort();
                case I8 -> l[i] = b.get();
                case U8 -> l[i] = b.get() & 0xFF;
                case BOOL -> l[i] = b.get() != 0 ? 1 : 0;
            }
            for (int k = idx.length - 1; k >= 0; k--) {
                if (++idx[k] < v.shape()[k]) break;
                idx[k] = 0;
            }
        }
        return v.dtype().isFloat() ? Tensor.ofDoubles(v.dtype(), v.shape(), d) : Tensor.ofLongs(v.dtype(), v.shape(), l);
    }

    private DType dtype(int v) {
        return DType.parse(plan.dtypes().get(v));
    }

    private void step(HostPlan.Step s) {
        switch (s) {
            case HostPlan.Alloc a -> vals[a.value()] = alloc(dtype(a.value()), ints(a.shape()));
            case HostPlan.View w -> {
                Val b = vals[w.base()];
                long[] st = new long[w.strides().size()];
                for (int i = 0; i < st.length; i++) st[i] = eval(w.strides().get(i));
                vals[w.value()] = new Val(b.addr(), b.dtype(), ints(w.shape()), st, eval(w.offset()));
            }
            case HostPlan.Launch l -> launch(l);
            case HostPlan.Check c -> {
                if (eval(c.ok()) == 0) throw new IllegalStateException(c.message());
            }
            case HostPlan.Shape sh -> {
                int[] dims = vals[sh.of()].shape();
                long[] v = Arrays.stream(dims).asLongStream().toArray();
                Val val = alloc(DType.I64, new int[] {v.length});
                write(val, v);
                vals[sh.value()] = val;
                host.put(sh.value(), v);
            }
            case HostPlan.Reshape r -> {
                Val b = vals[r.base()];
                int[] shape = Arrays.stream(elements(r.shape())).mapToInt(Math::toIntExact).toArray();
                long known = 1, size = Arrays.stream(b.shape()).asLongStream().reduce(1, (x, y) -> x * y);
                for (int d : shape) if (d != -1) known *= d;
                for (int i = 0; i < shape.length; i++) if (shape[i] == -1 && known != 0) shape[i] = (int) (size / known); // NumPy's one free dim
                if (Arrays.stream(shape).asLongStream().reduce(1, (x, y) -> x * y) != Arrays.stream(b.shape()).asLongStream().reduce(1, (x, y) -> x * y))
                    throw new IllegalStateException("cannot reshape " + Arrays.toString(b.shape()) + " to " + Arrays.toString(shape));
                vals[r.value()] = new Val(b.addr(), b.dtype(), shape, contiguousStrides(shape), b.offset());
            }
            case HostPlan.Slice sl -> vals[sl.value()] = slice(vals[sl.base()], sl);
            case HostPlan.DynSlice d -> {
                int r = vals[d.base()].shape().length;
                var starts = new ArrayList<Integer>(java.util.Collections.nCopies(r, Integer.MIN_VALUE));
                var stops = new ArrayList<>(starts);
                var steps = new ArrayList<>(starts);
                // the plan's bounds clamp as Python's slice.indices: far bounds go to the ends
                starts.set(d.axis(), (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE - 1, eval(d.start()))));
                stops.set(d.axis(), (int) Math.max(-Integer.MAX_VALUE, Math.min(Integer.MAX_VALUE - 1, eval(d.stop()))));
                steps.set(d.axis(), (int) d.step());
                vals[d.value()] = slice(vals[d.base()], new HostPlan.Slice(d.value(), d.base(), starts, stops, steps));
            }
            case HostPlan.Arange a -> {
                Tensor start = download(vals[a.start()]), stop = download(vals[a.stop()]), step = download(vals[a.step()]);
                long n;
                if (start.dtype().isFloat()) {
                    double len = Math.ceil((stop.getDouble(0) - start.getDouble(0)) / step.getDouble(0));
                    if (step.getDouble(0) == 0 || Double.isNaN(len) || len > Integer.MAX_VALUE) throw new IllegalStateException("arange: bad bounds");
                    n = (long) Math.max(0, len);
                } else {
                    long st = step.getLong(0), d = stop.getLong(0) - start.getLong(0);
                    if (st == 0) throw new IllegalStateException("arange: step must not be zero");
                    n = Math.max(0, st > 0 ? Math.ceilDiv(d, st) : Math.ceilDiv(-d, -st));
                }
                vals[a.value()] = alloc(dtype(a.value()), new int[] {Math.toIntExact(n)});
            }
            case HostPlan.Scan sc -> scan(sc);
            case HostPlan.Upload u -> {
                Val v = alloc(dtype(u.value()), u.shape().stream().mapToInt(Integer::intValue).toArray());
                write(v, u.bits());
                vals[u.value()] = v;
                if (v.dtype() == DType.I64) host.put(u.value(), u.bits());
            }
        }
    }

    /** The scan loop as HostPlan.Scan documents it (nothing is freed: the simulator's memory is the test's). */
    private void scan(HostPlan.Scan s) {
        int nseq = s.seqs().size(), ncarry = s.inits().size(), nres = s.results().size();
        int steps = vals[s.seqs().getFirst()].shape()[0];
        for (int q : s.seqs()) if (vals[q].shape()[0] != steps) throw new IllegalStateException("scan: sequences have different lengths");
        Val[] carry = new Val[ncarry];
        for (int k = 0; k < ncarry; k++) carry[k] = vals[s.inits().get(k)];
        Val[] stacks = new Val[nres];
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < nseq; k++) {
                Val q = vals[s.seqs().get(k)];
                int r = q.shape().length;
                vals[s.params().get(k)] = new Val(q.addr(), q.dtype(), Arrays.copyOfRange(q.shape(), 1, r), Arrays.copyOfRange(q.strides(), 1, r),
                        q.offset() + t * q.strides()[0]);
            }
            for (int k = 0; k < ncarry; k++) vals[s.params().get(nseq + k)] = carry[k];
            for (HostPlan.Step b : s.body()) step(b);
            for (int k = 0; k < nres; k++) {
                if (s.last().contains(k) || (k < ncarry && (t + 1) % s.every() != 0)) continue;
                Val v = vals[s.results().get(k)];
                int rows = k < ncarry ? steps / s.every() : steps, row = k < ncarry ? t / s.every() : t;
                if (stacks[k] == null) {
                    int[] shape = new int[v.shape().length + 1];
                    shape[0] = rows;
                    System.arraycopy(v.shape(), 0, shape, 1, v.shape().length);
                    stacks[k] = alloc(dtype(s.outs().get(k)), shape);
                }
                Tensor part = download(v); // any layout: read through the view
                long[] bits = new long[part.size()];
                for (int i = 0; i < bits.length; i++) bits[i] = bits(part, i);
                Val dst = stacks[k];
                write(new Val(dst.addr() + (long) row * part.size() * dst.dtype().itemSize(), dst.dtype(), v.shape(), contiguousStrides(v.shape()), 0), bits);
            }
            for (int k = 0; k < ncarry; k++) {
                if (!Arrays.equals(vals[s.results().get(k)].shape(), vals[s.inits().get(k)].shape()))
                    throw new IllegalStateException("scan: carry " + k + " changes shape at step " + t);
                carry[k] = vals[s.results().get(k)];
            }
        }
        for (int k = 0; k < nres; k++) {
            int out = s.outs().get(k);
            if (s.last().contains(k)) vals[out] = carry[k];
            else if (stacks[k] != null) vals[out] = stacks[k];
            else {
                var inner = s.empty().get(k);
                if (inner == null) throw new IllegalStateException("scan with zero steps cannot tell the shape of its output");
                int[] in = ints(inner), shape = new int[in.length + 1];
                System.arraycopy(in, 0, shape, 1, in.length);
                vals[out] = alloc(dtype(out), shape);
            }
        }
    }

    /** NumPy's basic slice per dim (Python's slice.indices; Integer.MIN_VALUE/MAX_VALUE bounds and a MIN_VALUE step are absent). */
    private static Val slice(Val b, HostPlan.Slice sl) {
        int[] shape = b.shape().clone();
        long[] strides = b.strides().clone();
        long offset = b.offset();
        for (int d = 0; d < sl.starts().size(); d++) {
            int n = shape[d], step = sl.steps().get(d) == Integer.MIN_VALUE ? 1 : sl.steps().get(d);
            if (step == 0) throw new IllegalStateException("slice step cannot be zero");
            int lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1;
            int start = bound(sl.starts().get(d), n, lower, upper, step > 0 ? lower : upper);
            int stop = bound(sl.stops().get(d), n, lower, upper, step > 0 ? upper : lower);
            long span = step > 0 ? (long) stop - start : (long) start - stop;
            int len = (int) Math.max(0, (span + Math.abs(step) - 1) / Math.abs(step));
            if (len > 0) offset += start * strides[d];
            shape[d] = len;
            strides[d] = strides[d] * step;
        }
        return new Val(b.addr(), b.dtype(), shape, strides, offset);
    }

    private static int bound(int v, int n, int lower, int upper, int absent) {
        if (v == Integer.MIN_VALUE || v == Integer.MAX_VALUE) return absent;
        int b = v < 0 ? v + n : v;
        return Math.max(lower, Math.min(upper, b));
    }

    private long[] elements(int v) {
        long[] h = host.get(v);
        if (h != null) return h;
        Tensor t = download(vals[v]);
        return t.toLongs();
    }

    private void launch(HostPlan.Launch l) {
        long gx = eval(l.grid().get(0)), gy = eval(l.grid().get(1)), gz = eval(l.grid().get(2));
        if (gx == 0 || gy == 0 || gz == 0) return;
        var args = new Object[l.args().size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = switch (l.args().get(i)) {
                case HostPlan.Ptr p -> {
                    Val v = vals[p.value()];
                    yield v.addr() + v.offset() * v.dtype().itemSize();
                }
                case HostPlan.Int n -> eval(n.value());
                case HostPlan.F64 x -> x.value();
            };
        }
        sim.launch(l.entry(), PtxSim.dim((int) gx, (int) gy, (int) gz), PtxSim.dim(l.block()), l.sharedBytes(), args);
    }

    private int[] ints(List<Expr> es) {
        int[] r = new int[es.size()];
        for (int i = 0; i < r.length; i++) r[i] = Math.toIntExact(eval(es.get(i)));
        return r;
    }

    long eval(Expr e) {
        return switch (e) {
            case HostPlan.Lit l -> l.value();
            case HostPlan.DimOf d -> vals[d.value()].shape()[d.axis()];
            case HostPlan.SizeOf s -> Arrays.stream(vals[s.value()].shape()).asLongStream().reduce(1, (a, b) -> a * b);
            case HostPlan.StrideOf s -> vals[s.value()].strides()[s.axis()];
            case HostPlan.OffsetOf o -> vals[o.value()].offset();
            case HostPlan.BroadcastStride b -> {
                Val v = vals[b.value()];
                int j = b.axis() - (b.rank() - v.shape().length);
                yield j < 0 || v.shape()[j] == 1 ? 0 : v.strides()[j];
            }
            case HostPlan.Broadcast b -> {
                long r = 1;
                for (Expr x : b.sizes()) {
                    long s = eval(x);
                    if (s == 1) continue;
                    if (r != 1 && r != s) throw new IllegalStateException(b.what() + ": shapes do not broadcast (" + r + " and " + s + ")");
                    r = s;
                }
                yield r;
            }
            case HostPlan.Element el -> elements(el.value())[el.index()];
            case HostPlan.Mul m -> m.terms().stream().mapToLong(this::eval).reduce(1, (a, b) -> a * b);
            case HostPlan.CeilDiv c -> (eval(c.a()) + eval(c.b()) - 1) / eval(c.b());
            case HostPlan.Min m -> Math.min(eval(m.a()), eval(m.b()));
            case HostPlan.Add a -> eval(a.a()) + eval(a.b());
            case HostPlan.Eq q -> eval(q.a()) == eval(q.b()) ? 1 : 0;
            case HostPlan.Select c -> eval(c.cond()) != 0 ? eval(c.a()) : eval(c.b());
            case HostPlan.Max m -> Math.max(eval(m.a()), eval(m.b()));
            case HostPlan.Contiguous c -> {
                long[] dims = c.dims().stream().mapToLong(this::eval).toArray();
                boolean all = true;
                for (int v : c.values()) {
                    Val x = vals[v];
                    if (x.shape().length != dims.length) all = false;
                    else {
                        long expect = 1;
                        for (int i = dims.length - 1; i >= 0; i--) {
                            if (x.shape()[i] != dims[i]) all = false;
                            if (dims[i] != 1 && x.strides()[i] != expect) all = false;
                            expect *= dims[i];
                        }
                    }
                }
                yield all ? 1 : 0;
            }
        };
    }
}
