package dev.txc.driver.api;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.SourceSpan;
import dev.txc.types.Dim;
import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Node;
import dev.txc.ir.PrettyPrinter;
import dev.txc.types.TensorType;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.Pipeline;
import dev.txc.cuda.CudaLowering;
import dev.txc.cuda.PtxTarget;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.Device;
import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.CudaProgram;
import dev.txc.runtime.cuda.DeviceFunction;
import dev.txc.runtime.cuda.PlanExecutor;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled function, Theano's {@code theano.function}: the IR built from the API, optimized by the same pipeline as
 * {@code .tx} functions and compiled to one JVM class (plus one per input default). Call it with {@link #invoke}
 * (Kotlin: {@code f(x, y)}). Immutable and thread-safe: calls may run concurrently; a call holds the read locks of the
 * shared variables it only reads and the write locks of those it updates (taken in one global order), so its outputs
 * and updates see one consistent state and concurrent updates are never lost.
 */
public final class TxFunction {
    private final Definition def;
    private final Function parsed;
    private final List<Shared> shared;
    private final Set<Shared> updated = new HashSet<>();
    private final boolean allowDowncast;
    private final Function lowered;
    private final CompiledFunction fn;
    private final CompiledFunction[] defaults;
    /** Where the function runs: null on the CPU; on a GPU, its program and the function it was made from. */
    private final CudaProgram cuda;
    private final TxFunction cpu;
    /** Per-call facts fixed at construction, so that a call allocates little beyond its arguments and results. */
    private final List<String> outputNames;
    private final java.util.concurrent.locks.Lock[] locks;
    private final Shared[] updateTargets;
    /** For each use of a dim variable by a parameter: {param, axis, variable index}; and the number of variables. */
    private final int[][] dimUses;
    private final int dimVars;

    TxFunction(Definition def, boolean allowDowncast) {
        this.def = def;
        this.parsed = def.parsed();
        this.shared = def.shared();
        this.allowDowncast = allowDowncast;
        for (Function.Update u : parsed.updates())
            for (Shared s : shared) if (s.name().equals(u.shared())) updated.add(s);
        this.lowered = def.function(Pipeline.Stage.LOWERED);
        List<String> names = shared.stream().map(Shared::name).toList();
        this.fn = dev.txc.driver.RowTiling.wrap(compile(lowered, names), lowered, () -> def.function(Pipeline.Stage.OPT), names, def.optLevel(), def.floatX());
        this.defaults = new CompiledFunction[parsed.params().size()];
        for (int k = 0; k < defaults.length; k++) {
            Function g = defaultFunction(k);
            if (g != null) defaults[k] = compile(g, names);
        }
        this.cuda = null;
        this.cpu = this;
        this.outputNames = List.copyOf(parsed.outputs().stream().map(Function.Output::name).toList());
        this.locks = locks(shared, updated);
        this.updateTargets = updateTargets(lowered, shared);
        var vars = new ArrayList<String>();
        var uses = new ArrayList<int[]>();
        for (int k = 0; k < parsed.params().size(); k++) {
            TensorType t = parsed.params().get(k).tt();
            for (int d = 0; d < t.rank(); d++) {
                if (!(t.dim(d) instanceof Dim.Sym(String v))) continue;
                if (!vars.contains(v)) vars.add(v);
                uses.add(new int[] {k, d, vars.indexOf(v)});
            }
        }
        this.dimUses = uses.toArray(new int[0][]);
        this.dimVars = vars.size();
    }

    /** The read lock of each shared variable the function only reads, the write lock of each it updates. */
    private static java.util.concurrent.locks.Lock[] locks(List<Shared> shared, Set<Shared> updated) {
        var locks = new java.util.concurrent.locks.Lock[shared.size()];
        for (int k = 0; k < locks.length; k++) {
            Shared s = shared.get(k);
            locks[k] = updated.contains(s) ? s.lock.writeLock() : s.lock.readLock();
        }
        return locks;
    }

    /** The variable each update of {@code f} replaces, in update order. */
    private static Shared[] updateTargets(Function f, List<Shared> shared) {
        var out = new Shared[f.updates().size()];
        for (int k = 0; k < out.length; k++)
            for (Shared s : shared) if (s.name().equals(f.updates().get(k).shared())) out[k] = s;
        return out;
    }

    /** {@code base} running on the GPU through {@code cuda}. */
    private TxFunction(TxFunction base, CudaProgram cuda) {
        this.def = base.def;
        this.parsed = base.parsed;
        this.shared = base.shared;
        this.updated.addAll(base.updated);
        this.allowDowncast = base.allowDowncast;
        this.lowered = base.lowered;
        this.fn = base.fn;
        this.defaults = base.defaults;
        this.cuda = cuda;
        this.cpu = base;
        this.outputNames = base.outputNames;
        this.locks = base.locks;
        this.updateTargets = base.updateTargets;
        this.dimUses = base.dimUses;
        this.dimVars = base.dimVars;
    }

    /** The default of input k as a function of the inputs before it, or null where it has none. */
    private Function defaultFunction(int k) {
        Node d = lowered.defaults().get(lowered.paramName(k));
        if (d == null) return null;
        return new Function(lowered.name() + "$default$" + lowered.paramName(k), lowered.params().subList(0, k), Map.of(),
                List.of(new Function.Output(lowered.paramName(k), d)), List.of(), lowered.locs());
    }

    /**
     * This function running on {@code device}. {@link Device#CUDA} compiles it to PTX and opens the GPU now: without
     * the NVIDIA driver or a GPU it throws a {@link TxException} naming what is missing (there is no fallback to the
     * CPU), and an op without a CUDA kernel is a {@link TxException} naming the op. On the GPU the shared variables
     * stay in device memory between calls; each call copies its arguments there and its outputs and updated
     * variables back. {@link Device#CPU} gives the JVM function this one was made from.
     */
    public TxFunction on(Device device) {
        return switch (device) {
            case CPU -> cpu;
            case CUDA -> cuda != null ? this : new TxFunction(this, cudaProgram());
        };
    }

    /** Where this function runs. */
    public Device device() {
        return cuda == null ? Device.CPU : Device.CUDA;
    }

    private CudaProgram cudaProgram() {
        CudaDevice device;
        try {
            device = Cuda.device();
        } catch (TxRuntimeException e) {
            throw new TxException(e.getMessage(), List.of(), e);
        }
        List<String> names = shared.stream().map(Shared::name).toList();
        FunctionSpec spec = dev.txc.driver.ModelSpecs.function(lowered);
        Map<String, DeviceFunction> fns = new HashMap<>();
        try {
            fns.put(spec.className(), new PlanExecutor(CudaLowering.lower(lowered, names, PtxTarget.DEFAULT).plan()));
            for (int k = 0; k < defaults.length; k++) {
                Function g = defaultFunction(k);
                if (g != null) fns.put(spec.params().get(k).defaultClass(), new PlanExecutor(CudaLowering.lower(g, names, PtxTarget.DEFAULT).plan()));
            }
        } catch (CompileException e) {
            throw TxException.of(e.diagnostics());
        }
        var specs = shared.stream().map(s -> new SharedSpec(s.name(), s.type())).toList();
        return new CudaProgram(new ModelSpec(name(), specs, List.of(spec)), device, fns);
    }

    private static CompiledFunction compile(Function f, List<String> sharedNames) {
        try {
            return JvmCompiler.load(JvmCompiler.compile(f, sharedNames));
        } catch (CompileException e) {
            throw TxException.of(e.diagnostics());
        }
    }

    public String name() {
        return parsed.name();
    }

    public List<Expr> inputs() {
        return def.inputs();
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** The shared variables the function reads or updates. */
    public List<Shared> sharedVariables() {
        return shared;
    }

    // ---- calls ----

    /**
     * Calls the function with one argument per input, in order: an NDArray (converted safely to the input's dtype) or
     * a number, array or list (converted to it); null, or an argument left off at the end, takes the input's default.
     * Returns the outputs; then applies the updates.
     */
    public Outputs invoke(Object... args) {
        return call(args == null ? List.of((Object) null) : Arrays.asList(args));
    }

    public Outputs call(List<?> args) {
        int n = parsed.params().size();
        if (args.size() > n) throw new TxException(name() + " takes " + n + " argument" + (n == 1 ? "" : "s") + ", got " + args.size());
        NDArray[] in = new NDArray[n];
        for (int k = 0; k < args.size(); k++) {
            if (args.get(k) == null) continue;
            in[k] = Values.argument(args.get(k), parsed.params().get(k).tt(), name() + ": input " + parsed.paramName(k), allowDowncast);
        }
        for (var l : locks) l.lock();
        try {
            NDArray[] state = new NDArray[shared.size()];
            for (int k = 0; k < state.length; k++) state[k] = shared.get(k).load();
            if (cuda != null) return callOnDevice(in, state);
            for (int k = 0; k < n; k++) {
                if (in[k] != null) continue;
                if (defaults[k] == null) throw new TxException(name() + ": missing argument for input " + parsed.paramName(k));
                checkSignature(Arrays.copyOf(in, k));
                in[k] = run(defaults[k], Arrays.copyOf(in, k), state)[0];
            }
            if (!dimsAgree(in)) checkSignature(in);
            NDArray[] out = run(fn, in, state);
            int nOut = outputNames.size();
            for (int k = 0; k < updateTargets.length; k++) updateTargets[k].store(out[nOut + k]);
            return new Outputs(outputNames, out, nOut);
        } finally {
            for (int k = locks.length - 1; k >= 0; k--) locks[k].unlock();
        }
    }

    /**
     * A call on the GPU: defaults are computed there too; updated variables are copied back into their
     * {@link Shared}s, whose device copies stay valid (the next call uploads nothing for them).
     */
    private Outputs callOnDevice(NDArray[] in, NDArray[] state) {
        checkSignature(in);
        var specs = shared.stream().map(s -> new SharedSpec(s.name(), s.type())).toList();
        var ms = new ModelState(specs, Arrays.asList(state));
        List<NDArray> out;
        synchronized (cuda) {
            try {
                out = cuda.call(name(), Arrays.asList(in), ms);
                cuda.flush(ms);
            } catch (TxRuntimeException e) {
                String msg = e.getMessage();
                throw new TxException(msg.startsWith(name() + ":") ? msg : name() + ": " + msg, List.of(), e);
            }
        }
        for (Shared s : updated) s.store(ms.get(s.name()));
        return new Outputs(outputNames, out.toArray(new NDArray[0]), out.size());
    }

    private NDArray[] run(CompiledFunction f, NDArray[] in, NDArray[] state) {
        try {
            return f.call(in, state);
        } catch (TxRuntimeException e) {
            TxException located = locate(in, state, e);
            if (located != null) throw located;
            String msg = e.getMessage();
            throw new TxException(msg.startsWith(name() + ":") ? msg : name() + ": " + msg, List.of(), e);
        }
    }

    /**
     * The error at the caller's line that built the failing op, found by replaying the call with the reference
     * interpreter on the differentiated graph (as {@code txc run} does); null when the replay does not place it.
     */
    private TxException locate(NDArray[] in, NDArray[] state, TxRuntimeException e) {
        Function ad = def.function(Pipeline.Stage.AD);
        var args = Arrays.asList(in).subList(0, Math.min(in.length, ad.params().size()));
        var replayed = dev.txc.driver.RunErrors.replay(ad, args, n -> {
            for (int k = 0; k < shared.size(); k++) if (shared.get(k).name().equals(n)) return state[k];
            return null;
        });
        SourceSpan at = replayed == null || replayed.node() == null ? null : CallSite.of(replayed.node());
        if (at == null) return null;
        Diagnostic d = Diagnostic.error(at, name() + ": " + replayed.getMessage());
        return new TxException(CallSite.format(d), List.of(d), e);
    }

    /**
     * Whether every input has the declared rank and known dims and each dim variable one size: the check of
     * {@link #checkSignature} without allocating; when false, checkSignature says what is wrong.
     */
    private boolean dimsAgree(NDArray[] in) {
        for (int k = 0; k < in.length; k++) {
            TensorType t = parsed.params().get(k).tt();
            if (in[k] == null || in[k].rank() != t.rank()) return false;
            for (int d = 0; d < t.rank(); d++) if (t.dim(d).isKnown() && t.dim(d).size() != in[k].dim(d)) return false;
        }
        if (dimVars == 0) return true;
        int[] size = new int[dimVars];
        Arrays.fill(size, -1);
        for (int[] u : dimUses) {
            int n = in[u[0]].dim(u[1]);
            if (size[u[2]] >= 0 && size[u[2]] != n) return false;
            size[u[2]] = n;
        }
        return true;
    }

    /** Dim variables must agree across inputs (dtype, rank and known dims were checked on conversion). */
    private void checkSignature(NDArray[] in) {
        record Binding(int size, String input, int[] shape) {}
        var dims = new HashMap<String, Binding>();
        for (int k = 0; k < in.length; k++) {
            if (in[k] == null) continue;
            TensorType t = parsed.params().get(k).tt();
            Values.checkShape(in[k], t, name() + ": input " + parsed.paramName(k));
            for (int d = 0; d < t.rank(); d++) {
                if (!(t.dim(d) instanceof Dim.Sym(String s))) continue;
                Binding b = dims.putIfAbsent(s, new Binding(in[k].dim(d), parsed.paramName(k), in[k].shape()));
                if (b != null && b.size() != in[k].dim(d))
                    throw new TxException(name() + ": dim " + s + " is " + b.size() + " from input " + b.input() + " (shape " + Shapes.format(b.shape())
                            + ") but " + in[k].dim(d) + " from input " + parsed.paramName(k) + " (shape " + Shapes.format(in[k].shape()) + ")");
            }
        }
    }

    // ---- dumps ----

    /** The function's IR at a stage of the pipeline: parsed (as built), ad, opt, fused or lowered (what is compiled). */
    public Function function(Pipeline.Stage stage) {
        return stage == Pipeline.Stage.LOWERED ? lowered : def.function(stage);
    }

    /** IR text at a stage, as {@code txc ir --stage}. */
    public String ir(Pipeline.Stage stage) {
        return IrText.print(function(stage));
    }

    /** {@code stage} spelled parsed, ad, opt, fused or lowered. */
    public String ir(String stage) {
        Pipeline.Stage st = Pipeline.Stage.parse(stage);
        if (st == null) throw new TxException("a stage is parsed, ad, opt, fused or lowered; got '" + stage + "'");
        return ir(st);
    }

    /** Each output and update after optimization, Theano style, as {@code txc pp --stage optimized}. */
    public String pp() {
        return PrettyPrinter.print(function(Pipeline.Stage.OPT));
    }

    /** One optimized output, Theano's {@code pp(f.maker.fgraph.outputs[k])}: {@code (2.0 * x)}. */
    public String pp(int output) {
        return PrettyPrinter.expr(function(Pipeline.Stage.OPT).outputs().get(output).value());
    }

    @Override
    public String toString() {
        return "TxFunction " + name() + "(" + String.join(", ", def.inputs().stream().map(e -> e.name() + ": " + e.type()).toList()) + ") -> ("
                + String.join(", ", outputNames()) + ")";
    }
}
