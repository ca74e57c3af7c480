package dev.txc.tests.training;

import dev.txc.driver.Main;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.types.DType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link InterruptedSaveTest}: saves the state of {@code big.tx} to a directory again and again,
 * one generation more each time, and prints {@code saved G} after generation G is completely saved. It runs until it
 * is killed (or {@code MAX} saves).
 * <ul>
 *   <li>{@code cli DIR FILE.tx}: each save is a whole {@code txc run FILE.tx --fn bump --load-state DIR --save-state DIR}
 *       (in this JVM, through {@link Main#run}), so the kill may land in compiling, loading, running or saving;</li>
 *   <li>{@code npy DIR FILE.tx}: only the writes, as txc's state saving does them ({@link Npy#write} of each
 *       variable in declaration order, each a temporary file renamed over the old one), in a tight loop, so most kills
 *       land inside a write.</li>
 * </ul>
 */
public final class SaveLoop {
    static final int MAX = 100_000;

    public static void main(String[] args) {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        String file = args[2];
        PrintStream out = System.out;
        if (mode.equals("cli")) {
            var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            var err = new ByteArrayOutputStream();
            var errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            // generation 0: the initial state
            check(Main.run(new String[] {"run", file, "--fn", "peek", "--save-state", dir.toString()}, sink, errStream), err);
            out.println("saved 0");
            out.flush();
            for (int g = 1; g <= MAX; g++) {
                check(Main.run(new String[] {"run", file, "--fn", "bump", "--load-state", dir.toString(), "--save-state", dir.toString()}, sink, errStream), err);
                out.println("saved " + g);
                out.flush();
            }
        } else {
            try {
                java.nio.file.Files.createDirectories(dir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            for (int g = 0; g <= MAX; g++) {
                Npy.write(dir.resolve("gen.npy"), NDArray.scalar((long) g));
                Npy.write(dir.resolve("big.npy"), NDArray.full(DType.F64, g, 1024, 1024));
                Npy.write(dir.resolve("small.npy"), NDArray.full(DType.F64, g, 3));
                out.println("saved " + g);
                out.flush();
            }
        }
    }

    private static void check(int status, ByteArrayOutputStream err) {
        if (status != 0) {
            System.err.print(err.toString(StandardCharsets.UTF_8));
            System.exit(10 + status);
        }
    }
}
