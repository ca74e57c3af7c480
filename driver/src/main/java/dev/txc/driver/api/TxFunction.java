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
import dev.txc.runtime.CompiledFunction;
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

    TxFunction(Definition def, boolean allowDowncast) {
        this.def = def;
        this.parsed = def.parsed();
        this.shared = def.shared();
        this.allowDowncast = allowDowncast;
        for (Function.Update u : parsed.updates())
            for (Shared s : shared) if (s.name().equals(u.shared())) updated.add(s);
        this.lowered = def.function(Pipeline.Stage.LOWERED);
        List<String> names = shared.stream().map(Shared::name).toList();
        this.fn = compile(lowered, names);
        this.defaults = new CompiledFunction[parsed.params().size()];
        for (int k = 0; k < defaults.length; k++) {
            Node d = lowered.defaults().get(lowered.paramName(k));
            if (d == null) continue;
            // A default is a function of the inputs before it.
            var g = new Function(lowered.name() + "$default$" + lowered.paramName(k), lowered.params().subList(0, k), Map.of(),
                    List.of(new Function.Output(lowered.paramName(k), d)), List.of(), lowered.locs());
            defaults[k] = compile(g, names);
        }
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
        return parsed.outputs().stream().map(Function.Output::name).toList();
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
        var locks = new ArrayList<java.util.concurrent.locks.Lock>();
        for (Shared s : shared) locks.add(updated.contains(s) ? s.lock.writeLock() : s.lock.readLock());
        for (var l : locks) l.lock();
        try {
            NDArray[] state = new NDArray[shared.size()];
            for (int k = 0; k < state.length; k++) state[k] = shared.get(k).load();
            for (int k = 0; k < n; k++) {
                if (in[k] != null) continue;
                if (defaults[k] == null) throw new TxException(name() + ": missing argument for input " + parsed.paramName(k));
                checkSignature(Arrays.copyOf(in, k));
                in[k] = run(defaults[k], Arrays.copyOf(in, k), state)[0];
            }
            checkSignature(in);
            NDArray[] out = run(fn, in, state);
            int nOut = parsed.outputs().size();
            for (int k = 0; k < lowered.updates().size(); k++) {
                String target = lowered.updates().get(k).shared();
                for (Shared s : shared) if (s.name().equals(target)) s.store(out[nOut + k]);
            }
            return new Outputs(outputNames(), Arrays.asList(out).subList(0, nOut));
        } finally {
            for (int k = locks.size() - 1; k >= 0; k--) locks.get(k).unlock();
        }
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
