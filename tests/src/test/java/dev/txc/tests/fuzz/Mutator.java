package dev.txc.tests.fuzz;

import dev.txc.grammar.TxLexer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;

/**
 * Damages valid programs the ways users and tools do: deleted, swapped, inserted and duplicated tokens, truncation,
 * random bytes (including invalid UTF-8) and code points, deep nesting, very long lines and very many lines. Each
 * mutant is a pure function of its seed, so a failure is reproduced from the seed alone.
 */
final class Mutator {
    /** One damaged program: its bytes and what was done to it, for the report. */
    record Mutant(String base, byte[] bytes, List<String> edits) {}

    private static final String[] VOCABULARY = {
            "(", ")", "[", "]", "{", "}", ",", ";", ":", "=", ":=", "->", "..", ".", "?", "==", "!=", "<", "<=", ">",
            ">=", "+", "-", "*", "/", "//", "%", "@", "**", "\n", "fn", "shared", "const", "return", "scan", "in",
            "carry", "true", "false", "and", "or", "not", "import", "x", "y", "w", "N", "f64", "f32", "i8", "i32",
            "i64", "u8", "bool", "floatX", "0", "1", "-1", "2", "1000", "1e308", "1e309", "0.5", "9223372036854775808",
            "\"s\"", "\"", "#", "sum", "grad", "exp", "log", "cast", "where", "reshape", "zeros", "arange", "load",
            "dot", "matmul", "axis=0", "axis=-1", "keepdims=true", "seed=0", "T", "shape", "$", "\\"};
    private static final int[] CODE_POINTS = {
            0, 1, 7, 9, 11, 12, 13, 0x1b, 0x7f, 0x85, 0xa0, 0xad, 0xfeff, 0x200b, 0x2028, 0x2029, 0x202e, 0x3000,
            0xfffd, 0xffff, 0x1f600, 0x10ffff, 'λ', 'é', 'π', '∑', '÷'};
    private static final int[] DEPTHS = {30, 150, 210, 260, 1_000, 10_000, 100_000};

    /** Mutants stay under a megabyte or so: larger inputs measure the machine's speed, not the compiler's robustness. */
    static final int MAX_LENGTH = 1_000_000;

    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    private final List<String> bases;
    private final List<String> names;

    Mutator(List<String> names, List<String> bases) {
        this.names = names;
        this.bases = bases;
    }

    Mutant mutant(long seed) {
        var random = new Random(seed);
        int which = random.nextInt(bases.size());
        var text = new Text(bases.get(which));
        var edits = new ArrayList<String>();
        int count = 1 + random.nextInt(3);
        byte[] raw = null;
        for (int k = 0; k < count; k++) {
            int kind = random.nextInt(12);
            if (kind == 11) {
                raw = text.bytes();
                edits.add(randomBytes(raw, random));
                break;
            }
            String edit;
            try {
                edit = edit(text, kind, random);
            } catch (TooLarge e) {
                edit = "an edit skipped: the program would exceed " + MAX_LENGTH + " characters";
            }
            edits.add(edit.length() <= 120 ? edit : edit.substring(0, 117) + "...");
        }
        return new Mutant(names.get(which), raw != null ? raw : text.bytes(), edits);
    }

    private static String edit(Text t, int kind, Random r) {
        return switch (kind) {
            case 0, 1 -> t.deleteToken(r);
            case 2 -> t.swapTokens(r);
            case 3, 4 -> t.insertToken(r, VOCABULARY[r.nextInt(VOCABULARY.length)]);
            case 5 -> t.duplicateTokens(r);
            case 6 -> t.truncate(r);
            case 7 -> t.insertCodePoint(r, r.nextInt(3) == 0 ? r.nextInt(0x110000) : CODE_POINTS[r.nextInt(CODE_POINTS.length)]);
            case 8 -> t.nest(r, DEPTHS[r.nextInt(DEPTHS.length)]);
            case 9 -> t.longLine(r);
            default -> t.manyLines(r);
        };
    }

    /** Overwrites a few bytes with random ones: invalid UTF-8, control characters, stray quotes. */
    private static String randomBytes(byte[] b, Random r) {
        int n = 1 + r.nextInt(4);
        var at = new int[n];
        for (int k = 0; k < n && b.length > 0; k++) {
            at[k] = r.nextInt(b.length);
            b[at[k]] = (byte) r.nextInt(256);
        }
        return "random bytes at " + Arrays.toString(at);
    }

    /** The program as code points and the token boundaries of the lexer, recomputed after each edit. */
    private static final class Text {
        private int[] cps;

        Text(String s) {
            cps = s.codePoints().toArray();
        }

        byte[] bytes() {
            return new String(cps, 0, cps.length).getBytes(StandardCharsets.UTF_8);
        }

        private List<Token> tokens() {
            var lexer = new TxLexer(CharStreams.fromString(new String(cps, 0, cps.length)));
            lexer.removeErrorListeners();
            var out = new ArrayList<Token>();
            for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) out.add(t);
            return out;
        }

        private Token anyToken(Random r) {
            List<Token> ts = tokens();
            return ts.isEmpty() ? null : ts.get(r.nextInt(ts.size()));
        }

        private void replace(int from, int to, String with) {
            if ((long) cps.length - (to - from) + with.length() > MAX_LENGTH) throw new TooLarge();
            int[] mid = with.codePoints().toArray();
            int[] out = new int[cps.length - (to - from) + mid.length];
            System.arraycopy(cps, 0, out, 0, from);
            System.arraycopy(mid, 0, out, from, mid.length);
            System.arraycopy(cps, to, out, from + mid.length, cps.length - to);
            cps = out;
        }

        private String slice(int from, int to) {
            return new String(cps, from, to - from);
        }

        String deleteToken(Random r) {
            Token t = anyToken(r);
            if (t == null) return "nothing to delete";
            replace(t.getStartIndex(), t.getStopIndex() + 1, "");
            return "deleted '" + t.getText() + "' at " + t.getLine() + ":" + (t.getCharPositionInLine() + 1);
        }

        String swapTokens(Random r) {
            List<Token> ts = tokens();
            if (ts.size() < 2) return "nothing to swap";
            int i = r.nextInt(ts.size() - 1);
            int j = r.nextBoolean() ? i + 1 : i + 1 + r.nextInt(ts.size() - i - 1);
            Token a = ts.get(i), b = ts.get(j);
            String between = slice(a.getStopIndex() + 1, b.getStartIndex());
            replace(a.getStartIndex(), b.getStopIndex() + 1, b.getText() + between + a.getText());
            return "swapped '" + a.getText() + "' and '" + b.getText() + "'";
        }

        String insertToken(Random r, String token) {
            Token t = anyToken(r);
            int at = t == null ? 0 : r.nextBoolean() ? t.getStartIndex() : t.getStopIndex() + 1;
            replace(at, at, r.nextBoolean() ? token : " " + token + " ");
            return "inserted '" + token + "' at offset " + at;
        }

        String duplicateTokens(Random r) {
            List<Token> ts = tokens();
            if (ts.isEmpty()) return "nothing to duplicate";
            int i = r.nextInt(ts.size()), j = Math.min(ts.size() - 1, i + r.nextInt(8));
            String copy = slice(ts.get(i).getStartIndex(), ts.get(j).getStopIndex() + 1);
            int at = ts.get(r.nextInt(ts.size())).getStartIndex();
            replace(at, at, copy + " ");
            return "copied '" + copy + "' to offset " + at;
        }

        String truncate(Random r) {
            int at = cps.length == 0 ? 0 : r.nextInt(cps.length);
            cps = Arrays.copyOf(cps, at);
            return "truncated at offset " + at;
        }

        String insertCodePoint(Random r, int cp) {
            if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
            int at = r.nextInt(cps.length + 1);
            replace(at, at, new String(Character.toChars(cp)));
            return String.format("inserted U+%04X at offset %d", cp, at);
        }

        /** Parentheses, brackets, calls or prefix operators around a token, or a run of openers left unclosed. */
        String nest(Random r, int depth) {
            Token t = anyToken(r);
            if (t == null) return "nothing to nest";
            String[][] kinds = {{"(", ")"}, {"-(", ")"}, {"[", "]"}, {"sin(", ")"}, {"- ", ""}, {"not ", ""}, {"x ** ", ""}};
            String[] k = kinds[r.nextInt(kinds.length)];
            boolean closed = r.nextInt(4) != 0;
            replace(t.getStopIndex() + 1, t.getStopIndex() + 1, closed ? k[1].repeat(depth) : "");
            replace(t.getStartIndex(), t.getStartIndex(), k[0].repeat(depth));
            return "nested '" + t.getText() + "' " + depth + " deep in " + k[0] + k[1] + (closed ? "" : ", unclosed");
        }

        /** A long operator chain, identifier, number, string or comment where a token was. */
        String longLine(Random r) {
            Token t = anyToken(r);
            int at = t == null ? 0 : t.getStopIndex() + 1;
            int n = 1_000 + r.nextInt(100_000);
            String[] runs = {" + x", " * 2", "x", "7", " ", "(x)", "\"" + "s".repeat(n) + "\"", " # " + "c".repeat(n)};
            String run = runs[r.nextInt(runs.length)];
            // Operator chains stay within the 10,000 terms that the whole pipeline is meant to handle.
            if (run.startsWith(" ") && run.length() == 4) n = 1 + n % 10_000;
            replace(at, at, run.length() > 4 ? run : run.repeat(n));
            return "long line: '" + run.substring(0, Math.min(6, run.length())) + "' x" + n + " at offset " + at;
        }

        /** A line repeated thousands of times: many statements, items or errors. */
        String manyLines(Random r) {
            String s = slice(0, cps.length);
            String[] lines = s.split("\n", -1);
            int i = r.nextInt(lines.length);
            int n = 500 + r.nextInt(10_000);
            if ((long) (lines[i].length() + 1) * n > MAX_LENGTH) throw new TooLarge();
            String copies = (lines[i] + "\n").repeat(n);
            int offset = 0;
            for (int k = 0; k < i; k++) offset += lines[k].codePointCount(0, lines[k].length()) + 1;
            replace(offset, offset, copies);
            return "line " + (i + 1) + " repeated " + n + " times";
        }
    }
}
