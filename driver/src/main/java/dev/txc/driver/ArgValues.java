package dev.txc.driver;

import dev.txc.ir.Function;
import dev.txc.ir.TensorType;
import dev.txc.runtime.DType;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.Literal;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.TxRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code --arg NAME=VALUE} flags into call arguments in parameter order, converted to each parameter's dtype.
 * VALUE is a literal ({@code 4}, {@code [[0, 1], [-1, -2]]}), {@code @file.npy} (safe upcasts only unless downcasts are
 * allowed), or a generated array {@code randn:3x4}, {@code zeros:3x4}, {@code ones:3x4} ({@code randn} is seeded with
 * the parameter's position, so runs are reproducible). Shapes are checked later, against the parameter types, by
 * {@link Signature}.
 */
public final class ArgValues {
    private ArgValues() {}

    /** Splits {@code NAME=VALUE} flags; a malformed one is a usage error. */
    public static Map<String, String> split(List<String> flags) {
        var byName = new LinkedHashMap<String, String>();
        for (String s : flags) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new UsageException("--arg expects NAME=VALUE, got '" + s + "'");
            String name = s.substring(0, eq).strip();
            if (byName.put(name, s.substring(eq + 1)) != null) throw new UserException("--arg " + name + " is given more than once");
        }
        return byName;
    }

    /** The arguments of {@code f} in parameter order; null where a parameter with a default was not given. */
    public static List<NDArray> convert(Function f, Map<String, String> given, boolean allowDowncast) {
        var names = new ArrayList<String>();
        for (int k = 0; k < f.params().size(); k++) names.add(f.paramName(k));
        for (String name : given.keySet())
            if (!names.contains(name)) throw new UserException("'" + f.name() + "' has no parameter '" + name + "' " + parameterList(f));
        var out = new ArrayList<NDArray>();
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            String text = given.get(name);
            if (text == null) {
                if (!f.defaults().containsKey(name))
                    throw new UserException("missing argument for parameter '" + name + "' of '" + f.name() + "': pass --arg " + name + "=VALUE " + parameterList(f));
                out.add(null);
                continue;
            }
            out.add(value(name, f.params().get(k).tt(), text.strip(), k, allowDowncast));
        }
        return out;
    }

    /** {@code (parameters: x: f64[N], b: f64[M] = default)}. */
    static String parameterList(Function f) {
        if (f.params().isEmpty()) return "(it takes no parameters)";
        var parts = new ArrayList<String>();
        for (int k = 0; k < f.params().size(); k++) {
            String n = f.paramName(k);
            parts.add(n + ": " + f.params().get(k).type() + (f.defaults().containsKey(n) ? " = default" : ""));
        }
        return "(parameters: " + String.join(", ", parts) + ")";
    }

    private static NDArray value(String name, TensorType t, String text, int position, boolean allowDowncast) {
        DType want = dev.txc.jvm.Tensors.dtype(t.dtype());
        String where = "--arg " + name + ": ";
        try {
            if (text.startsWith("@")) return fromFile(name, t, Path.of(text.substring(1)), allowDowncast);
            for (String gen : List.of("randn", "zeros", "ones")) {
                if (text.startsWith(gen + ":")) {
                    int[] shape = shape(text.substring(gen.length() + 1), text);
                    return switch (gen) {
                        case "randn" -> {
                            if (!want.isFloat()) throw new UserException("randn needs a float parameter, but " + name + " is " + t);
                            yield Kernels.randn(position, want, shape);
                        }
                        case "zeros" -> NDArray.full(want, 0, shape);
                        default -> NDArray.full(want, 1, shape);
                    };
                }
            }
            if (text.isEmpty()) throw new UserException("empty value (expected a literal, @file.npy, randn:3x4, zeros:3x4 or ones:3x4)");
            return Literal.parse(text, want);
        } catch (UserException | TxRuntimeException e) {
            throw new UserException(where + e.getMessage());
        }
    }

    private static int[] shape(String spec, String whole) {
        if (spec.isEmpty()) return new int[0];
        String[] parts = spec.split("x", -1);
        int[] shape = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                shape[k] = Integer.parseInt(parts[k].strip());
                if (shape[k] < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new UserException("bad shape '" + spec + "' in '" + whole + "' (expected sizes separated by x, such as 3x4)");
            }
        }
        return shape;
    }

    private static NDArray fromFile(String name, TensorType t, Path file, boolean allowDowncast) {
        NDArray a = Npy.read(file);
        DType want = dev.txc.jvm.Tensors.dtype(t.dtype());
        if (a.dtype() == want) return a;
        if (!a.dtype().canCastSafely(want) && !allowDowncast)
            throw new UserException(file + " holds " + a.dtype().spelling() + " values but parameter " + name + " is " + t
                    + "; converting can lose information (pass --allow-downcast to allow it)");
        return a.astype(want);
    }
}
