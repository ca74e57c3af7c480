package dev.txc.runtime.model;

import dev.txc.runtime.NDArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled model with its own state: the base of the facade class {@code txc compile} generates (such as
 * {@code txc.model.LogisticModel}), also usable directly through {@link #call}.
 *
 * <p>Thread safety: calls of functions without updates are reentrant and run concurrently, each reading one
 * consistent snapshot of the shared variables. Calls that update shared variables, {@link #setShared} and
 * {@link #loadState} are serialized: they hold this model's monitor ({@code synchronized (model)}), so a caller can
 * also hold it to make several calls atomic. {@link #getShared} and {@link #saveState} never block and see the values
 * of some moment between updates. Arrays passed in or returned must not be modified.
 */
public class Model {
    private final ModelSpec spec;
    private final Program program;
    private final ModelState state;

    /** A model with the functions and a fresh copy of the initial state of {@code bundle}. */
    protected Model(ModelBundle.Loaded bundle) {
        this.spec = bundle.spec();
        this.program = bundle.program();
        this.state = bundle.newState();
    }

    /** The model stored under resource {@code prefix} (such as {@code txc/model/logistic/}) of {@code loader}. */
    public static Model load(ClassLoader loader, String prefix) {
        return new Model(ModelBundle.load(loader, prefix));
    }

    /** The functions and shared variables with their types. */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Calls function {@code fn} with its arguments in parameter order, each of the parameter's dtype (see
     * {@link NDArray#astype}); null stands for a parameter's default. Returns the outputs in order. Shape and dtype
     * errors are {@link dev.txc.runtime.TxRuntimeException}s naming the function, parameter and shapes.
     */
    public List<NDArray> call(String fn, NDArray... args) {
        FunctionSpec f = spec.function(fn);
        if (args.length != f.params().size())
            throw new IllegalArgumentException(fn + " takes " + f.params().size() + " arguments " + f.parameterList() + ", got " + args.length);
        List<NDArray> list = Arrays.asList(args.clone());
        if (f.isPure()) return program.call(fn, list, state);
        synchronized (this) {
            return program.call(fn, list, state);
        }
    }

    /** The names of the shared variables, in declaration order. */
    public List<String> sharedNames() {
        return state.names();
    }

    /** The current value of shared variable {@code name}. */
    public NDArray getShared(String name) {
        return state.get(name);
    }

    /** Replaces the value of shared variable {@code name}; it must have the declared dtype and known dims. */
    public synchronized void setShared(String name, NDArray value) {
        state.set(name, value);
    }

    /** Writes every shared variable to {@code dir/NAME.npy}, each atomically; creates {@code dir}. */
    public void saveState(Path dir) {
        state.save(dir);
    }

    /** Reads every shared variable from {@code dir/NAME.npy}; nothing changes unless every file is present and fits. */
    public synchronized void loadState(Path dir) {
        state.load(dir);
    }
}
