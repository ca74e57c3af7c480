package dev.txc.tests.golden;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.IrParser;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.ir.Verifier;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files under {@code src/test/resources/golden}, one case per file:
 * <ul>
 *   <li>{@code *.tx}: a source, a {@code # passes: p1, p2} (or {@code # stage: s}) line, and the expected IR of every
 *       function as the comment block after {@code # ---- expected ----}; the expected IR must parse back to the
 *       same graph;</li>
 *   <li>{@code *.tir}: IR text, a {@code # passes:} line, and the expected IR after those passes;</li>
 *   <li>{@code errors/*.tx}: a source whose diagnostics must be exactly its {@code # expected-error@+N {{text}}}
 *       annotations (N lines below the annotation; the text is a substring of the message).</li>
 * </ul>
 * On a mismatch the test prints a unified diff; {@code -Dtx.bless=true} rewrites only the expected block.
 */
class GoldenTest {
    static final Path ROOT = Path.of("src/test/resources/golden");
    static final String MARK = "# ---- expected ----";
    static final boolean BLESS = Boolean.getBoolean("tx.bless");

    @TestFactory
    Stream<DynamicTest> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".tx") || p.toString().endsWith(".tir")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(ROOT.relativize(p).toString(), () -> run(p)));
        }
    }

    static void run(Path file) throws IOException {
        String text = Files.readString(file);
        if (ROOT.relativize(file).startsWith("errors")) {
            Diagnostics.check(file, text);
            return;
        }
        int mark = text.indexOf(MARK);
        String input = mark < 0 ? text : text.substring(0, mark);
        String actual = file.toString().endsWith(".tir") ? runTir(file, input) : runTx(file, input);
        String expected = mark < 0 ? null : uncomment(text.substring(mark + MARK.length()));
        if (actual.equals(expected)) return;
        if (BLESS) {
            Files.writeString(file, input.stripTrailing() + "\n\n" + MARK + "\n" + comment(actual));
            return;
        }
        fail("golden mismatch in " + file + " (re-run with -Dtx.bless=true to accept)\n" + Diff.unified(expected == null ? "" : expected, actual));
    }

    private static final Pattern PASSES = Pattern.compile("(?m)^# passes:(.*)$");
    private static final Pattern STAGE = Pattern.compile("(?m)^# stage:\\s*(\\w+)\\s*$");
    private static final Pattern OPT = Pattern.compile("(?m)^# opt-level:\\s*(\\d)\\s*$");

    static List<String> passes(String text) {
        Matcher m = PASSES.matcher(text);
        if (!m.find()) return null;
        return Stream.of(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static String runTx(Path file, String source) {
        var c = Frontend.compileText(file.toString(), source, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> "compile errors in " + file + ": " + c.diagnostics());
        Module m = c.module();
        int opt = optLevel(source);
        List<String> passes = passes(source);
        Matcher st = STAGE.matcher(source);
        if (passes != null) m = Pipeline.runPasses(m, passes, new PassContext(opt, DType.F64));
        else if (st.find()) m = Pipeline.run(m, Pipeline.Stage.parse(st.group(1)), new PassContext(opt, DType.F64));
        for (Function f : m.functions()) Verifier.verify(f, passes != null ? passes.contains("grad") : !(st.reset().find() && st.group(1).equals("parsed")));
        if (passes == null && st.reset().find() && st.group(1).equals("lowered")) return lowered(file, m);
        String printed = IrText.print(m);
        roundTrip(file, m, printed);
        return printed;
    }

    static String runTir(Path file, String text) {
        Module m = IrParser.parseModule(file.toString(), text);
        List<String> passes = passes(text);
        assertNotNull(passes, file + " needs a '# passes:' line");
        Module out = Pipeline.runPasses(m, passes, new PassContext(optLevel(text), DType.F64));
        String printed = IrText.print(out);
        roundTrip(file, out, printed);
        return printed;
    }

    /**
     * The lowered stage of every function: the fused function, then its kernels. Each function's part parses back to
     * the same nodes, and its kernel text parses back to the kernels of that function's own lowering.
     */
    static String lowered(Path file, Module m) {
        var sb = new StringBuilder();
        for (Function f : m.functions()) {
            String text = LoweredText.print(f);
            int cut = text.indexOf("kernels @");
            String fn = cut < 0 ? text : text.substring(0, cut);
            Function back = IrParser.parseModule(file + " (printed)", sharedDecls(m) + fn).function(f.name());
            assertEquals(fn, IrText.print(back), "function text of " + f.name() + " does not round-trip");
            if (cut >= 0) LoweredText.check(back, text.substring(cut));
            assertEquals(text, LoweredText.print(back), "lowered text of " + f.name() + " does not round-trip");
            sb.append(sb.isEmpty() ? "" : "\n").append(text);
        }
        return sb.toString();
    }

    private static String sharedDecls(Module m) {
        var sb = new StringBuilder();
        for (var s : m.shared()) sb.append(IrText.sharedDecl(s)).append('\n');
        return sb.toString();
    }

    static int optLevel(String text) {
        Matcher m = OPT.matcher(text);
        return m.find() ? Integer.parseInt(m.group(1)) : 2;
    }

    /** The printed IR parses back to the very same interned nodes. */
    static void roundTrip(Path file, Module m, String printed) {
        Module back = IrParser.parseModule(file + " (printed)", printed);
        assertEquals(printed, IrText.print(back), "IR text of " + file + " does not round-trip");
        for (int k = 0; k < m.functions().size(); k++) {
            Function a = m.functions().get(k), b = back.functions().get(k);
            for (int o = 0; o < a.outputs().size(); o++) assertSame(a.outputs().get(o).value(), b.outputs().get(o).value(), "output of " + a.name());
        }
    }

    static String comment(String text) {
        var sb = new StringBuilder();
        for (String line : text.stripTrailing().split("\n", -1)) sb.append(line.isEmpty() ? "#" : "# " + line).append('\n');
        return sb.toString();
    }

    static String uncomment(String block) {
        var sb = new StringBuilder();
        for (String line : block.strip().split("\n")) {
            if (line.startsWith("# ")) sb.append(line.substring(2)).append('\n');
            else if (line.equals("#")) sb.append('\n');
        }
        return sb.toString();
    }

    /** Diagnostics checked against {@code # expected-error@+N {{text}}} annotations. */
    static final class Diagnostics {
        private static final Pattern ANNOT = Pattern.compile("#\\s*expected-error@([+-]\\d+)\\s*\\{\\{(.*?)}}");

        record Expect(int line, String text) {}

        static void check(Path file, String text) {
            var expects = new ArrayList<Expect>();
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = ANNOT.matcher(lines[i]);
                while (m.find()) expects.add(new Expect(i + 1 + Integer.parseInt(m.group(1)), m.group(2)));
            }
            var c = Frontend.compileText(file.toString(), text, Frontend.Options.defaults());
            var found = new ArrayList<>(c.diagnostics());
            if (c.ok()) {
                try {
                    Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(2, DType.F64));
                } catch (dev.txc.ir.CompileException e) {
                    found.addAll(e.diagnostics());
                }
            }
            var unmatched = new ArrayList<>(expects);
            var unexpected = new ArrayList<Diagnostic>();
            for (Diagnostic d : found) {
                Expect hit = unmatched.stream().filter(e -> d.span() != null && e.line() == d.span().line() && d.message().contains(e.text())).findFirst().orElse(null);
                if (hit != null) unmatched.remove(hit);
                else unexpected.add(d);
            }
            if (!unmatched.isEmpty() || !unexpected.isEmpty())
                fail(file + ": expected errors not reported: " + unmatched + "\nunexpected diagnostics: "
                        + unexpected.stream().map(d -> (d.span() == null ? "?" : d.span().line() + ":" + d.span().col()) + " " + d.message()).toList());
        }
    }
}
