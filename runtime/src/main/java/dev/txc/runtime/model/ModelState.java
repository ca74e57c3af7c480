package dev.txc.runtime.model;

import dev.txc.runtime.Buffer;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.Shapes;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The current values of a model's shared variables. Every value always has its variable's declared dtype and rank
 * and matches every declared dim that is known ({@code ?} dims take whatever size was loaded).
 *
 * <p>Values are replaced, never mutated, and every change installs a whole new array of values: {@link #snapshot}
 * gives a consistent view without locking, and a multi-variable change ({@link #setAll}, {@link #load}) is seen all
 * at once or not at all. Writers are serialized on this object.
 */
public final class ModelState {
    private final List<SharedSpec> specs;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private volatile NDArray[] values;

    /** A state holding {@code initial} (in declaration order); each value is checked against its declaration. */
    public ModelState(List<SharedSpec> specs, List<NDArray> initial) {
        this.specs = List.copyOf(specs);
        if (initial.size() != specs.size()) throw new IllegalArgumentException(specs.size() + " shared variables but " + initial.size() + " values");
        for (int k = 0; k < specs.size(); k++) index.put(specs.get(k).name(), k);
        NDArray[] v = initial.toArray(new NDArray[0]);
        for (int k = 0; k < v.length; k++) check(specs.get(k).name(), v[k]);
        values = v;
    }

    private volatile boolean exclusive;

    /**
     * Declares that one thread drives this state and nothing outside the calls keeps its arrays (the command
     * line's loop), so updates may be computed into the variables' own buffers. A state shared with other readers
     * (a library model) must not be exclusive: then every update is a fresh array and snapshots never change.
     */
    public ModelState exclusive(boolean on) {
        this.exclusive = on;
        return this;
    }

    public boolean exclusive() {
        return exclusive;
    }

    /** An independent state starting from this one's current values. */
    public ModelState copy() {
        return new ModelState(specs, List.of(values));
    }

    /** The names of the shared variables, in declaration order. */
    public List<String> names() {
        return List.copyOf(index.keySet());
    }

    public List<SharedSpec> specs() {
        return specs;
    }

    /** The declared type of a shared variable. */
    public TensorType type(String name) {
        return specs.get(known(name)).type();
    }

    public NDArray get(String name) {
        return values[known(name)];
    }

    /** Every current value in declaration order, all from the same moment; the caller may keep the array. */
    public NDArray[] snapshot() {
        return values.clone();
    }

    /** Replaces a value; its dtype and shape must fit the declaration. */
    public void set(String name, NDArray value) {
        setAll(Map.of(name, value));
    }

    /** Replaces several values at once: all are checked before any is stored. */
    public synchronized void setAll(Map<String, NDArray> updates) {
        updates.forEach(this::check);
        NDArray[] next = values.clone();
        updates.forEach((name, v) -> next[index.get(name)] = v);
        values = next;
    }

    private int known(String name) {
        Integer k = index.get(name);
        if (k == null)
            throw new TxRuntimeException("no shared variable '" + name + "'" + (index.isEmpty() ? " (the module has none)" : " (shared variables: " + String.join(", ", index.keySet()) + ")"));
        return k;
    }

    private void check(String name, NDArray value) {
        TensorType t = specs.get(known(name)).type();
        if (value == null || !t.fits(value.dtype(), value.shape()))
            throw new TxRuntimeException("shared variable " + name + " is " + t + "; it cannot hold "
                    + (value == null ? "null" : "a " + value.dtype().spelling() + " array of shape " + Shapes.format(value.shape())));
    }

    /**
     * Writes every variable as {@code dir/NAME.npy}, all or nothing: a save killed at any moment leaves either the
     * previous or the new values of every variable (see {@link StateDir}); creates {@code dir}.
     */
    public void save(Path dir) {
        NDArray[] v = values;
        var byName = new LinkedHashMap<String, NDArray>();
        for (int k = 0; k < v.length; k++) byName.put(specs.get(k).name(), v[k]);
        StateDir.save(dir, byName);
    }

    /** Reads every variable from {@code dir/NAME.npy}; nothing changes unless every file is present and fits. */
    public void load(Path dir) {
        load(dir, Buffer.Allocator.HEAP);
    }

    /** {@link #load(Path)} into the memory {@code memory} allocates. */
    public void load(Path dir, Buffer.Allocator memory) {
        if (!Files.isDirectory(dir)) throw new TxRuntimeException("cannot load state: " + dir + " is not a directory");
        StateDir.recover(dir);
        var loaded = new LinkedHashMap<String, NDArray>();
        var missing = new ArrayList<String>();
        var missingNames = new ArrayList<String>();
        for (SharedSpec s : specs) {
            String name = s.name();
            Path file = dir.resolve(name + ".npy");
            if (!Files.exists(file)) {
                missing.add(file.toString());
                missingNames.add(name);
                continue;
            }
            NDArray a;
            try {
                a = Npy.read(file, memory);
            } catch (TxRuntimeException e) {
                throw new TxRuntimeException("cannot load shared variable " + name + ": " + e.getMessage(), e);
            }
            TensorType t = s.type();
            if (a.dtype() != t.dtype())
                throw new TxRuntimeException("cannot load shared variable " + name + " from " + file + ": the file holds " + a.dtype().spelling() + " values but " + name + " is " + t);
            String problem = t.shapeProblem(a.shape());
            if (problem != null)
                throw new TxRuntimeException("cannot load shared variable " + name + " from " + file + ": the file holds shape " + Shapes.format(a.shape()) + " but " + name + " is " + t + problem);
            loaded.put(name, a.contiguous());
        }
        if (!missing.isEmpty())
            throw new TxRuntimeException("cannot load state from " + dir + ": missing " + String.join(", ", missing) + " (shared variable" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missingNames) + ")");
        setAll(loaded);
    }
}
