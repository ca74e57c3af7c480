package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.types.TensorType;
import dev.txc.jvm.Tensors;
import dev.txc.types.DType;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.SharedSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.Parsing;
import dev.txc.ir.SourceSpan;

/**
 * The initial values a module declares for its shared variables (literals broadcast, seeded randn/uniform, arange,
 * load), each of its variable's declared dtype and rank and matching every known dim.
 */
final class InitialState {
    private InitialState() {}

    /** A fresh state holding the initial values. */
    static ModelState of(Module m) {
        return of(m, Map.of());
    }

    /** A fresh state holding the initial values; an error is located at the declaration's initializer in {@code sources}. */
    static ModelState of(Module m, Map<String, List<String>> sources) {
        var specs = new ArrayList<SharedSpec>();
        for (SharedVar v : m.shared()) specs.add(new SharedSpec(v.name(), v.type()));
        return new ModelState(specs, values(m, sources));
    }

    /** The initial values in declaration order. */
    static List<NDArray> values(Module m) {
        return values(m, Map.of());
    }

    /** The initial values in declaration order; errors are located in {@code sources} where the declaration is found. */
    static List<NDArray> values(Module m, Map<String, List<String>> sources) {
        var out = new ArrayList<NDArray>();
        for (SharedVar v : m.shared()) out.add(located(v, sources, () -> initialValue(v)));
        return out;
    }

    /**
     * What {@code txc check} checks of the initial values without making them: each load(...) file's header (it
     * exists, is a .npy file, and its dtype and shape fit the declaration) and each generated value's shape.
     */
    static void check(Module m, Map<String, List<String>> sources) {
        for (SharedVar v : m.shared()) {
            located(v, sources, () -> {
                switch (v.init()) {
                    case SharedVar.Init.Load(String path) -> {
                        Path file = Path.of(path);
                        try {
                            fits(v, file, Npy.dtype(file), Npy.shape(file));
                        } catch (TxRuntimeException e) {
                            throw e.getMessage().startsWith("shared variable ") ? e : new TxRuntimeException("shared variable " + v.name() + ": " + e.getMessage(), e);
                        }
                    }
                    // a literal's fit was checked by the frontend; broadcasting it here would make the whole value
                    case SharedVar.Init.Value val -> staticShape(v);
                    case SharedVar.Init.Randn r -> staticShape(v);
                    case SharedVar.Init.Uniform u -> staticShape(v);
                }
                return null;
            });
        }
    }

    private static <T> T located(SharedVar v, Map<String, List<String>> sources, java.util.function.Supplier<T> body) {
        try {
            try {
                return body.get();
            } catch (OutOfMemoryError e) {
                long bytes = v.type().staticSize() * v.type().dtype().itemSize();
                throw new TxRuntimeException("shared variable " + v.name() + ": its initial value of type " + v.type() + " ("
                        + (bytes > 0 ? String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9) : "its size")
                        + ") does not fit this JVM's heap of " + String.format(java.util.Locale.ROOT, "%.1f GB",
                        Runtime.getRuntime().maxMemory() / 1e9) + " (raise it with -Xmx, e.g. in TXC_JAVA_OPTS)");
            }
        } catch (TxRuntimeException e) {
            SourceSpan at = initializer(sources, v.name());
            if (at == null) throw e;
            throw new RunErrors.Located(at, e.getMessage(), sources, e);
        }
    }

    /**
     * The span of {@code shared NAME ... = INIT}'s INIT in the sources, found by parsing them again (the IR does not
     * keep where a shared variable was declared); null when not found.
     */
    private static SourceSpan initializer(Map<String, List<String>> sources, String name) {
        for (var file : sources.entrySet()) {
            var parsed = Parsing.parse(file.getKey(), String.join("\n", file.getValue()) + "\n");
            if (!parsed.ok()) continue;
            for (Item item : parsed.ast().items())
                if (item instanceof Item.SharedDecl s && s.name().name().equals(name)) return s.init().span();
        }
        return null;
    }

    private static NDArray initialValue(SharedVar v) {
        TensorType t = v.type();
        DType d = t.dtype();
        return switch (v.init()) {
            case SharedVar.Init.Value(var value) -> {
                int[] shape = staticShape(v);
                NDArray a = Tensors.toNd(value);
                if (a.rank() > t.rank())
                    throw new TxRuntimeException("shared variable " + v.name() + ": initial value of shape " + Shapes.format(a.shape()) + " does not fit " + t);
                yield a.broadcastTo(shape).copy();
            }
            case SharedVar.Init.Randn(long seed) -> Kernels.randn(seed, d, staticShape(v));
            case SharedVar.Init.Uniform(double low, double high, long seed) -> Kernels.uniform(low, high, seed, d, staticShape(v));
            case SharedVar.Init.Load(String path) -> loadInitial(v, Path.of(path));
        };
    }

    private static int[] staticShape(SharedVar v) {
        TensorType t = v.type();
        if (!t.isStatic()) throw new TxRuntimeException("shared variable " + v.name() + " has type " + t + ", but only load(...) can give it a shape");
        long[] dims = new long[t.rank()];
        for (int k = 0; k < dims.length; k++) dims[k] = t.dim(k).size();
        try {
            return Shapes.ofLongs(dims);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("shared variable " + v.name() + " (" + t + "): " + e.getMessage(), e);
        }
    }

    private static NDArray loadInitial(SharedVar v, Path file) {
        NDArray a;
        try {
            a = Npy.read(file);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("shared variable " + v.name() + ": " + e.getMessage(), e);
        }
        fits(v, file, a.dtype(), a.shape());
        DType want = v.type().dtype();
        return (a.dtype() != want ? a.astype(want) : a).contiguous();
    }

    // a file's values of dtype `have` and shape `shape` can be v's initial value
    private static void fits(SharedVar v, Path file, DType have, int[] shape) {
        DType want = v.type().dtype();
        if (have != want && !have.canCastSafely(want))
            throw new TxRuntimeException("shared variable " + v.name() + ": " + file + " holds " + have.spelling() + " values, which do not convert to "
                    + want.spelling() + " without loss (declared " + v.type() + "; save the file as " + want.spelling() + ", or declare "
                    + v.name() + " " + have.spelling() + " and cast where it is used)");
        String problem = v.type().shapeProblem(shape);
        if (problem != null) throw new TxRuntimeException("shared variable " + v.name() + ": " + file + " holds shape " + Shapes.format(shape) + ", but " + v.name() + " is declared " + v.type() + problem);
    }
}
