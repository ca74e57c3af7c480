package dev.txc.tests;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The op contract: what an op needs, one place per concern, each an exhaustive {@code switch} over {@code ir.Op}
 * without {@code default}, so adding an op to {@code Op} does not compile until every concern handles it.
 *
 * <p>The table {@link #CONTRACT} is the list a reader follows when adding an op (docs/DESIGN.md points here). The
 * test reads the main sources of every module under the repository root and checks that each listed method holds a
 * switch over {@code Op} that the compiler checks for exhaustiveness (a switch expression, or a statement with a
 * pattern or {@code case null} label) and that has no {@code default}; and that no other switch over {@code Op} in
 * main sources has a {@code default} either.
 */
class OpContractTest {

    /** One concern of an op and the method whose switch over {@code Op} holds it. */
    record Concern(String what, String file, String method) {}

    static final List<Concern> CONTRACT = List.of(
            new Concern("type rule (result type, operand checks)", "ir/src/main/java/dev/txc/ir/TypeRules.java", "infer"),
            new Concern("reference evaluation of a node", "ir/src/main/java/dev/txc/ir/Interpreter.java", "applyOp"),
            new Concern("reference scalar semantics (unary, float and integer)", "ir/src/main/java/dev/txc/ir/RefScalar.java", "unary"),
            new Concern("reference scalar semantics (binary, float and integer)", "ir/src/main/java/dev/txc/ir/RefScalar.java", "binary"),
            new Concern("reference reductions", "ir/src/main/java/dev/txc/ir/RefOps.java", "reduce"),
            new Concern("elementwise partial derivative (serves VJP and JVP)", "optimizer/src/main/java/dev/txc/opt/DerivativeRules.java", "partial"),
            new Concern("VJP (reverse mode)", "optimizer/src/main/java/dev/txc/opt/DerivativeRules.java", "vjp"),
            new Concern("JVP (forward mode)", "optimizer/src/main/java/dev/txc/opt/DerivativeRules.java", "jvp"),
            new Concern("expansion of the differentiation ops", "optimizer/src/main/java/dev/txc/opt/GradPass.java", "expand"),
            new Concern("IR text printing (parsing is by Op.bySpelling)", "ir/src/main/java/dev/txc/ir/IrText.java", "node"),
            new Concern("pretty printing as .tx-like text", "ir/src/main/java/dev/txc/ir/PrettyPrinter.java", "render"),
            new Concern("pretty printing: infix operators", "ir/src/main/java/dev/txc/ir/PrettyPrinter.java", "infix"),
            new Concern("Graphviz rendering", "ir/src/main/java/dev/txc/ir/DotGraph.java", "look"),
            new Concern("JVM lowering of a graph node", "codegen-jvm/src/main/java/dev/txc/jvm/FunctionEmitter.java", "node"),
            new Concern("scalar and vector forms of an elementwise op (every backend's kernels)", "ir/src/main/java/dev/txc/ir/kernel/ElementwiseOps.java", "of"));

    /** Switches over {@code Op} that are plain switch statements, which Java does not check for exhaustiveness: none. */
    static final Set<String> KNOWN_STATEMENTS = Set.of();

    @Test
    void everyConcernIsAnExhaustiveSwitchWithoutDefault() {
        Path root = repoRoot();
        var problems = new ArrayList<String>();
        for (Concern c : CONTRACT) {
            Path file = root.resolve(c.file());
            if (!Files.exists(file)) {
                problems.add(c.what() + ": " + c.file() + " does not exist");
                continue;
            }
            List<Switch> inMethod = opSwitches(c.file(), read(file)).stream().filter(s -> s.method().equals(c.method())).toList();
            if (inMethod.isEmpty()) problems.add(c.what() + ": no switch over Op in " + c.file() + "#" + c.method());
            for (Switch s : inMethod) problems.addAll(violations(s));
        }
        assertEquals(List.of(), problems, "update the op contract (this test's CONTRACT table and docs/DESIGN.md)");
    }

    @Test
    void noSwitchOverOpInMainSourcesHasADefault() {
        Path root = repoRoot();
        var problems = new ArrayList<String>();
        int seen = 0;
        for (Path file : mainSources(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            for (Switch s : opSwitches(rel, read(file))) {
                seen++;
                problems.addAll(violations(s));
            }
        }
        assertTrue(seen >= CONTRACT.size(), "the scan found only " + seen + " switches over Op");
        assertEquals(List.of(), problems);
    }

    /** The scanner itself: it must see a default, a statement switch, a nested switch and an Op-typed variable. */
    @Test
    void theScannerFindsDefaultsAndUncheckedStatements() {
        String src = """
                class X {
                    static int a(Op op) {
                        return switch (op) { case ADD -> 1; default -> 2; };   // "default" in a comment is not a label
                    }
                    void b(Node n) {
                        switch (n.op()) { case ADD -> { } case SUB -> { } }
                    }
                    static int c(Op op, int k) {
                        return switch (op) { case ADD -> switch (k) { case 0 -> 1; default -> 2; }; case SUB -> 3; };
                    }
                    static String d(Op.Kind kind) {
                        String s = "default ->";
                        return switch (kind) { case LEAF -> s; default -> "x"; };
                    }
                    void e(Node n) {
                        switch (n.op()) { case null -> { } case ADD -> { } }
                    }
                }
                """;
        List<Switch> found = opSwitches("X.java", src);
        assertEquals(List.of("a", "b", "c", "e"), found.stream().map(Switch::method).toList());
        assertEquals(List.of("X.java:3 (X#a): switch over Op has a default"), violations(found.get(0)));
        assertEquals(List.of("X.java:6 (X#b): switch statement over Op is not checked for exhaustiveness; make it a switch expression"),
                violations(found.get(1)));
        assertEquals(List.of(), violations(found.get(2)), "the nested switch over an int may have a default");
        assertEquals(List.of(), violations(found.get(3)), "case null makes a statement exhaustive");
    }

    // ---- the scanner ----

    /** A switch over Op: where it is, the method holding it, whether Java checks it for exhaustiveness, whether it has a default. */
    record Switch(String file, int line, String method, boolean checked, boolean hasDefault) {}

    static List<String> violations(Switch s) {
        var out = new ArrayList<String>();
        String at = s.file() + ":" + s.line() + " (" + Path.of(s.file()).getFileName().toString().replace(".java", "") + "#" + s.method() + ")";
        if (s.hasDefault()) out.add(at + ": switch over Op has a default");
        if (!s.checked() && !KNOWN_STATEMENTS.contains(s.file() + "#" + s.method()))
            out.add(at + ": switch statement over Op is not checked for exhaustiveness; make it a switch expression");
        return out;
    }

    private static final Pattern SWITCH = Pattern.compile("\\bswitch\\s*\\(");
    private static final Pattern METHOD_HEADER = Pattern.compile("(\\w+)\\s*\\([^;{}()]*(?:\\([^;{}()]*\\)[^;{}()]*)*\\)\\s*(?:throws\\s+[\\w.,\\s]+)?$");
    private static final Set<String> NOT_METHODS = Set.of("if", "for", "while", "switch", "catch", "synchronized", "try");

    static List<Switch> opSwitches(String file, String source) {
        String s = blankCommentsAndStrings(source);
        int[] match = matchBraces(s);
        var all = new ArrayList<int[]>();               // {switchStart, bodyOpen, bodyClose}
        Matcher m = SWITCH.matcher(s);
        while (m.find()) {
            int close = matchParen(s, m.end() - 1);
            int open = s.indexOf('{', close);
            all.add(new int[] {m.start(), open, match[open], m.end(), close});
        }
        var out = new ArrayList<Switch>();
        for (int[] w : all) {
            String selector = s.substring(w[3], w[4]).strip();
            if (!isOp(selector, s, w[0], file)) continue;
            String top = topLevel(s, w, all);
            boolean checked = isExpression(s, w[0], all) || Pattern.compile("\\bcase\\s+null\\b").matcher(top).find();
            out.add(new Switch(file, lineOf(s, w[0]), enclosingMethod(s, w[0], match), checked, Pattern.compile("\\bdefault\\b").matcher(top).find()));
        }
        return out;
    }

    private static boolean isOp(String selector, String s, int at, String file) {
        if (selector.endsWith(".op()")) return true;                                  // Node.op()
        if (selector.equals("this")) return file.endsWith("/ir/Op.java");
        if (!selector.matches("\\w+")) return false;
        Matcher d = Pattern.compile("(?<![\\w.])([A-Z][\\w.]*)(?:<[^<>]*>)?\\s+" + selector + "\\s*[=,;:)]").matcher(s.substring(0, at));
        String type = null;
        while (d.find()) type = d.group(1);                                          // the nearest declaration before the switch
        return "Op".equals(type) || "dev.txc.ir.Op".equals(type);
    }

    /** The body of switch w with the bodies of the switches nested in it blanked out. */
    private static String topLevel(String s, int[] w, List<int[]> all) {
        char[] body = s.substring(w[1] + 1, w[2]).toCharArray();
        for (int[] inner : all)
            if (inner[0] > w[1] && inner[0] < w[2])
                for (int k = inner[0]; k <= inner[2]; k++) body[k - w[1] - 1] = ' ';
        return new String(body);
    }

    /** Whether the switch starting at {@code at} is an expression: it follows an operator, return/yield, or a case arrow of a switch expression, or a lambda arrow. */
    private static boolean isExpression(String s, int at, List<int[]> all) {
        String before = s.substring(0, at).stripTrailing();
        if (before.endsWith("->")) {
            String arm = before.substring(0, before.length() - 2);
            int from = Math.max(Math.max(arm.lastIndexOf(';'), arm.lastIndexOf('{')), arm.lastIndexOf('}'));
            if (!arm.substring(from + 1).strip().matches("(case|default)\\b[\\s\\S]*")) return true;     // a lambda body
            int[] outer = null;
            for (int[] w : all) if (w[1] < at && at < w[2] && (outer == null || w[1] > outer[1])) outer = w;
            return outer != null && isExpression(s, outer[0], all);
        }
        if (before.endsWith("return") || before.endsWith("yield")) return true;
        char c = before.isEmpty() ? ';' : before.charAt(before.length() - 1);
        return "=(,?+!&|".indexOf(c) >= 0;
    }

    private static String enclosingMethod(String s, int at, int[] match) {
        var open = new ArrayDeque<Integer>();
        for (int k = 0; k < at; k++) {
            if (s.charAt(k) == '{') open.push(k);
            else if (s.charAt(k) == '}') open.pop();
        }
        for (int b : open) {
            Matcher m = METHOD_HEADER.matcher(s.substring(Math.max(0, b - 400), b).stripTrailing());
            if (m.find() && !NOT_METHODS.contains(m.group(1))) return m.group(1);
        }
        return "?";
    }

    private static int[] matchBraces(String s) {
        int[] match = new int[s.length()];
        var stack = new ArrayDeque<Integer>();
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) == '{') stack.push(k);
            else if (s.charAt(k) == '}') match[stack.pop()] = k;
        }
        return match;
    }

    private static int matchParen(String s, int open) {
        int depth = 0;
        for (int k = open; k < s.length(); k++) {
            if (s.charAt(k) == '(') depth++;
            else if (s.charAt(k) == ')' && --depth == 0) return k;
        }
        throw new IllegalStateException("unbalanced parenthesis at " + open);
    }

    private static int lineOf(String s, int at) {
        int line = 1;
        for (int k = 0; k < at; k++) if (s.charAt(k) == '\n') line++;
        return line;
    }

    /** The source with comments, string, text-block and char literals replaced by spaces (line breaks kept). */
    static String blankCommentsAndStrings(String src) {
        var sb = new StringBuilder(src);
        int k = 0, n = src.length();
        while (k < n) {
            int end;
            if (src.startsWith("//", k)) end = indexOrEnd(src, "\n", k);
            else if (src.startsWith("/*", k)) end = indexOrEnd(src, "*/", k + 2) + 2;
            else if (src.startsWith("\"\"\"", k)) end = indexOrEnd(src, "\"\"\"", k + 3) + 3;
            else if (src.charAt(k) == '"' || src.charAt(k) == '\'') {
                char q = src.charAt(k);
                end = k + 1;
                while (end < n && src.charAt(end) != q) end += src.charAt(end) == '\\' ? 2 : 1;
                end++;
            } else {
                k++;
                continue;
            }
            end = Math.min(end, n);
            for (int j = k; j < end; j++) if (sb.charAt(j) != '\n') sb.setCharAt(j, ' ');
            k = end;
        }
        return sb.toString();
    }

    private static int indexOrEnd(String s, String what, int from) {
        int i = s.indexOf(what, from);
        return i < 0 ? s.length() : i;
    }

    // ---- files ----

    /** The repository root: the nearest directory above the working directory holding ir/src/main/java. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isDirectory(p.resolve("ir/src/main/java")) && Files.exists(p.resolve("pom.xml"))) return p;
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }

    static List<Path> mainSources(Path root) {
        try (Stream<Path> modules = Files.list(root)) {
            var out = new ArrayList<Path>();
            for (Path module : modules.sorted().toList()) {
                Path src = module.resolve("src/main/java");
                if (!Files.isDirectory(src)) continue;
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
