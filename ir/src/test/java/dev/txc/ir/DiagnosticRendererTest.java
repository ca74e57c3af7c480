package dev.txc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosticRendererTest {
    private static String render(String line, int col, int width) {
        var d = Diagnostic.error(new SourceSpan("f.tx", 1, col, 1, col + width), "bad");
        return new DiagnosticRenderer(f -> List.of(line)).render(d);
    }

    @Test
    void shortLinesAreShownWhole() {
        assertEquals("f.tx:1:5: error: bad\nabc def\n    ^~~\n", render("abc def", 5, 3));
    }

    @Test
    void aLongLineIsAWindowAroundTheCaret() {
        String line = "a".repeat(100_000) + "XYZ" + "b".repeat(100_000);
        String[] out = render(line, 100_001, 3).split("\n");
        assertEquals("f.tx:1:100001: error: bad", out[0]);
        // Fifty characters either side of the caret, with dots where the line goes on.
        assertEquals("..." + "a".repeat(50) + "XYZ" + "b".repeat(47) + "...", out[1]);
        assertEquals(" ".repeat(3 + 50) + "^~~", out[2]);
    }

    @Test
    void aWindowAtEitherEndOfALongLine() {
        String line = "q".repeat(5000);
        String[] start = render(line, 1, 1).split("\n");
        assertEquals("q".repeat(100) + "...", start[1]);
        assertEquals("^", start[2]);
        String[] end = render(line, 5000, 1).split("\n");
        assertEquals("..." + "q".repeat(100), end[1]);
        assertEquals(" ".repeat(3 + 99) + "^", end[2]);
        String[] past = render(line, 5001, 1).split("\n");
        assertEquals(" ".repeat(3 + 100) + "^", past[2]);
    }

    @Test
    void columnsCountCodePoints() {
        // The lexer's column 4 is the 'x' after the emoji, which is two chars in Java.
        assertEquals("f.tx:1:4: error: bad\na\ud83d\ude00 x\n   ^\n", render("a\ud83d\ude00 x", 4, 1));
    }

    @Test
    void controlCharactersInTheSourceLineEchoAsSpaces() {
        assertEquals("f.tx:1:5: error: bad\na b c\td\n    ^\n", render("a\rb\u2028c\td", 5, 1));
    }

    @Test
    void manyErrorsAreCappedWithACount() {
        var ds = new ArrayList<Diagnostic>();
        for (int i = 1; i <= 5000; i++) ds.add(Diagnostic.error(new SourceSpan("f.tx", i, 1, i, 2), "e" + i));
        String out = new DiagnosticRenderer(f -> List.of()).renderAll(ds, 20);
        List<String> lines = out.lines().toList();
        assertEquals(21, lines.size());
        assertEquals("f.tx:20:1: error: e20", lines.get(19));
        assertEquals("4980 more errors not shown", lines.get(20));
        assertTrue(new DiagnosticRenderer(f -> List.of()).renderAll(ds.subList(0, 20), 20).lines().count() == 20);
    }
}
