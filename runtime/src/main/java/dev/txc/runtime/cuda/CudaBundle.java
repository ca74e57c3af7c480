package dev.txc.runtime.cuda;

import dev.txc.runtime.Device;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.ParamSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The CUDA part of a compiled model stored as class-path resources next to its {@link dev.txc.runtime.model.ModelBundle}
 * (same prefix), as {@code txc compile --target cuda|all} writes it into a standalone jar:
 * <ul>
 *   <li>{@code cuda/target.txt}: {@code arch sm_XX} (what the PTX was rendered for) and {@code device cpu|cuda}
 *       (where {@code java -jar} runs without {@code --device});</li>
 *   <li>{@code cuda/CLASS.ptx}: the PTX module text of each function and parameter default, named by the class name
 *       its {@link FunctionSpec} gives it;</li>
 *   <li>{@code cuda/CLASS.plan}: its {@link HostPlan}, Java-serialized (read back through a filter that admits only
 *       the plan's records and the JDK's collections).</li>
 * </ul>
 * The jar needs nothing of the compiler to run on a GPU: the runtime's {@link PlanExecutor} runs the plans and the
 * driver JIT-compiles the PTX.
 */
public final class CudaBundle {
    private CudaBundle() {}

    /** What a model's CUDA part says about itself. */
    public record Info(String arch, Device defaultDevice) {}

    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;dev.txc.runtime.cuda.plan.**;java.util.*;java.lang.*;[J;[Ljava.lang.Object;!*");

    /** The resources of the CUDA part under {@code prefix}: plans by class name, rendered for {@code arch}. */
    public static SortedMap<String, byte[]> resources(String prefix, Map<String, HostPlan> plans, String arch, Device defaultDevice) {
        var out = new TreeMap<String, byte[]>();
        out.put(prefix + "cuda/target.txt", ("arch " + arch + "\ndevice " + defaultDevice.spelling() + "\n").getBytes(StandardCharsets.UTF_8));
        for (var e : plans.entrySet()) {
            out.put(prefix + "cuda/" + e.getKey() + ".ptx", e.getValue().module().getBytes(StandardCharsets.UTF_8));
            out.put(prefix + "cuda/" + e.getKey() + ".plan", serialize(e.getValue()));
        }
        return out;
    }

    /** The CUDA part's description, or null when the model under {@code prefix} has none (compiled for the JVM only). */
    public static Info info(ClassLoader resources, String prefix) {
        byte[] text = resourceOrNull(resources, prefix + "cuda/target.txt");
        if (text == null) return null;
        Map<String, String> kv = new HashMap<>();
        for (String line : new String(text, StandardCharsets.UTF_8).split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) kv.put(line.substring(0, sp), line.substring(sp + 1).strip());
        }
        Device d = Device.parse(kv.getOrDefault("device", ""));
        if (kv.get("arch") == null || d == null) throw new IllegalStateException(prefix + "cuda/target.txt is malformed");
        return new Info(kv.get("arch"), d);
    }

    /** The model's functions as a program on {@code device}, read from the plans under {@code prefix}. */
    public static CudaProgram load(ClassLoader resources, String prefix, ModelSpec spec, CudaDevice device) {
        Map<String, DeviceFunction> fns = new HashMap<>();
        for (String name : classNames(spec)) {
            String res = prefix + "cuda/" + name + ".plan";
            byte[] bytes = resourceOrNull(resources, res);
            if (bytes == null) throw new IllegalStateException("resource " + res + " is missing from the class path");
            fns.put(name, new PlanExecutor(deserialize(bytes, res)));
        }
        return new CudaProgram(spec, device, fns);
    }

    /** The class names of every function of {@code spec} and of its parameters' defaults. */
    public static List<String> classNames(ModelSpec spec) {
        var out = new ArrayList<String>();
        for (FunctionSpec f : spec.functions()) {
            out.add(f.className());
            for (ParamSpec p : f.params()) if (p.hasDefault()) out.add(p.defaultClass());
        }
        return out;
    }

    static byte[] serialize(HostPlan plan) {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ObjectOutputStream(bytes)) {
            out.writeObject(plan);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static HostPlan deserialize(byte[] bytes, String name) {
        try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(FILTER);
            return (HostPlan) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new IllegalStateException("cannot read the host plan " + name + ": " + e, e);
        }
    }

    private static byte[] resourceOrNull(ClassLoader loader, String name) {
        try (InputStream in = loader.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
