package dev.txc.tests.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small JSON reader for txc's {@code --format json} output (numbers keep their text, so floats read back exactly). */
final class Json {
    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** A parsed value: an object, an array, a number (its text), a string, a boolean or null. */
    sealed interface Value {
        default Obj obj() {
            return (Obj) this;
        }

        default Arr arr() {
            return (Arr) this;
        }

        /** A number, or one of the strings txc writes for non-finite floats. */
        default double num() {
            return switch (this) {
                case Num n -> Double.parseDouble(n.text());
                case Str st when st.s().equals("NaN") -> Double.NaN;
                case Str st when st.s().equals("Infinity") -> Double.POSITIVE_INFINITY;
                case Str st when st.s().equals("-Infinity") -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalStateException("not a number: " + this);
            };
        }

        default long integer() {
            return Long.parseLong(((Num) this).text());
        }

        default String str() {
            return ((Str) this).s();
        }

        /** Every number in a (nested) array or a scalar, in C order. */
        default double[] flat() {
            var out = new ArrayList<Double>();
            flatten(this, out);
            double[] d = new double[out.size()];
            for (int i = 0; i < d.length; i++) d[i] = out.get(i);
            return d;
        }
    }

    private static void flatten(Value v, List<Double> out) {
        if (v instanceof Arr a) for (Value e : a.items()) flatten(e, out);
        else if (v instanceof Bool b) out.add(b.b() ? 1.0 : 0.0);
        else out.add(v.num());
    }

    record Obj(Map<String, Value> fields) implements Value {
        Value get(String k) {
            Value v = fields.get(k);
            if (v == null) throw new IllegalStateException("no field '" + k + "' in " + fields.keySet());
            return v;
        }

        /** The output named {@code name} of a txc JSON result (or of one of its steps). */
        Obj output(String name) {
            for (Value o : get("outputs").arr().items())
                if (o.obj().get("name").str().equals(name)) return o.obj();
            throw new IllegalStateException("no output '" + name + "' in " + this);
        }
    }

    record Arr(List<Value> items) implements Value {}

    record Num(String text) implements Value {}

    record Str(String s) implements Value {}

    record Bool(boolean b) implements Value {}

    record Null() implements Value {}

    static Value parse(String text) {
        Json j = new Json(text);
        Value v = j.value();
        j.ws();
        if (j.pos != text.length()) throw j.fail("trailing text");
        return v;
    }

    private Value value() {
        ws();
        if (pos >= s.length()) throw fail("unexpected end");
        char c = s.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                var m = new LinkedHashMap<String, Value>();
                ws();
                if (peek('}')) return new Obj(m);
                do {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                } while (peek(','));
                expect('}');
                return new Obj(m);
            }
            case '[' -> {
                pos++;
                var l = new ArrayList<Value>();
                ws();
                if (peek(']')) return new Arr(l);
                do {
                    l.add(value());
                    ws();
                } while (peek(','));
                expect(']');
                return new Arr(l);
            }
            case '"' -> {
                return new Str(string());
            }
            default -> {
                if (s.startsWith("true", pos)) {
                    pos += 4;
                    return new Bool(true);
                }
                if (s.startsWith("false", pos)) {
                    pos += 5;
                    return new Bool(false);
                }
                if (s.startsWith("null", pos)) {
                    pos += 4;
                    return new Null();
                }
                int start = pos;
                while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
                if (start == pos) throw fail("unexpected character '" + c + "'");
                return new Num(s.substring(start, pos));
            }
        }
    }

    private String string() {
        expect('"');
        var sb = new StringBuilder();
        while (pos < s.length() && s.charAt(pos) != '"') {
            char c = s.charAt(pos++);
            if (c == '\\') {
                char e = s.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        sb.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        expect('"');
        return sb.toString();
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    private boolean peek(char c) {
        if (pos < s.length() && s.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) throw fail("expected '" + c + "'");
    }

    private IllegalStateException fail(String what) {
        return new IllegalStateException(what + " at " + pos + " in: " + s);
    }
}
