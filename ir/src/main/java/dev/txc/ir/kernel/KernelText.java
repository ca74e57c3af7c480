package dev.txc.ir.kernel;

import dev.txc.types.DType;
import dev.txc.ir.Op;
import dev.txc.ir.kernel.Kernel.Operand;
import dev.txc.ir.kernel.Kernel.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of kernels, printed by {@code txc ir --stage lowered} and parsed back (print after parse is the
 * identity). Operand {@code k[r, j]} is element j of row r of operand k (its data at base(k, r) + j * stride(k)), and
 * {@code k[r]} the one element of row r of a row operand (a last dim of 1);
 * loop-invariant values (scalar operands, literals, ops on those) are printed before the loops.
 *
 * <pre>
 * kernel @k0(o0: f64 out, a0: f64 in) shapes 0 {
 *   %1 = lit 1.0 : f64
 *   for r in rows parallel {
 *     for j in row vector(f64) {
 *       %0 = load a0[r, j]
 *       %2 = add %1, %0 : f64
 *       store o0[r, j], %2
 *     }
 *   }
 * }
 * </pre>
 */
public final class KernelText {
    private KernelText() {}

    /** The name of operand k: o0.. for outputs, a0.. for inputs. */
    static String operandName(List<Operand> ops, int k) {
        return ops.get(k).role() == Role.OUT ? "o" + k : "a" + (k - outputCount(ops));
    }

    private static int outputCount(List<Operand> ops) {
        int n = 0;
        for (Operand o : ops) if (o.role() == Role.OUT) n++;
        return n;
    }

    public static String print(String name, Kernel k) {
        var sb = new StringBuilder("kernel @").append(name).append('(');
        var ops = k.operands();
        for (int i = 0; i < ops.size(); i++) {
            if (i > 0) sb.append(", ");
            Operand o = ops.get(i);
            sb.append(operandName(ops, i)).append(": ").append(o.dtype().spelling()).append(' ')
                    .append(o.role() == Role.OUT ? "out" : "in").append(o.scalar() ? " scalar" : o.row() ? " row" : "");
        }
        sb.append(") shapes ").append(k.shapes());
        if (k.reduction() != null) sb.append(' ').append(k.reduction().spelling());
        sb.append(" {\n");
        var inner = new StringBuilder();
        boolean[] invariant = k.invariant();
        for (int id = 0; id < k.body().size(); id++)
            (invariant[id] ? sb.append("  ") : inner.append("      ")).append(line(k, id)).append('\n');
        DType v = k.vectorType();
        var red = k.reduction();
        sb.append("  for r in rows parallel {\n");
        if (red != null) sb.append("    acc = 0.0\n");
        sb.append("    for j in row ").append(v == null ? "scalar" : "vector(" + v.spelling() + ")").append(" {\n").append(inner).append("    }\n");
        if (red != null) sb.append(red.all() ? "    partial[r] = acc\n" : "    o0[r] = acc" + (red.mean() ? " / len(row)" : "") + "\n");
        sb.append("  }\n");
        if (red != null && red.all()) sb.append("  o0[] = sum(partial)").append(red.mean() ? " / size" : "").append('\n');
        return sb.append("}\n").toString();
    }

    private static String line(Kernel k, int id) {
        var ops = k.operands();
        return switch (k.body().get(id)) {
            case Instr.Load l -> "%" + id + " = load " + operandName(ops, l.operand()) + (ops.get(l.operand()).scalar() ? "[]" : ops.get(l.operand()).row() ? "[r]" : "[r, j]");
            case Instr.Lit c -> "%" + id + " = lit " + literal(c) + " : " + c.dtype().spelling();
            case Instr.Apply a -> {
                var sb = new StringBuilder("%").append(id).append(" = ").append(a.op().spelling());
                for (int i = 0; i < a.args().size(); i++) sb.append(i == 0 ? " %" : ", %").append(a.args().get(i));
                yield sb.append(" : ").append(a.dtype().spelling()).toString();
            }
            case Instr.Store s -> k.reduction() != null ? "acc += %" + s.arg()
                    : "store " + operandName(ops, s.operand()) + (ops.get(s.operand()).scalar() ? "[]" : "[r, j]") + ", %" + s.arg();
        };
    }

    private static String literal(Instr.Lit c) {
        if (c.dtype() == DType.BOOL) return c.i() != 0 ? "true" : "false";
        return c.dtype().isFloat() ? Double.toString(c.f()) : Long.toString(c.i());
    }

    private static final Pattern HEADER = Pattern.compile("kernel @(\\w+)\\((.*)\\) shapes (\\d+)(?: (sum|mean)\\((all|last)(, keepdims)?\\))? \\{");
    private static final Pattern ACC = Pattern.compile("acc \\+= %(\\d+)");
    private static final Pattern OPERAND = Pattern.compile("([oa])(\\d+): (\\w+) (out|in)( scalar| row)?");
    private static final Pattern VALUE = Pattern.compile("%(\\d+) = (\\w+) (.*?)(?: : (\\w+))?");
    private static final Pattern STORE = Pattern.compile("store ([oa]\\d+)\\[[^\\]]*\\], %(\\d+)");

    /** A parsed kernel and its name. */
    public record Named(String name, Kernel kernel) {}

    /** Parses the text of one kernel, as {@link #print} writes it; throws IllegalArgumentException on bad text. */
    public static Named parse(String text) {
        var lines = text.strip().lines().map(String::strip).toList();
        Matcher h = HEADER.matcher(lines.getFirst());
        if (!h.matches()) throw bad(lines.getFirst());
        var operands = new ArrayList<Operand>();
        var names = new ArrayList<String>();
        if (!h.group(2).isEmpty()) {
            for (String o : h.group(2).split(", ")) {
                Matcher m = OPERAND.matcher(o);
                if (!m.matches()) throw bad(o);
                operands.add(new Operand(m.group(4).equals("out") ? Role.OUT : Role.IN, dtype(m.group(3)), " scalar".equals(m.group(5)), " row".equals(m.group(5))));
                names.add(m.group(1) + m.group(2));
            }
        }
        var values = new java.util.TreeMap<Integer, Instr>();
        var stores = new ArrayList<Instr>();
        for (String l : lines.subList(1, lines.size())) {
            if (l.startsWith("for ") || l.equals("}") || l.startsWith("acc = ") || l.startsWith("partial[") || l.startsWith("o0[")) continue;
            Matcher acc = ACC.matcher(l);
            if (acc.matches()) {
                stores.add(new Instr.Store(0, Integer.parseInt(acc.group(1))));
                continue;
            }
            Matcher s = STORE.matcher(l);
            if (s.matches()) {
                stores.add(new Instr.Store(operand(names, s.group(1)), Integer.parseInt(s.group(2))));
                continue;
            }
            Matcher v = VALUE.matcher(l);
            if (!v.matches()) throw bad(l);
            values.put(Integer.parseInt(v.group(1)), value(v, names));
        }
        var body = new ArrayList<Instr>();
        for (var e : values.entrySet()) {
            if (e.getKey() != body.size()) throw bad("value %" + body.size() + " is missing");
            body.add(e.getValue());
        }
        body.addAll(stores);
        var red = h.group(4) == null ? null : new Kernel.Reduction(h.group(4).equals("mean"), h.group(5).equals("all"), h.group(6) != null);
        return new Named(h.group(1), new Kernel(operands, Integer.parseInt(h.group(3)), body, red));
    }

    private static Instr value(Matcher v, List<String> names) {
        String op = v.group(2), rest = v.group(3);
        return switch (op) {
            case "load" -> new Instr.Load(operand(names, rest.substring(0, rest.indexOf('['))));
            case "lit" -> {
                DType t = dtype(v.group(4));
                yield switch (rest) {
                    case "true" -> new Instr.Lit(t, 1, 1);
                    case "false" -> new Instr.Lit(t, 0, 0);
                    default -> t.isFloat() ? new Instr.Lit(t, Double.parseDouble(rest), 0) : new Instr.Lit(t, 0, Long.parseLong(rest));
                };
            }
            default -> {
                Op o = Op.bySpelling(op);
                if (o == null) throw bad("unknown op " + op);
                var args = new ArrayList<Integer>();
                for (String a : rest.split(", ")) args.add(Integer.parseInt(a.strip().substring(1)));
                yield new Instr.Apply(o, dtype(v.group(4)), args);
            }
        };
    }

    private static int operand(List<String> names, String name) {
        int k = names.indexOf(name);
        if (k < 0) throw bad("unknown operand " + name);
        return k;
    }

    private static DType dtype(String s) {
        DType t = s == null ? null : DType.parse(s);
        if (t == null) throw bad("unknown dtype " + s);
        return t;
    }

    private static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException("bad kernel text: " + what);
    }
}
