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

    static void save(Path dir, Map<String, NDArray> values) {
        try {
            Files.createDirectories(dir);
            recover(dir);
            for (var e : values.entrySet()) Npy.write(pending(dir, e.getKey()), e.getValue());
            Path journal = dir.resolve(JOURNAL), tmp = dir.resolve(JOURNAL + "." + ProcessHandle.current().pid() + ".tmp");
            Files.writeString(tmp, String.join("\n", values.keySet()) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            rollForward(dir, List.copyOf(values.keySet()));
        } catch (IOException e) {
            throw new TxRuntimeException("cannot save state to " + dir + ": " + e.getMessage(), e);
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
            throw new TxRuntimeException("cannot recover the state directory " + dir + ": " + e.getMessage(), e);
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
