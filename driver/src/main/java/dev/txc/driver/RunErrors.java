package dev.txc.driver;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.DiagnosticRenderer;
import dev.txc.ir.EvalException;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.jvm.Tensors;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Gives run-time errors the source location of the op that failed, whichever engine raised them. Compiled and fused
 * code does not know which source op a kernel failed in, so on an error the call is replayed by the reference
 * interpreter on the module as differentiated (every op still at its source location): its error names the op, and
 * the operand shapes in operand order. The replay happens only after a failure and gets a few seconds; when it finds
 * no located error in time, the engine's own message stands.
 */
public final class RunErrors {
    private RunErrors() {}

    /** How long a replay may take before the engine's unlocated message is reported instead. */
    public static final long REPLAY_SECONDS = 5;

    /** A run-time error at a source location; renders like a compile-time error. */
    static final class Located extends TxRuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient SourceSpan span;
        private final transient Map<String, List<String>> sources;

        Located(SourceSpan span, String message, Map<String, List<String>> sources, Throwable cause) {
            super(message, cause);
            this.span = span;
            this.sources = sources;
        }

        SourceSpan span() {
            return span;
        }

        /** {@code file:line:col: error: message}, the source line and a caret. */
        String render(String message) {
            return new DiagnosticRenderer(f -> sources.getOrDefault(f, List.of())).renderAll(List.of(Diagnostic.error(span, message)));
        }

        /** The located error in {@code t}'s cause chain, or null. */
        static Located in(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) if (c instanceof Located l) return l;
            return null;
        }
    }

    /**
     * {@code program} whose run-time errors are located in {@code source} (the module at stage ad) and rendered with
     * the lines of {@code sources}, both asked for only after an error.
     */
    static Program located(Program program, Supplier<Module> source, Supplier<Map<String, List<String>>> sources) {
        Module[] module = {null};
        return new Program() {
            @Override
            public List<NDArray> call(String fn, List<NDArray> args, ModelState state) {
                try {
                    return program.call(fn, args, state);
                } catch (Located e) {
                    throw e;
                } catch (TxRuntimeException e) {
                    if (module[0] == null) module[0] = source.get();
                    Function f = module[0].function(fn);
                    // the replay reads the state as of the failed call: values a GPU program holds come back first
                    program.flush(state);
                    EvalException replayed = f == null ? null : replay(f, args, state);
                    SourceSpan at = replayed == null || replayed.node() == null ? null : f.locs().get(replayed.node());
                    if (at == null) throw e;
                    throw new Located(at, fn + ": " + replayed.getMessage(), sources.get(), e);
                }
            }

            @Override
            public void flush(ModelState state) {
                program.flush(state);
            }
        };
    }

    private static EvalException replay(Function f, List<NDArray> args, ModelState state) {
        NDArray[] snapshot = state.snapshot();
        List<String> names = state.names();
        return replay(f, args, name -> snapshot[names.indexOf(name)]);
    }

    /**
     * The reference interpreter's error for calling {@code f} with {@code args} (null for a default) and the shared
     * values {@code shared} gives by name, or null when it finds none or takes more than {@link #REPLAY_SECONDS}.
     */
    public static EvalException replay(Function f, List<NDArray> args, java.util.function.Function<String, NDArray> shared) {
        Map<String, Tensor> byName = new HashMap<>();
        for (int k = 0; k < args.size(); k++) if (args.get(k) != null) byName.put(f.paramName(k), Tensors.fromNd(args.get(k)));
        var replay = CompletableFuture.supplyAsync(() -> {
            try {
                Interpreter.run(f, byName, name -> Tensors.fromNd(shared.apply(name)));
                return null;
            } catch (EvalException ee) {
                return ee;
            } catch (RuntimeException other) {
                return null;
            }
        }, r -> {
            Thread t = new Thread(r, "txc-locate-error");
            t.setDaemon(true);
            t.start();
        });
        try {
            return replay.get(REPLAY_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
