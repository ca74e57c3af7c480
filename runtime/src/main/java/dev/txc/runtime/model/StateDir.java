package dev.txc.runtime.model;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.TxRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A state directory ({@code DIR/NAME.npy} per shared variable) saved all or nothing, with a small journal:
 * <ol>
 *   <li>each value is written to {@code .NAME.npy.new} (itself atomically: temporary file, fsync, rename);</li>
 *   <li>the journal {@code .commit}, listing the names, is written atomically: from here on the save counts;</li>
 *   <li>each {@code .NAME.npy.new} is renamed over {@code NAME.npy}; then the journal is deleted.</li>
 * </ol>
 * {@link #recover} (run before every load and save) finishes a save killed after step 2 and discards one killed
 * before it, so a reader always sees every variable from one and the same save.
 */
final class StateDir {
    private StateDir() {}

    private static final String JOURNAL = ".commit";

    /** How a value reaches its file; tests replace it to inject a failing disk. */
    interface Writer {
        void write(Path file, NDArray value) throws IOException;
    }

    static volatile Writer writer = (file, value) -> Npy.write(file, value);

    /**
     * Saves every value or none: a failure before the journal is written (a full disk, a read-only directory) leaves
     * the previous files as they were and removes the partial ones.
     */
    static void save(Path dir, Map<String, NDArray> values) {
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new TxRuntimeException("cannot save state to " + dir + ": it is a file, and --save-state needs a directory (one NAME.npy per shared variable)");
        boolean committed = false;
        try {
            Files.createDirectories(dir);
            recover(dir);
            for (var e : values.entrySet()) writer.write(pending(dir, e.getKey()), e.getValue());
            Path journal = dir.resolve(JOURNAL), tmp = dir.resolve(JOURNAL + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, String.join("\n", values.keySet()) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            committed = true;
            rollForward(dir, List.copyOf(values.keySet()));
        } catch (IOException | TxRuntimeException e) {
            if (!committed) discardPending(dir);
            // Npy.write reports its file (a temporary one here); the reason is what matters
            String why = e instanceof IOException io ? dev.txc.runtime.IoErrors.describe(io)
                    : e.getCause() instanceof IOException io ? dev.txc.runtime.IoErrors.describe(io) : e.getMessage();
            throw new TxRuntimeException("cannot save state to " + dir + ": " + why + (committed ? "" : " (the state saved there before is unchanged)"), e);
        }
    }

    private static void discardPending(Path dir) {
        try {
            recover(dir);
        } catch (TxRuntimeException ignored) {
            // the save already failed; that error is the one worth reporting, and the next save recovers again
        }
    }

    /** Completes a committed save, discards an uncommitted one and its temporary files. */
    static void recover(Path dir) {
        if (!Files.isDirectory(dir)) return;
        try {
            Path journal = dir.resolve(JOURNAL);
            if (Files.exists(journal)) {
                var names = Files.readAllLines(journal, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).toList();
                rollForward(dir, names);
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (n.endsWith(".npy.new") || n.endsWith(".tmp")) Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new TxRuntimeException("cannot recover the state directory " + dir + ": " + dev.txc.runtime.IoErrors.describe(e), e);
        }
    }

    private static void rollForward(Path dir, List<String> names) throws IOException {
        for (String name : names) {
            Path p = pending(dir, name);
            if (Files.exists(p)) Files.move(p, dir.resolve(name + ".npy"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(dir.resolve(JOURNAL));
    }

    private static Path pending(Path dir, String name) {
        return dir.resolve("." + name + ".npy.new");
    }

}
