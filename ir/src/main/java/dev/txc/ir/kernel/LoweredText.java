package dev.txc.ir.kernel;

import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of the lowered stage: the function as fused, then which kernel each of its kernel nodes runs and which
 * library routine each other node calls (a view, a GEMV, a reduction...), then the kernels (identical kernels are
 * printed once). Parsing checks the kernels against the function's own lowering, so
 * the text round-trips and cannot drift from what backends render.
 *
 * <pre>
 * func @f(...) { ... %1 = fused ... }
 * kernels @f {
 *   %1 = @k0
 *   %2 = call gemv.dot %x, %1
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
        var kernels = Lowering.kernels(f);
        String header = header(f, kernels);
        if (header.isEmpty()) return IrText.print(f);
        var sb = new StringBuilder(IrText.print(f)).append(header);
        var names = kernelNames(kernels);
        var printed = new java.util.HashSet<String>();
        for (var e : names.entrySet())
            if (printed.add(e.getValue())) sb.append(KernelText.print(e.getValue(), kernels.get(e.getKey()).kernel()));
        return sb.toString();
    }

    /**
     * The {@code kernels @f} block: in schedule order, which kernel each kernel node runs ({@code %5 = @k1}) and what
     * every other node that does work calls ({@code %4 = call gemv.dot %x, %3}; see {@link Calls}), scan bodies
     * indented under their scan. Empty when f has no kernels.
     */
    static String header(Function f, Map<Node, Lowering.Lowered> kernels) {
        if (kernels.isEmpty()) return "";
        var names = kernelNames(kernels);
        var values = IrText.valueNames(f);
        var sb = new StringBuilder("kernels @").append(f.name()).append(" {\n");
        var schedule = new dev.txc.ir.Schedule();
        steps(schedule.function(f), schedule, names, values, "  ", sb);
        return sb.append("}\n").toString();
    }

    private static void steps(List<Node> block, dev.txc.ir.Schedule schedule, Map<Node, String> kernels, Map<Node, String> values,
                              String indent, StringBuilder sb) {
        for (Node n : block) {
            String v = values.get(n);
            if (kernels.containsKey(n)) {
                sb.append(indent).append(v).append(" = @").append(kernels.get(n)).append('\n');
                continue;
            }
            String call = Calls.of(n);
            if (call != null) {
                sb.append(indent).append(v).append(" = call ").append(call);
                for (int k = 0; k < n.inputs().size(); k++) sb.append(k == 0 ? " " : ", ").append(name(n.input(k), values));
                sb.append('\n');
            }
            if (n.region() != null)
                steps(schedule.block(n.region().results(), n.region().level(), new java.util.LinkedHashSet<>()), schedule, kernels, values, indent + "  ", sb);
        }
    }

    private static String name(Node n, Map<Node, String> values) {
        return n.op() == dev.txc.ir.Op.PARAM ? "%" + n.attrs().str("name") : values.get(n);
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
        String header = header(f, kernels);
        int at = kernelSection.indexOf("kernels @");
        int end = kernelSection.indexOf("}\n", Math.max(at, 0));
        if (at < 0 || end < 0 || !kernelSection.substring(at, end + 2).equals(header))
            throw new IllegalArgumentException("the kernels @" + f.name() + " block does not match the lowering of @" + f.name() + ":\n" + header);
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
