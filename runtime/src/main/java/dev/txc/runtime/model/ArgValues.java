package dev.txc.runtime.model;

import dev.txc.types.DType;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.Literal;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Shapes;
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

    /** Splits {@code NAME=VALUE} flags; a malformed one is a usage error, a repeated name a user error. */
    public static Map<String, String> split(List<String> flags) {
        var byName = new LinkedHashMap<String, String>();
        for (String s : flags) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new CliUsageException("--arg expects NAME=VALUE, got '" + s + "'");
            String name = s.substring(0, eq).strip();
            if (byName.put(name, s.substring(eq + 1)) != null) throw new TxRuntimeException("--arg " + name + " is given more than once");
        }
        return byName;
    }

    /** The arguments of {@code f} in parameter order; null where a parameter with a default was not given. */
    public static List<NDArray> convert(FunctionSpec f, Map<String, String> given, boolean allowDowncast) {
        List<String> names = f.paramNames();
        for (String name : given.keySet())
            if (!names.contains(name)) throw new TxRuntimeException("'" + f.name() + "' has no parameter '" + name + "' " + f.parameterList());
        var out = new ArrayList<NDArray>();
        for (int k = 0; k < names.size(); k++) {
            ParamSpec p = f.params().get(k);
            String text = given.get(p.name());
            if (text == null) {
                if (!p.hasDefault())
                    throw new TxRuntimeException("missing argument for parameter '" + p.name() + "' of '" + f.name() + "': pass --arg " + p.name() + "=VALUE " + f.parameterList());
                out.add(null);
                continue;
            }
            out.add(value(p, text.strip(), k, allowDowncast));
        }
        return out;
    }

    private static NDArray value(ParamSpec p, String text, int position, boolean allowDowncast) {
        DType want = p.type().dtype();
        try {
            if (text.startsWith("@")) {
                String file = text.substring(1).strip();
                if (file.isEmpty()) throw new TxRuntimeException("'@' needs a file name after it, such as @" + p.name() + ".npy");
                return fromFile(p, Path.of(file), allowDowncast);
            }
            for (String gen : List.of("randn", "zeros", "ones")) {
                if (text.startsWith(gen + ":")) {
                    int[] shape = shape(text.substring(gen.length() + 1), text);
                    return switch (gen) {
                        case "randn" -> {
                            if (!want.isFloat()) throw new TxRuntimeException("randn needs a float parameter, but " + p.name() + " is " + p.type());
                            yield Kernels.randn(position, want, shape);
                        }
                        case "zeros" -> NDArray.full(want, 0, shape);
                        default -> NDArray.full(want, 1, shape);
                    };
                }
            }
            if (text.isEmpty()) throw new TxRuntimeException("empty value (expected a literal, @file.npy, randn:3x4, zeros:3x4 or ones:3x4)");
            return Literal.parse(text, want);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("--arg " + p.name() + ": " + e.getMessage(), e);
        }
    }

    private static int[] shape(String spec, String whole) {
        if (spec.isEmpty()) return new int[0];
        String[] parts = spec.split("x", -1);
        long[] shape = new long[parts.length];
        for (int k = 0; k < parts.length; k++) {
            try {
                shape[k] = Long.parseLong(parts[k].strip());
            } catch (NumberFormatException e) {
                throw new TxRuntimeException("bad shape '" + spec + "' in '" + whole + "' (expected sizes separated by x, such as 3x4)");
            }
        }
        return Shapes.ofLongs(shape);
    }

    private static NDArray fromFile(ParamSpec p, Path file, boolean allowDowncast) {
        NDArray a = Npy.read(file);
        DType want = p.type().dtype();
        if (a.dtype() == want) return a;
        if (!a.dtype().canCastSafely(want) && !allowDowncast)
            throw new TxRuntimeException(file + " holds " + a.dtype().spelling() + " values but parameter " + p.name() + " is " + p.type()
                    + "; converting can lose information (pass --allow-downcast to allow it)");
        return a.astype(want);
    }
}
