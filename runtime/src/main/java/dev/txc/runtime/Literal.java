package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Parses array literals such as {@code [[0, 1], [-1, -2.5]]}, {@code true} or {@code -inf}; rejects ragged lists and inexact conversions. */
public final class Literal {
    private Literal() {}

    private enum Kind { INT, FLOAT, BOOL }

    /** One scalar token; {@code column} is 1-based; {@code exact} holds the integer value when it fits a long. */
    private record Atom(String text, int column, Kind kind, double value, Long exact) {}

    /** A parsed value: a scalar or a bracketed list. */
    private sealed interface Node permits Scalar, ListNode {}

    private record Scalar(Atom atom) implements Node {}

    private record ListNode(List<Node> items, int column) implements Node {}

    /** The literal converted to {@code target}; a value the dtype cannot hold exactly is an error. */
    public static NDArray parse(String text, DType target) {
        Node root = new Parser(text).parseAll();
        int[] shape = shapeOf(root, text);
        List<Atom> atoms = new ArrayList<>();
        flatten(root, atoms);
        Object data = Buffers.allocate(target, atoms.size());
        for (int i = 0; i < atoms.size(); i++) {
            store(data, target, i, atoms.get(i), text);
        }
        return NDArray.wrap(target, data, shape);
    }

    /** The literal as bool if all values are true/false, i64 if all are integers, else f64. */
    public static NDArray parseInfer(String text) {
        Node root = new Parser(text).parseAll();
        List<Atom> atoms = new ArrayList<>();
        flatten(root, atoms);
        boolean allBool = !atoms.isEmpty() && atoms.stream().allMatch(a -> a.kind == Kind.BOOL);
        boolean allInt = !atoms.isEmpty() && atoms.stream().allMatch(a -> a.kind != Kind.FLOAT);
        return parse(text, allBool ? DType.BOOL : allInt ? DType.I64 : DType.F64);
    }

    private static int[] shapeOf(Node n, String text) {
        return switch (n) {
            case Scalar s -> new int[0];
            case ListNode l -> {
                if (l.items.isEmpty()) {
                    yield new int[] {0};
                }
                int[] first = shapeOf(l.items.getFirst(), text);
                for (Node item : l.items.subList(1, l.items.size())) {
                    int[] s = shapeOf(item, text);
                    if (!Arrays.equals(s, first)) {
                        throw error(text, "ragged nested list: the element at column " + column(item)
                                + " has shape " + Shapes.format(s) + " but the first element of the list at column "
                                + l.column + " has shape " + Shapes.format(first) + " (lists must be rectangular)");
                    }
                }
                int[] out = new int[first.length + 1];
                out[0] = l.items.size();
                System.arraycopy(first, 0, out, 1, first.length);
                yield out;
            }
        };
    }

    private static int column(Node n) {
        return switch (n) {
            case Scalar s -> s.atom.column;
            case ListNode l -> l.column;
        };
    }

    private static void flatten(Node n, List<Atom> out) {
        switch (n) {
            case Scalar s -> out.add(s.atom);
            case ListNode l -> l.items.forEach(item -> flatten(item, out));
        }
    }

    private static void store(Object data, DType t, int i, Atom a, String text) {
        switch (t) {
            case F64 -> Buffers.setDouble(data, t, i, a.value);
            case F32 -> {
                if (Double.isFinite(a.value) && Float.isInfinite((float) a.value)) {
                    throw inexact(text, a, t, "is out of range for");
                }
                Buffers.setDouble(data, t, i, a.value);
            }
            case BOOL -> {
                if (a.value != 0 && a.value != 1) {
                    throw inexact(text, a, t, "cannot be represented exactly as");
                }
                Buffers.setLong(data, t, i, (long) a.value);
            }
            case I8, I16, I32, I64, U8 -> Buffers.setLong(data, t, i, integerValue(a, t, text));
        }
    }

    private static long integerValue(Atom a, DType t, String text) {
        long v;
        if (a.exact != null) {
            v = a.exact;
        } else if (a.value == Math.rint(a.value) && Math.abs(a.value) < 0x1p63) {
            v = (long) a.value;
        } else {
            throw inexact(text, a, t, Double.isFinite(a.value) && a.value == Math.rint(a.value)
                    ? "is out of range for" : "cannot be represented exactly as");
        }
        long lo = switch (t) {
            case I8 -> Byte.MIN_VALUE;
            case I16 -> Short.MIN_VALUE;
            case I32 -> Integer.MIN_VALUE;
            case U8 -> 0;
            case I64, BOOL, F32, F64 -> Long.MIN_VALUE;
        };
        long hi = switch (t) {
            case I8 -> Byte.MAX_VALUE;
            case I16 -> Short.MAX_VALUE;
            case I32 -> Integer.MAX_VALUE;
            case U8 -> 255;
            case I64, BOOL, F32, F64 -> Long.MAX_VALUE;
        };
        if (v < lo || v > hi) {
            throw inexact(text, a, t, "is out of range for");
        }
        return v;
    }

    private static TxRuntimeException inexact(String text, Atom a, DType t, String problem) {
        return error(text, "value " + a.text + " at column " + a.column + " " + problem + " " + t.spelling());
    }

    private static TxRuntimeException error(String text, String problem) {
        String shown = text.length() <= 60 ? text : text.substring(0, 57) + "...";
        return new TxRuntimeException("invalid literal '" + shown + "': " + problem);
    }

    /** A recursive-descent parser over one literal; positions are 0-based internally and reported 1-based. */
    /** The deepest nesting of lists accepted: NumPy's limit on the number of dimensions. */
    static final int MAX_DEPTH = 64;

    private static final class Parser {
        private final String text;
        private int pos;
        private int depth;

        Parser(String text) {
            this.text = text;
        }

        Node parseAll() {
            skipSpace();
            Node n = value();
            skipSpace();
            if (pos < text.length()) {
                throw unexpected();
            }
            return n;
        }

        private Node value() {
            if (pos >= text.length()) {
                throw error(text, "expected a number, 'true', 'false' or '[' at column " + (pos + 1) + " (end of text)");
            }
            return text.charAt(pos) == '[' ? list() : new Scalar(atom());
        }

        private Node list() {
            int open = pos++;
            if (++depth > MAX_DEPTH) {
                throw error(text, "'[' at column " + (open + 1) + " is nested too deeply (arrays have at most " + MAX_DEPTH + " dimensions, as in NumPy)");
            }
            List<Node> items = new ArrayList<>();
            skipSpace();
            while (pos < text.length() && text.charAt(pos) != ']') {
                items.add(value());
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    skipSpace();
                } else if (pos < text.length() && text.charAt(pos) != ']') {
                    throw error(text, "expected ',' or ']' at column " + (pos + 1) + ", found '" + text.charAt(pos) + "'");
                }
            }
            if (pos >= text.length()) {
                throw error(text, "'[' at column " + (open + 1) + " is never closed");
            }
            pos++;
            depth--;
            return new ListNode(items, open + 1);
        }

        private Atom atom() {
            int start = pos;
            String word = word();
            String lower = word.toLowerCase(Locale.ROOT);
            return switch (lower) {
                case "true" -> new Atom(word, start + 1, Kind.BOOL, 1, 1L);
                case "false" -> new Atom(word, start + 1, Kind.BOOL, 0, 0L);
                case "nan", "+nan", "-nan" -> new Atom(word, start + 1, Kind.FLOAT, Double.NaN, null);
                case "inf", "+inf", "infinity", "+infinity" -> new Atom(word, start + 1, Kind.FLOAT, Double.POSITIVE_INFINITY, null);
                case "-inf", "-infinity" -> new Atom(word, start + 1, Kind.FLOAT, Double.NEGATIVE_INFINITY, null);
                default -> number(word, start);
            };
        }

        // the maximal run of characters up to a delimiter
        private String word() {
            int start = pos;
            while (pos < text.length() && !isDelimiter(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw unexpected();
            }
            return text.substring(start, pos);
        }

        private static boolean isDelimiter(char c) {
            return Character.isWhitespace(c) || c == ',' || c == '[' || c == ']';
        }

        private Atom number(String w, int start) {
            int i = w.startsWith("-") || w.startsWith("+") ? 1 : 0;
            int intDigits = digits(w, i);
            i += intDigits;
            boolean isFloat = false;
            int fracDigits = 0;
            if (i < w.length() && w.charAt(i) == '.') {
                isFloat = true;
                fracDigits = digits(w, i + 1);
                i += 1 + fracDigits;
            }
            if (intDigits + fracDigits == 0) {
                throw badNumber(w, start, i);
            }
            if (i < w.length() && (w.charAt(i) == 'e' || w.charAt(i) == 'E')) {
                isFloat = true;
                int j = i + 1 + (i + 1 < w.length() && (w.charAt(i + 1) == '-' || w.charAt(i + 1) == '+') ? 1 : 0);
                int expDigits = digits(w, j);
                if (expDigits == 0) {
                    throw badNumber(w, start, j);
                }
                i = j + expDigits;
            }
            if (i < w.length()) {
                throw badNumber(w, start, i);
            }
            double v = Double.parseDouble(w);
            if (Double.isInfinite(v)) { // as the language's own literals; write inf for an infinity
                throw error(text, "value " + w + " at column " + (start + 1) + " is too large for a 64-bit float");
            }
            return new Atom(w, start + 1, isFloat ? Kind.FLOAT : Kind.INT, v, isFloat ? null : parseLongOrNull(w));
        }

        private static Long parseLongOrNull(String w) {
            try {
                return Long.parseLong(w.startsWith("+") ? w.substring(1) : w);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static int digits(String w, int from) {
            int i = from;
            while (i < w.length() && w.charAt(i) >= '0' && w.charAt(i) <= '9') {
                i++;
            }
            return i - from;
        }

        private TxRuntimeException badNumber(String w, int start, int at) {
            String found = at < w.length() ? "unexpected character '" + w.charAt(at) + "'" : "it ends early";
            return error(text, "'" + w + "' at column " + (start + 1) + " is not a number: " + found
                    + " at column " + (start + at + 1));
        }

        private TxRuntimeException unexpected() {
            return error(text, "unexpected character '" + text.charAt(pos) + "' at column " + (pos + 1));
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }
    }
}
