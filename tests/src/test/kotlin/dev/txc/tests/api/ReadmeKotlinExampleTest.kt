package dev.txc.tests.api

import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The README's "Kotlin DSL" snippet is KotlinExample.kt verbatim (after its package line), and it runs. */
class ReadmeKotlinExampleTest {
    private val repo: Path = Path.of(System.getProperty("user.dir")).toAbsolutePath().parent

    @Test
    fun readmeQuotesTheExample() {
        val text = Files.readString(repo.resolve("tests/src/test/kotlin/dev/txc/tests/api/KotlinExample.kt"))
        val example = text.substring(text.indexOf("\n\n") + 2)
        val readme = Files.readString(repo.resolve("README.md"))
        assertTrue(readme.contains("```kotlin\n$example```\n"), "README.md must quote tests/src/test/kotlin/dev/txc/tests/api/KotlinExample.kt verbatim")
    }

    @Test
    fun theExamplePrintsTheTutorialResults() {
        val buf = ByteArrayOutputStream()
        val old = System.out
        System.setOut(PrintStream(buf, true, Charsets.UTF_8))
        try {
            kotlinExample()
        } finally {
            System.setOut(old)
        }
        assertEquals(
            """
            f = [[0.25, 0.19661193], [0.19661193, 0.10499359]]
            f = 80.0
            f = 20.0
            f = 5.0
            [3.5, -7.0]
            """.trimIndent() + "\n",
            buf.toString(Charsets.UTF_8),
        )
    }
}
