package dev.txc.tests.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutation fuzzing of the example programs (examples/*.tx and the .tx files under src/test/resources) through the
 * whole pipeline of {@code txc check} and {@code txc run} (see {@link Oracle} for what counts as a pass).
 *
 * <p>Mutant {@code i} of seed {@code S} is a function of {@code S} and {@code i} alone. The default run is 500
 * mutants of seed 1; {@code -Dtxc.fuzz.seed=S -Dtxc.fuzz.count=N -Dtxc.fuzz.from=I} runs others, and
 * {@code -Dtxc.fuzz.minutes=M} runs as many as fit in M minutes (the long run). A failing mutant is written to
 * {@code target/fuzz-failures/}; once fixed, it joins the regression cases in {@code src/test/resources/fuzz/}, which
 * every run checks.
 */
class MutationFuzzTest {
    static final Path REGRESSIONS = Path.of("src/test/resources/fuzz");
    private static final long TIMEOUT_MS = Long.getLong("txc.fuzz.timeoutMillis", 60_000);

    @TempDir
    Path dir;

    @Test
    void mutantsGiveResultsOrLocatedErrorsNeverCrashes() throws IOException {
        long seed = Long.getLong("txc.fuzz.seed", 1);
        long from = Long.getLong("txc.fuzz.from", 0);
        long count = Long.getLong("txc.fuzz.count", 500);
        long minutes = Long.getLong("txc.fuzz.minutes", 0);
        long deadline = minutes > 0 ? System.nanoTime() + minutes * 60_000_000_000L : Long.MAX_VALUE;
        if (minutes > 0) count = Long.MAX_VALUE;
        Mutator mutator = corpus();
        Files.createSymbolicLink(dir.resolve("data"), Path.of("../examples/data").toAbsolutePath());
        var failures = new ArrayList<String>();
        long checked = 0, ran = 0;
        long i = from;
        for (; i < from + count && System.nanoTime() < deadline; i++) {
            Mutator.Mutant m = mutator.mutant(seed * 1_000_003L + i);
            Path file = dir.resolve("m" + i + ".tx");
            Files.write(file, m.bytes());
            var oracle = new Oracle(file, TIMEOUT_MS);
            String problem = oracle.judge();
            checked += oracle.checked ? 1 : 0;
            ran += oracle.ran;
            if (problem != null) {
                Path kept = Path.of("target/fuzz-failures/seed" + seed + "-" + i + ".tx");
                Files.createDirectories(kept.getParent());
                Files.write(kept, m.bytes());
                failures.add("mutant " + i + " of seed " + seed + " (" + m.base() + ": " + String.join("; ", m.edits())
                        + "), kept as " + kept + ":\n  " + problem);
            }
            Files.delete(file);
        }
        System.out.println("mutation fuzzing: seed " + seed + ", mutants " + from + ".." + (i - 1) + " (" + (i - from)
                + "), " + checked + " accepted by txc check, " + ran + " successful runs, " + failures.size() + " failures");
        assertTrue(i - from >= Math.min(count, 1), "ran no mutants");
        if (!failures.isEmpty()) fail(failures.size() + " mutants failed:\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    /** Every input fuzzing once found to fail, checked the same way. */
    @TestFactory
    Stream<DynamicTest> regressions() throws IOException {
        try (Stream<Path> files = Files.list(REGRESSIONS)) {
            return files.filter(p -> p.toString().endsWith(".tx")).sorted().toList().stream()
                    .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
                        Path copy = dir.resolve(p.getFileName());
                        Files.copy(p, copy);
                        assertNull(new Oracle(copy, TIMEOUT_MS).judge());
                    }));
        }
    }

    static Mutator corpus() throws IOException {
        var paths = new ArrayList<Path>();
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            s.filter(p -> p.toString().endsWith(".tx")).forEach(paths::add);
        }
        try (Stream<Path> s = Files.walk(Path.of("src/test/resources"))) {
            s.filter(p -> p.toString().endsWith(".tx") && !p.startsWith(REGRESSIONS)).forEach(paths::add);
        }
        paths.sort(null);
        List<String> names = paths.stream().map(Path::toString).toList();
        var texts = new ArrayList<String>();
        for (Path p : paths) texts.add(Files.readString(p));
        assertTrue(texts.size() >= 20, "the corpus: " + names);
        return new Mutator(names, texts);
    }
}
