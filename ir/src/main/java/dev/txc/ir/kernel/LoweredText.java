package dev.txc.ir.kernel;

import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of the lowered stage: the function as fused, then which kernel each of its kernel nodes runs, then the
 * kernels (identical kernels are printed once). Parsing checks the kernels against the function's own lowering, so
 * the text round-trips and cannot drift from what backends render.
 *
 * <pre>
 * func @f(...) { ... %1 = fused ... }
 * kernels @f {
 *   %1 = @k0
 * }
 * kernel @k0(o0: f64 out, a0: f64 in) shapes 0 { ... }
 * </pre>
 */
public final class LoweredText {
    private LoweredText() {}

    /** Kernel names (k0, k1, ...) of f's kernel nodes, in schedule order; equal kernels share a name. */
    public static Map<Node, String> kernelNames(Map<Node, Lowering.Lowered> kernels) {
        var byKernel = new LinkedHashMap<Kernel, String>();
        var out = new LinkedHashMap<Node, String>();
        for (var e : kernels.entrySet()) out.put(e.getKey(), byKernel.computeIfAbsent(e.getValue().kernel(), k -> "k" + byKernel.size()));
        return out;
    }

    public static String print(Function f) {
        var sb = new StringBuilder(IrText.print(f));
        var kernels = Lowering.kernels(f);
        if (kernels.isEmpty()) return sb.toString();
        var names = kernelNames(kernels);
        var values = IrText.valueNames(f);
        sb.append("kernels @").append(f.name()).append(" {\n");
        for (var e : names.entrySet()) sb.append("  ").append(values.get(e.getKey())).append(" = @").append(e.getValue()).append('\n');
        sb.append("}\n");
        var printed = new java.util.HashSet<String>();
        for (var e : names.entrySet())
            if (printed.add(e.getValue())) sb.append(KernelText.print(e.getValue(), kernels.get(e.getKey()).kernel()));
        return sb.toString();
    }

    /**
     * Checks the kernel section of a lowered text against {@code f}, the function parsed from its first part:
     * every kernel must equal f's lowering of the node it is attached to. Returns the kernels by name.
     */
    public static Map<String, Kernel> check(Function f, String kernelSection) {
        var byName = new LinkedHashMap<String, Kernel>();
        String[] parts = kernelSection.split("(?m)^(?=kernel @)");
        for (String part : parts) {
            if (part.isBlank() || part.startsWith("kernels @")) continue;
            var named = KernelText.parse(part);
            byName.put(named.name(), named.kernel());
        }
        var kernels = Lowering.kernels(f);
        var names = kernelNames(kernels);
        for (var e : names.entrySet()) {
            Kernel k = byName.get(e.getValue());
            if (!kernels.get(e.getKey()).kernel().equals(k))
                throw new IllegalArgumentException("kernel @" + e.getValue() + " does not match the lowering of its node in @" + f.name());
        }
        if (!byName.keySet().equals(new java.util.HashSet<>(names.values())))
            throw new IllegalArgumentException("kernels " + byName.keySet() + " do not match @" + f.name() + "'s " + List.copyOf(names.values()));
        return byName;
    }
}
