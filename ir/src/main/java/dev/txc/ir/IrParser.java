package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import dev.txc.types.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the text {@link IrText} prints back into interned nodes, checking each printed type against the inferred one. */
public final class IrParser {
    /** A malformed IR text, with its 1-based position. */
    public static final class IrParseException extends RuntimeException {
        public IrParseException(String file, int line, int col, String message) {
            super(file + ":" + line + ":" + col + ": " + message, null, false, false);
        }
    }

    private record Tok(String kind, String text, int line, int col) {}

    private final String file;
    private final List<Tok> toks;
    private int pos;
    private final Deque<Map<String, Node>> scopes = new ArrayDeque<>();
    private Map<Node, SourceSpan> locs = new LinkedHashMap<>();

    private IrParser(String file, String text) {
        this.file = file;
        this.toks = lex(text);
    }

    public static Module parseModule(String file, String text) {
        return new IrParser(file, text).module();
    }

    public static Function parseFunction(String file, String text) {
        Module m = parseModule(file, text);
        if (m.functions().size() != 1) throw new IllegalArgumentException("expected one function, got " + m.functions().size());
        return m.functions().getFirst();
    }

    // ---- lexer ----

    private List<Tok> lex(String s) {
        var out = new ArrayList<Tok>();
        int line = 1, col = 1, i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int start = i, sl = line, sc = col;
            if (c == '\n') {
                line++;
                col = 1;
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                col++;
                continue;
            }
            if (c == '#') {
                while (i < s.length() && s.charAt(i) != '\n') i++;
                col += i - start;
                continue;
            }
            String kind;
            if (c == '%' || c == '@') {
                i++;
                while (i < s.length() && isIdent(s.charAt(i))) i++;
                kind = c == '%' ? "value" : "global";
            } else if (c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"') i += s.charAt(i) == '\\' ? 2 : 1;
                i++;
                kind = "string";
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length() && (Character.isDigit(s.charAt(i + 1)) || s.startsWith("inf", i + 1)))) {
                i++;
                if (s.startsWith("inf", i)) i += 3;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                        || ((s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')))) i++;
                kind = "number";
            } else if (isIdent(c)) {
                while (i < s.length() && isIdent(s.charAt(i))) i++;
                kind = "ident";
            } else if (c == '-' && i + 1 < s.length() && s.charAt(i + 1) == '>') {
                i += 2;
                kind = "->";
            } else {
                i++;
                kind = String.valueOf(c);
            }
            String text = s.substring(start, i);
            out.add(new Tok(kind, text, sl, sc));
            col += i - start;
        }
        out.add(new Tok("eof", "", line, col));
        return out;
    }

    private static boolean isIdent(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    // ---- helpers ----

    private Tok peek() {
        return toks.get(pos);
    }

    private boolean at(String kindOrText) {
        Tok t = peek();
        return t.kind().equals(kindOrText) || (t.kind().equals("ident") && t.text().equals(kindOrText));
    }

    private Tok expect(String kindOrText) {
        if (!at(kindOrText)) throw error("expected " + kindOrText + ", found '" + peek().text() + "'");
        return toks.get(pos++);
    }

    private boolean accept(String kindOrText) {
        if (at(kindOrText)) {
            pos++;
            return true;
        }
        return false;
    }

    private IrParseException error(String msg) {
        Tok t = peek();
        return new IrParseException(file, t.line(), t.col(), msg);
    }

    // ---- grammar ----

    private Module module() {
        var shared = new ArrayList<SharedVar>();
        var fns = new ArrayList<Function>();
        while (!at("eof")) {
            if (at("shared")) shared.add(sharedDecl());
            else if (at("func")) fns.add(function());
            else throw error("expected 'shared' or 'func'");
        }
        return new Module(shared, fns);
    }

    private SharedVar sharedDecl() {
        expect("shared");
        String name = expect("global").text().substring(1);
        expect(":");
        TensorType t = type().tensor();
        expect("=");
        SharedVar.Init init;
        if (accept("randn")) {
            expect("(");
            expect("seed");
            expect("=");
            init = new SharedVar.Init.Randn(Long.parseLong(expect("number").text()));
            expect(")");
        } else if (accept("uniform")) {
            expect("(");
            double lo = number(), hi;
            expect(",");
            hi = number();
            expect(",");
            expect("seed");
            expect("=");
            init = new SharedVar.Init.Uniform(lo, hi, Long.parseLong(expect("number").text()));
            expect(")");
        } else if (accept("load")) {
            expect("(");
            init = new SharedVar.Init.Load(unquote(expect("string").text()));
            expect(")");
        } else {
            var vals = new ArrayList<String>();
            var shape = new ArrayList<Integer>();
            leafDepth = -1;
            nested(vals, shape, 0);
            init = new SharedVar.Init.Value(tensor(t.dtype(), shape.stream().mapToInt(Integer::intValue).toArray(), vals));
        }
        return new SharedVar(name, t, init);
    }

    private double number() {
        return parseDouble(expect("number").text());
    }

    private Function function() {
        expect("func");
        String name = expect("global").text().substring(1);
        scopes.push(new HashMap<>());
        locs = new LinkedHashMap<>();
        expect("(");
        var params = new ArrayList<Node>();
        while (!at(")")) {
            if (!params.isEmpty()) expect(",");
            String pname = expect("value").text().substring(1);
            expect(":");
            Node p = Node.leaf(Op.PARAM, Attrs.of("name", pname), type());
            define("%" + pname, p);
            params.add(p);
        }
        expect(")");
        expect("->");
        expect("(");
        var outNames = new ArrayList<String>();
        while (!at(")")) {
            if (!outNames.isEmpty()) expect(",");
            outNames.add(expect("ident").text());
        }
        expect(")");
        expect("{");
        var defaults = new LinkedHashMap<String, Node>();
        var updates = new ArrayList<Function.Update>();
        while (true) {
            if (at("value")) line();
            else if (accept("default")) {
                String p = expect("value").text().substring(1);
                expect("=");
                defaults.put(p, use());
            } else if (accept("update")) {
                String s = expect("global").text().substring(1);
                expect("=");
                updates.add(new Function.Update(s, use()));
            } else break;
        }
        expect("return");
        var outs = new ArrayList<Function.Output>();
        if (!at("}")) {
            do outs.add(new Function.Output(outNames.get(outs.size()), use()));
            while (accept(","));
        }
        if (outs.size() != outNames.size()) throw error("return gives " + outs.size() + " values for " + outNames.size() + " names");
        expect("}");
        scopes.pop();
        return new Function(name, params, defaults, outs, updates, locs);
    }

    private void define(String name, Node n) {
        if (scopes.peek().containsKey(name)) throw error("value " + name + " defined twice");
        scopes.peek().put(name, n);
    }

    private Node use() {
        Tok t = expect("value");
        for (var s : scopes) {
            Node n = s.get(t.text());
            if (n != null) return n;
        }
        pos--;
        throw error("undefined value " + t.text());
    }

    private void line() {
        String v = expect("value").text();
        expect("=");
        Tok opTok = expect("ident");
        Op op = Op.bySpelling(opTok.text());
        if (op == null || op == Op.PARAM || op == Op.REGION_PARAM) {
            pos--;
            throw error("unknown op '" + opTok.text() + "'");
        }
        Node n;
        if (op == Op.CONST) {
            var vals = new ArrayList<String>();
            var shape = new ArrayList<Integer>();
            leafDepth = -1;
            nested(vals, shape, 0);
            expect(":");
            TensorType t = type().tensor();
            n = Node.leaf(Op.CONST, Attrs.of("value", tensor(t.dtype(), shape.stream().mapToInt(Integer::intValue).toArray(), vals)), t);
            checkType(n, t, opTok);
        } else if (op == Op.SHARED) {
            String name = expect("global").text().substring(1);
            expect(":");
            n = Node.leaf(Op.SHARED, Attrs.of("name", name), type());
        } else {
            var ins = new ArrayList<Node>();
            if (at("value")) {
                do ins.add(use());
                while (accept(","));
            }
            var attrs = new LinkedHashMap<String, Object>();
            if (accept("{")) {
                do {
                    String k = expect("ident").text();
                    expect("=");
                    attrs.put(k, attrValue());
                } while (accept(","));
                expect("}");
            }
            if (at("(")) attrs.put("body", region());
            expect(":");
            Type t = type();
            try {
                n = Node.make(op, ins, Attrs.of(attrs));
            } catch (IrTypeException | IllegalArgumentException e) {
                throw new IrParseException(file, opTok.line(), opTok.col(), e.getMessage());
            }
            checkType(n, t, opTok);
        }
        if (accept("loc")) {
            expect("(");
            String f = unquote(expect("string").text());
            expect(":");
            int l = Integer.parseInt(expect("number").text());
            expect(":");
            int c = Integer.parseInt(expect("number").text());
            expect(")");
            locs.putIfAbsent(n, SourceSpan.point(f, l, c));
        }
        define(v, n);
    }

    private void checkType(Node n, Type printed, Tok at) {
        if (!n.type().equals(printed))
            throw new IrParseException(file, at.line(), at.col(), "type " + printed + " does not match the inferred " + n.type());
    }

    private Region region() {
        expect("(");
        expect("level");
        int level = Integer.parseInt(expect("number").text());
        expect(";");
        scopes.push(new HashMap<>());
        var params = new ArrayList<Node>();
        while (!at(")")) {
            if (!params.isEmpty()) expect(",");
            String pv = expect("value").text();
            expect(":");
            Node p = Node.leaf(Op.REGION_PARAM, Attrs.of("level", (long) level, "index", (long) params.size()), type());
            define(pv, p);
            params.add(p);
        }
        expect(")");
        expect("{");
        while (at("value")) line();
        expect("yield");
        var results = new ArrayList<Node>();
        do results.add(use());
        while (accept(","));
        expect("}");
        scopes.pop();
        return new Region(level, params, results);
    }

    private Object attrValue() {
        if (accept("[")) {
            var l = new ArrayList<Long>();
            while (!at("]")) {
                if (!l.isEmpty()) expect(",");
                l.add(accept("none") ? Op.NONE : Long.parseLong(expect("number").text()));
            }
            expect("]");
            return l;
        }
        if (at("string")) return unquote(expect("string").text());
        if (accept("true")) return true;
        if (accept("false")) return false;
        if (accept("none")) return Op.NONE;
        if (at("number")) {
            String s = expect("number").text();
            return isFloatText(s) ? (Object) parseDouble(s) : (Object) Long.parseLong(s);
        }
        Tok t = expect("ident");
        if (t.text().equals("nan") || t.text().equals("inf")) return parseDouble(t.text());
        DType d = DType.parse(t.text());
        if (d == null) {
            pos--;
            throw error("bad attribute value '" + t.text() + "'");
        }
        return d;
    }

    private Type type() {
        if (accept("(")) {
            var parts = new ArrayList<Type>();
            while (!at(")")) {
                if (!parts.isEmpty()) expect(",");
                parts.add(type());
            }
            expect(")");
            return new TupleType(parts);
        }
        Tok t = expect("ident");
        DType d = DType.parse(t.text());
        if (d == null) {
            pos--;
            throw error("unknown dtype '" + t.text() + "'");
        }
        var dims = new ArrayList<Dim>();
        if (accept("[")) {
            do {
                if (accept("?")) dims.add(Dim.ANY);
                else if (at("number")) dims.add(Dim.of(Long.parseLong(expect("number").text())));
                else dims.add(new Dim.Sym(expect("ident").text()));
            } while (accept(","));
            expect("]");
        }
        return new TensorType(d, dims);
    }

    /** The depth of the scalars of the nested literal being read (all at one depth), or -1 before the first. */
    private int leafDepth = -1;

    /** Reads a nested list literal, appending scalar texts to {@code vals} and recording the shape. */
    private void nested(List<String> vals, List<Integer> shape, int depth) {
        if (accept("[")) {
            int n = 0;
            while (!at("]")) {
                if (n > 0) expect(",");
                nested(vals, shape, depth + 1);
                n++;
            }
            expect("]");
            // Inner lists close first: the shape is filled in by depth, not in the order lists end.
            while (shape.size() <= depth) shape.add(-1);
            if (shape.get(depth) == -1) shape.set(depth, n);
            else if (shape.get(depth) != n) throw error("ragged literal");
            return;
        }
        if (shape.size() > depth || (leafDepth >= 0 && leafDepth != depth)) throw error("ragged literal");
        leafDepth = depth;
        Tok t = peek();
        if (!(t.kind().equals("number") || t.text().equals("true") || t.text().equals("false") || t.text().equals("nan") || t.text().equals("inf")))
            throw error("expected a literal value, found '" + t.text() + "'");
        pos++;
        vals.add(t.text());
    }

    private static Tensor tensor(DType d, int[] shape, List<String> vals) {
        if (Tensor.size(shape) != vals.size()) throw new IllegalArgumentException("literal size");
        if (d.isFloat()) {
            double[] v = new double[vals.size()];
            for (int k = 0; k < v.length; k++) v[k] = parseDouble(vals.get(k));
            return Tensor.ofDoubles(d, shape, v);
        }
        long[] v = new long[vals.size()];
        for (int k = 0; k < v.length; k++) {
            String s = vals.get(k);
            v[k] = s.equals("true") ? 1 : s.equals("false") ? 0 : Long.parseLong(s);
        }
        return Tensor.ofLongs(d, shape, v);
    }

    private static boolean isFloatText(String s) {
        return s.contains(".") || s.contains("e") || s.contains("E") || s.contains("inf") || s.contains("nan") || s.contains("NaN") || s.contains("Infinity");
    }

    private static double parseDouble(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static String unquote(String s) {
        var sb = new StringBuilder();
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() - 1) {
                char e = s.charAt(++i);
                sb.append(e == 'n' ? '\n' : e);
            } else sb.append(c);
        }
        return sb.toString();
    }
}
