package dev.txc.runtime.model;

import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.DType;
import dev.txc.types.UnknownDTypeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A compiled model stored as class-path resources under one prefix (such as {@code txc/model/logistic/}), as
 * {@code txc compile} writes them into a standalone jar:
 * <ul>
 *   <li>{@code model.txt}: the {@link ModelSpec} in its text form;</li>
 *   <li>{@code classes/BINARY_NAME.bin}: the bytes of each generated class the spec names (stored as resources, not
 *       as {@code .class} entries, so that each model defines them in a loader of its own and two models on one
 *       class path never clash);</li>
 *   <li>{@code classes/BINARY_NAME.pool}: the constant pool its constructor takes (format below);</li>
 *   <li>{@code state/NAME.npy}: the initial value of each shared variable.</li>
 * </ul>
 * A pool file is big-endian (Java's {@code DataOutputStream}): the 8 bytes {@code TXCPOOL1}, an int count, then per
 * entry a tag byte and its value: {@code 'N'} an NDArray as an int length and that many bytes of a {@code .npy}
 * file; {@code 'I'} an {@code int[]} as an int length and the ints; {@code 'T'} a {@code DType[]} as an int length
 * and each dtype's spelling (modified UTF-8, as {@code writeUTF}); {@code 'D'} one DType's spelling.
 */
public final class ModelBundle {
    private static final byte[] POOL_MAGIC = "TXCPOOL1".getBytes(StandardCharsets.US_ASCII);

    private ModelBundle() {}

    /** A generated class: its binary name ({@code txc.generated.Fn_train}), bytes, and constructor pool. */
    public record ClassFile(String name, byte[] bytes, Object[] pool) {}

    /** A loaded model: what it offers, its functions, and the initial values of its shared variables. */
    public record Loaded(ModelSpec spec, CompiledModel program, List<NDArray> initial) {
        public Loaded {
            initial = List.copyOf(initial);
        }

        /** A fresh state holding copies of the initial values. */
        public ModelState newState() {
            return new ModelState(spec.shared(), initial.stream().map(NDArray::copy).toList());
        }
    }

    /** The resources of a model under {@code prefix} (ending with '/'), by name in sorted order. */
    public static SortedMap<String, byte[]> resources(String prefix, ModelSpec spec, List<ClassFile> classes, List<NDArray> initial) {
        if (!prefix.endsWith("/")) throw new IllegalArgumentException("prefix must end with '/': " + prefix);
        if (initial.size() != spec.shared().size()) throw new IllegalArgumentException("one initial value per shared variable");
        var out = new TreeMap<String, byte[]>();
        out.put(prefix + "model.txt", spec.write().getBytes(StandardCharsets.UTF_8));
        for (ClassFile c : classes) {
            out.put(prefix + "classes/" + c.name() + ".bin", c.bytes());
            out.put(prefix + "classes/" + c.name() + ".pool", writePool(c.pool()));
        }
        for (int k = 0; k < initial.size(); k++) out.put(prefix + "state/" + spec.shared().get(k).name() + ".npy", Npy.writeBytes(initial.get(k)));
        return out;
    }

    /** Reads the model under {@code prefix} through {@code resources} and defines its classes. */
    public static Loaded load(ClassLoader resources, String prefix) {
        ModelSpec spec = ModelSpec.parse(new String(resource(resources, prefix + "model.txt"), StandardCharsets.UTF_8));
        var loader = new Loader(CompiledFunction.class.getClassLoader());
        Map<String, CompiledFunction> instances = new HashMap<>();
        CompiledModel program = new CompiledModel(spec, name -> instances.computeIfAbsent(name, n -> {
            byte[] bytes = resource(resources, prefix + "classes/" + n + ".bin");
            Object[] pool = readPool(resource(resources, prefix + "classes/" + n + ".pool"), prefix + "classes/" + n + ".pool");
            try {
                return (CompiledFunction) loader.define(n, bytes).getConstructor(Object[].class).newInstance((Object) pool);
            } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
                throw new IllegalStateException("cannot instantiate generated class " + n + " of " + prefix + ": " + e, e);
            }
        }));
        var initial = new ArrayList<NDArray>();
        for (SharedSpec s : spec.shared()) {
            String name = prefix + "state/" + s.name() + ".npy";
            initial.add(Npy.readBytes(resource(resources, name), name));
        }
        return new Loaded(spec, program, initial);
    }

    private static byte[] resource(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    /** The pool file holding {@code pool}; an entry of another type is an IllegalArgumentException. */
    public static byte[] writePool(Object[] pool) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.write(POOL_MAGIC);
            out.writeInt(pool.length);
            for (Object o : pool) {
                switch (o) {
                    case NDArray a -> {
                        byte[] npy = Npy.writeBytes(a);
                        out.writeByte('N');
                        out.writeInt(npy.length);
                        out.write(npy);
                    }
                    case int[] v -> {
                        out.writeByte('I');
                        out.writeInt(v.length);
                        for (int x : v) out.writeInt(x);
                    }
                    case DType[] v -> {
                        out.writeByte('T');
                        out.writeInt(v.length);
                        for (DType d : v) out.writeUTF(d.spelling());
                    }
                    case DType d -> {
                        out.writeByte('D');
                        out.writeUTF(d.spelling());
                    }
                    case null, default -> throw new IllegalArgumentException("a constant pool entry of type "
                            + (o == null ? "null" : o.getClass().getName()) + " cannot be stored");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #writePool} writes; {@code name} is used in error messages. */
    public static Object[] readPool(byte[] bytes, String name) {
        try (var in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte[] magic = in.readNBytes(POOL_MAGIC.length);
            if (!java.util.Arrays.equals(magic, POOL_MAGIC)) throw new IllegalStateException(name + " is not a txc constant pool");
            Object[] pool = new Object[in.readInt()];
            for (int k = 0; k < pool.length; k++) {
                int tag = in.readUnsignedByte();
                pool[k] = switch (tag) {
                    case 'N' -> {
                        int n = in.readInt();
                        byte[] npy = in.readNBytes(n);
                        if (npy.length != n) throw new java.io.EOFException();
                        yield Npy.readBytes(npy, name + " entry " + k);
                    }
                    case 'I' -> {
                        int[] v = new int[in.readInt()];
                        for (int j = 0; j < v.length; j++) v[j] = in.readInt();
                        yield v;
                    }
                    case 'T' -> {
                        DType[] v = new DType[in.readInt()];
                        for (int j = 0; j < v.length; j++) v[j] = DType.fromSpelling(in.readUTF());
                        yield v;
                    }
                    case 'D' -> DType.fromSpelling(in.readUTF());
                    default -> throw new IllegalStateException(name + ": unknown entry tag " + tag + " at entry " + k);
                };
            }
            if (in.read() != -1) throw new IllegalStateException(name + ": trailing bytes");
            return pool;
        } catch (IOException e) {
            throw new IllegalStateException(name + " is truncated", e);
        } catch (UnknownDTypeException e) {
            throw new TxRuntimeException(e.getMessage(), e);
        }
    }

    /** Defines the classes of one model; generated classes see the runtime through the parent. */
    private static final class Loader extends ClassLoader {
        Loader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                return c != null ? c : defineClass(name, bytes, 0, bytes.length);
            }
        }
    }
}
