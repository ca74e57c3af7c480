package dev.txc.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.TensorType;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save that cannot be written (a full or read-only file system) fails with a clear error and leaves the previous
 * state as it was. Tests run as root, whom chmod does not stop, so the failure is injected into the state store's
 * writer; where the machine lets the test mount a 64 KiB tmpfs, a really full disk is tried too.
 */
class StateFaultTest {
    private static final List<SharedSpec> SPECS = List.of(new SharedSpec("n", TensorType.parse("i64")), new SharedSpec("w", TensorType.parse("f64[?]")));

    @TempDir
    Path tmp;

    @AfterEach
    void restoreWriter() {
        StateDir.writer = (file, value) -> dev.txc.runtime.Npy.write(file, value);
    }

    private static ModelState state(long n, double... w) {
        return new ModelState(SPECS, List.of(NDArray.scalar(n), NDArray.ofDoubles(w)));
    }

    private static void assertHolds(Path dir, long n, double... w) {
        ModelState back = state(-1, 0);
        back.load(dir);
        assertEquals(n, back.get("n").getLong());
        assertArrayEquals(w, back.get("w").toDoubleArray());
    }

    private static List<String> hidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(".")).toList();
        }
    }

    @Test
    void aFailedWriteKeepsThePreviousState() throws IOException {
        Path dir = tmp.resolve("st");
        state(1, 1, 2).save(dir);
        // the second file of the save hits a full disk
        int[] calls = {0};
        StateDir.writer = (file, value) -> {
            if (++calls[0] == 2) throw new FileSystemException(file.toString(), null, "No space left on device");
            dev.txc.runtime.Npy.write(file, value);
        };
        var e = assertThrows(TxRuntimeException.class, () -> state(2, 3, 4, 5).save(dir));
        assertEquals("cannot save state to " + dir + ": no space left on device (the state saved there before is unchanged)", e.getMessage());
        assertHolds(dir, 1, 1, 2);
        assertEquals(List.of(), hidden(dir), "partial files are removed");
        // a read-only directory fails the first write
        StateDir.writer = (file, value) -> {
            throw new java.nio.file.AccessDeniedException(file.toString());
        };
        e = assertThrows(TxRuntimeException.class, () -> state(3, 6).save(dir));
        assertEquals("cannot save state to " + dir + ": permission denied (the state saved there before is unchanged)", e.getMessage());
        assertHolds(dir, 1, 1, 2);
        restoreWriter();
        state(4, 7).save(dir);
        assertHolds(dir, 4, 7);
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsNamedAsSuch() throws IOException {
        Path file = Files.writeString(tmp.resolve("afile"), "hi");
        var e = assertThrows(TxRuntimeException.class, () -> state(1, 1).save(file));
        assertEquals("cannot save state to " + file + ": it is a file, and --save-state needs a directory (one NAME.npy per shared variable)", e.getMessage());
        assertEquals("hi", Files.readString(file));
    }

    @Test
    void aReallyFullTmpfs() throws Exception {
        Path mnt = Files.createDirectory(tmp.resolve("small"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()), "cannot mount a tmpfs here");
        try {
            Path dir = mnt.resolve("st");
            state(1, 1, 2).save(dir);
            var e = assertThrows(TxRuntimeException.class, () -> state(2, new double[20_000]).save(dir)); // 160 KB > 64 KiB
            assertEquals("cannot save state to " + dir + ": no space left on device (the state saved there before is unchanged)", e.getMessage());
            assertHolds(dir, 1, 1, 2);
            assertEquals(List.of(), hidden(dir));
        } finally {
            assertTrue(run("umount", mnt.toString()));
        }
    }

    private static boolean run(String... cmd) throws Exception {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
