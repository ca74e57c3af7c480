package dev.txc.tests.api;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "Embedding from Java" snippet is JavaExample.java verbatim (after its package line), and it runs. */
class ReadmeJavaExampleTest {
    static Path repo() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    /** The source of a snippet file without its package line and the blank line after it. */
    static String snippet(Path file) throws IOException {
        String text = Files.readString(file);
        return text.substring(text.indexOf("\n\n") + 2);
    }

    @Test
    void readmeQuotesTheExample() throws IOException {
        String example = snippet(repo().resolve("tests/src/test/java/dev/txc/tests/api/JavaExample.java"));
        String readme = Files.readString(repo().resolve("README.md"));
        assertTrue(readme.contains("```java\n" + example + "```\n"), "README.md must quote tests/src/test/java/dev/txc/tests/api/JavaExample.java verbatim");
    }

    @Test
    void theExamplePrintsTheTutorialResults() {
        var buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            JavaExample.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        assertEquals("""
                dlogistic = [[0.25, 0.19661193], [0.19661193, 0.10499359]]
                dlogistic = (exp(-abs(x)) / ((1.0 + exp(-abs(x))) * (1.0 + exp(-abs(x)))))

                state = 1, then 301
                """, buf.toString(StandardCharsets.UTF_8));
    }
}
