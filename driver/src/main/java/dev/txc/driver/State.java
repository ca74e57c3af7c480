package dev.txc.driver;

import dev.txc.ir.Dim;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.TensorType;
import dev.txc.runtime.DType;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current values of a module's shared variables. Every value always has its variable's declared dtype and rank,
 * and matches every declared dim that is known ({@code ?} dims take whatever size was loaded).
 */
public final class State {
    private final Map<String, TensorType> types = new LinkedHashMap<>();
    private final Map<String, NDArray> values = new LinkedHashMap<>();

    private State() {}

    /** The initial values the module declares (literals broadcast, seeded randn/uniform, arange, load). */
    public static State initial(Module m) {
        var s = new State();
        for (SharedVar v : m.shared()) {
            s.types.put(v.name(), v.type());
            s.values.put(v.name(), initialValue(v));
        }
        return s;
    }

    private static NDArray initialValue(SharedVar v) {
        TensorType t = v.type();
        DType d = dev.txc.jvm.Tensors.dtype(t.dtype());
        return switch (v.init()) {
            case SharedVar.Init.Value(var value) -> {
                int[] shape = staticShape(v);
                NDArray a = dev.txc.jvm.Tensors.toNd(value);
                if (a.rank() > t.rank())
                    throw new TxRuntimeException("shared variable " + v.name() + ": initial value of shape " + Shapes.format(a.shape()) + " does not fit " + t);
                yield a.broadcastTo(shape).copy();
            }
            case SharedVar.Init.Randn(long seed) -> Kernels.randn(seed, d, staticShape(v));
            case SharedVar.Init.Uniform(double low, double high, long seed) -> Kernels.uniform(low, high, seed, d, staticShape(v));
            case SharedVar.Init.Arange(double start, double step) -> {
                int[] shape = staticShape(v);
                double[] data = new double[Shapes.size(shape)];
                for (int i = 0; i < data.length; i++) data[i] = start + i * step;
                yield NDArray.wrap(DType.F64, data, shape).astype(d);
            }
            case SharedVar.Init.Load(String path) -> loadInitial(v, Path.of(path));
        };
    }

    private static int[] staticShape(SharedVar v) {
        TensorType t = v.type();
        if (!t.isStatic()) throw new TxRuntimeException("shared variable " + v.name() + " has type " + t + ", but only load(...) can give it a shape");
        int[] shape = new int[t.rank()];
        for (int k = 0; k < shape.length; k++) shape[k] = Math.toIntExact(t.dim(k).size());
        return shape;
    }

    private static NDArray loadInitial(SharedVar v, Path file) {
        NDArray a;
        try {
            a = Npy.read(file);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("shared variable " + v.name() + ": " + e.getMessage(), e);
        }
        DType want = dev.txc.jvm.Tensors.dtype(v.type().dtype());
        if (a.dtype() != want) {
            if (!a.dtype().canCastSafely(want))
                throw new TxRuntimeException("shared variable " + v.name() + ": " + file + " holds " + a.dtype().spelling() + " values, which do not convert to "
                        + want.spelling() + " without loss (declared " + v.type() + ")");
            a = a.astype(want);
        }
        String problem = shapeProblem(v.type(), a);
        if (problem != null) throw new TxRuntimeException("shared variable " + v.name() + ": " + file + " holds shape " + Shapes.format(a.shape()) + ", but " + v.name() + " is declared " + v.type() + problem);
        return a.contiguous();
    }

    /** Null when {@code a} fits {@code t} (rank and every known dim), else a short explanation starting with a separator. */
    private static String shapeProblem(TensorType t, NDArray a) {
        if (a.rank() != t.rank()) return " (rank " + t.rank() + ", not " + a.rank() + ")";
        for (int k = 0; k < t.rank(); k++) {
            Dim d = t.dim(k);
            if (d.isKnown() && d.size() != a.dim(k)) return " (axis " + k + " must be " + d.size() + ", not " + a.dim(k) + ")";
        }
        return null;
    }

    /** The names of the shared variables, in declaration order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** The declared type of a shared variable. */
    public TensorType type(String name) {
        known(name);
        return types.get(name);
    }

    public NDArray get(String name) {
        known(name);
        return values.get(name);
    }

    /** Replaces a value; its dtype and shape must fit the declaration. */
    public void set(String name, NDArray value) {
        check(name, value);
        values.put(name, value);
    }

    /** Replaces several values at once: all are checked before any is stored. */
    public void setAll(Map<String, NDArray> updates) {
        updates.forEach(this::check);
        values.putAll(updates);
    }

    private void known(String name) {
        if (!values.containsKey(name))
            throw new TxRuntimeException("no shared variable '" + name + "'" + (values.isEmpty() ? " (the module has none)" : " (shared variables: " + String.join(", ", values.keySet()) + ")"));
    }

    private void check(String name, NDArray value) {
        known(name);
        TensorType t = types.get(name);
        if (dev.txc.jvm.Tensors.dtype(value.dtype()) != t.dtype() || shapeProblem(t, value) != null)
            throw new TxRuntimeException("shared variable " + name + " is " + t + "; it cannot hold a " + value.dtype().spelling() + " array of shape " + Shapes.format(value.shape()));
    }

    /** Writes every variable as {@code dir/NAME.npy}, each atomically (temporary file, then rename); creates {@code dir}. */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TxRuntimeException("cannot create state directory " + dir + ": " + e.getMessage(), e);
        }
        for (var e : values.entrySet()) Npy.write(dir.resolve(e.getKey() + ".npy"), e.getValue());
    }

    /** Reads every variable from {@code dir/NAME.npy}; nothing changes unless every file is present and fits. */
    public void load(Path dir) {
        if (!Files.isDirectory(dir)) throw new TxRuntimeException("cannot load state: " + dir + " is not a directory");
        var loaded = new LinkedHashMap<String, NDArray>();
        var missing = new ArrayList<String>();
        for (String name : values.keySet()) {
            Path file = dir.resolve(name + ".npy");
            if (!Files.exists(file)) {
                missing.add(file.toString());
                continue;
            }
            NDArray a;
            try {
                a = Npy.read(file);
            } catch (TxRuntimeException e) {
                throw new TxRuntimeException("cannot load shared variable " + name + ": " + e.getMessage(), e);
            }
            TensorType t = types.get(name);
            if (dev.txc.jvm.Tensors.dtype(a.dtype()) != t.dtype())
                throw new TxRuntimeException("cannot load shared variable " + name + " from " + file + ": the file holds " + a.dtype().spelling() + " values but " + name + " is " + t);
            String problem = shapeProblem(t, a);
            if (problem != null)
                throw new TxRuntimeException("cannot load shared variable " + name + " from " + file + ": the file holds shape " + Shapes.format(a.shape()) + " but " + name + " is " + t + problem);
            loaded.put(name, a.contiguous());
        }
        if (!missing.isEmpty())
            throw new TxRuntimeException("cannot load state from " + dir + ": missing " + String.join(", ", missing) + " (shared variable" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing.stream().map(p -> Path.of(p).getFileName().toString().replaceFirst("\\.npy$", "")).toList()) + ")");
        values.putAll(loaded);
    }
}
